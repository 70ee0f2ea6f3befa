from sqlalchemy import select

from portal.extensions import db
from portal.models import OrgKind, PurchaseDeclaration, Role
from tests.census.builders import make_declaration
from tests.factories import make_org
from tests.security.registry import CrossOrgCase, cross_org, exempt_cross_org, expect

expect("census.index", "census.show", roles=(Role.FACILITATOR, Role.BUYER))
expect("census.create", "census.edit", roles=(Role.BUYER,))
expect(
    "census.review",
    "census.reconsider",
    "census.convert",
    "census.summary",
    "census.summary_xlsx",
    roles=(Role.FACILITATOR,),
)
exempt_cross_org(
    "the AMOI reviews and converts every buyer's declaration (DESIGN.md 4.3); buyers get 403",
    "census.review",
    "census.reconsider",
    "census.convert",
)


def _declaration_state(declaration_id):
    return lambda: db.session.execute(
        select(
            PurchaseDeclaration.title,
            PurchaseDeclaration.status,
            PurchaseDeclaration.estimated_amount,
            PurchaseDeclaration.updated_at,
        ).where(PurchaseDeclaration.id == declaration_id)
    ).one()


@cross_org("census.show", "census.edit")
def commune_reads_other_communes_declaration(world):
    declaration = make_declaration(world.other_commune)
    return CrossOrgCase(
        world.users["buyer_commune"],
        {"declaration_id": declaration.id},
        _declaration_state(declaration.id),
    )


@cross_org("census.show", "census.edit")
def commune_reads_its_coordinators_declaration(world):
    declaration = make_declaration(world.ccvg)
    return CrossOrgCase(
        world.users["buyer_commune"],
        {"declaration_id": declaration.id},
        _declaration_state(declaration.id),
    )


@cross_org("census.show", "census.edit")
def ccvg_reads_an_outside_buyers_declaration(world):
    outsider = make_org(OrgKind.BUYER, name="Commune hors CCVG")
    declaration = make_declaration(outsider)
    return CrossOrgCase(
        world.users["buyer_ccvg"],
        {"declaration_id": declaration.id},
        _declaration_state(declaration.id),
    )
