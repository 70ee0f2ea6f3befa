from sqlalchemy import select

from portal.extensions import db
from portal.models import Organisation, Role
from tests.conftest import text_of
from tests.security.registry import (
    ActCase,
    CrossOrgCase,
    acts,
    cross_org,
    exempt_cross_org,
    expect,
    versioned,
)

expect("organisations.index", roles=(Role.FACILITATOR,))
expect("organisations.show", roles=tuple(Role))
# the directory of structures (annexe 1 §1): every role, no id in the URL
expect("organisations.structure_directory", roles=tuple(Role))  # prescribers too
expect(
    "organisations.create",
    "organisations.edit",
    "organisations.deactivate",
    "organisations.reactivate",
    roles=(Role.FACILITATOR,),
    admin=True,
)
exempt_cross_org(
    "facilitator admins see every organisation (docs/permissions.md); other roles get 403",
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


# --- admitted personas act on real objects (tests/security/test_admitted_roles_act.py) ------


@acts("organisations.show")
def the_persona_reads_its_own_organisation(world, persona):
    org = world.users[persona].organisation
    return ActCase({"org_id": org.id}, check=lambda response: org.name in text_of(response))


@acts("organisations.edit", method="POST")
def an_amoi_admin_corrects_a_company(world, persona):
    org = world.company
    org_id = org.id
    return ActCase(
        {"org_id": org.id},
        data=versioned(org, name="Bâtiments du Garon SAS", siret=org.siret),
        check=lambda response: (
            db.session.get(Organisation, org_id).name == "Bâtiments du Garon SAS"
        ),
    )
