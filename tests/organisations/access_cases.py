from sqlalchemy import select

from portal.extensions import db
from portal.models import Organisation, Role
from tests.security.registry import CrossOrgCase, cross_org, exempt_cross_org, expect

expect("organisations.index", roles=(Role.FACILITATOR,))
expect("organisations.show", roles=tuple(Role))
expect(
    "organisations.create",
    "organisations.edit",
    "organisations.deactivate",
    "organisations.reactivate",
    roles=(Role.FACILITATOR,),
    admin=True,
)
exempt_cross_org(
    "facilitator admins see every organisation (DESIGN.md 4.3); other roles get 403",
    "organisations.edit",
    "organisations.deactivate",
    "organisations.reactivate",
)


def _org_state(org_id):
    return lambda: db.session.execute(
        select(Organisation.name, Organisation.active, Organisation.updated_at).where(
            Organisation.id == org_id
        )
    ).one()


@cross_org("organisations.show")
def company_reads_other_company(world):
    org = world.other_company
    return CrossOrgCase(world.users["company"], {"org_id": org.id}, _org_state(org.id))


@cross_org("organisations.show")
def structure_reads_other_structure(world):
    org = world.other_structure
    return CrossOrgCase(world.users["structure"], {"org_id": org.id}, _org_state(org.id))


@cross_org("organisations.show")
def commune_reads_other_commune(world):
    org = world.other_commune
    return CrossOrgCase(world.users["buyer_commune"], {"org_id": org.id}, _org_state(org.id))


@cross_org("organisations.show")
def commune_reads_its_coordinator(world):
    org = world.ccvg
    return CrossOrgCase(world.users["buyer_commune"], {"org_id": org.id}, _org_state(org.id))


@cross_org("organisations.show")
def ccvg_reads_a_company(world):
    org = world.company
    return CrossOrgCase(world.users["buyer_ccvg"], {"org_id": org.id}, _org_state(org.id))


@cross_org("organisations.show")
def company_reads_the_facilitator(world):
    org = world.facilitator
    return CrossOrgCase(world.users["company"], {"org_id": org.id}, _org_state(org.id))
