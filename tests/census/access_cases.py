from sqlalchemy import select

from portal.extensions import db
from portal.models import OrgKind, PurchaseDeclaration, Role
from tests.census.builders import make_declaration
from tests.conftest import text_of
from tests.factories import make_org
from tests.security.registry import (
    ActCase,
    CrossOrgCase,
    acts,
    cross_org,
    exempt_cross_org,
    expect,
    versioned,
)

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
    "the AMOI reviews and converts every buyer's declaration (docs/permissions.md); buyers get 403",
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


# --- admitted personas act on real objects (tests/security/test_admitted_roles_act.py) ------


@acts("census.show")
def a_declaration_the_persona_sees(world, persona):
    declaration = make_declaration(world.commune, title="Réfection de la cour d'école")
    return ActCase(
        {"declaration_id": declaration.id},
        check=lambda response: "Réfection de la cour d'école" in text_of(response),
    )


@acts("census.edit", method="POST")
def a_buyer_corrects_its_own_declaration(world, persona):
    declaration = make_declaration(world.users[persona].organisation)
    declaration_id = declaration.id
    return ActCase(
        {"declaration_id": declaration.id},
        data=versioned(
            declaration,
            title="Entretien des espaces verts",
            nature="services",
            estimated_amount="180 000",
            planned_publication="15/09/2026",
        ),
        check=lambda response: (
            db.session.get(PurchaseDeclaration, declaration_id).title
            == "Entretien des espaces verts"
        ),
    )


@acts("census.review", method="POST")
def the_amoi_gives_its_opinion(world, persona):
    declaration = make_declaration(world.commune)
    declaration_id = declaration.id
    return ActCase(
        {"declaration_id": declaration.id},
        data=versioned(
            declaration,
            decision="retain",
            recommended_basis="execution_condition",
            review_comment="Travaux à forte main-d'œuvre : une clause d'exécution convient.",
        ),
        check=lambda response: (
            db.session.get(PurchaseDeclaration, declaration_id).status == "retained"
        ),
    )
