"""The reports' role matrix, cross-organisation cases and real acts (issue 12)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Market, Operation, Report, Role, SupportAction
from portal.reports import services, support
from tests.conftest import text_of
from tests.factories import make_lot, make_market, make_operation
from tests.security.registry import (
    ActCase,
    CrossOrgCase,
    acts,
    cross_org,
    exempt_cross_org,
    expect,
    versioned,
)

F, B = Role.FACILITATOR, Role.BUYER

expect(
    "reports.index",
    "reports.annual",
    "reports.final",
    "reports.annual_download",
    "reports.final_download",
    "reports.territory",
    "reports.territory_download",
    roles=(F, B),
)
expect(
    "reports.open_draft",
    "reports.save_text",
    "reports.deliver",
    "reports.territory_open",
    roles=(F,),
)
exempt_cross_org(
    "AMOI-only endpoints: the facilitator's scope is every organisation, nothing to cross",
    "reports.open_draft",
    "reports.save_text",
    "reports.deliver",
    "reports.territory_open",
)
exempt_cross_org(
    "the territory report's URL carries a year, not an object of an organisation: the AMOI "
    "and the CCVG read it, a commune is refused by can_read_territory (the acts case)",
    "reports.territory",
    "reports.territory_download",
)


def _state(model, object_id):
    return lambda: db.session.execute(
        select(model).where(model.id == object_id).with_only_columns(*model.__table__.c)
    ).one()


@cross_org("reports.annual", "reports.final", "reports.annual_download", "reports.final_download")
def commune_reads_another_communes_report(world):
    operation = make_operation(world.other_commune, name="Opération voisine")
    db.session.commit()
    return CrossOrgCase(
        world.users["buyer_commune"],
        {"operation_id": operation.id, "year": 2027, "fmt": "pdf"},
        _state(Operation, operation.id),
    )


@acts("reports.annual", "reports.final")
def the_persona_opens_an_operation_report(world, persona):
    operation = make_operation(world.commune, name="Opération des Tilleuls")
    db.session.commit()
    return ActCase(
        {"operation_id": operation.id, "year": 2027},
        check=lambda response: "Opération des Tilleuls" in text_of(response),
    )


@acts("reports.annual_download", "reports.final_download")
def the_persona_downloads_an_operation_report(world, persona):
    operation = make_operation(world.commune, name="Opération des Tilleuls")
    db.session.commit()
    return ActCase(
        {"operation_id": operation.id, "year": 2027, "fmt": "pdf"},
        check=lambda response: response.data.startswith(b"%PDF-"),
    )


@acts("reports.save_text", method="POST")
def the_amoi_saves_a_reports_text(world, persona):
    operation = make_operation(world.commune, name="Opération des Tilleuls")
    report = services.open_draft(operation, 2027, world.users["facilitator"])
    db.session.commit()

    def check(response):
        db.session.expire_all()
        return db.session.get(Report, report.id).pathways == "Parcours réussis"

    return ActCase(
        {"report_id": report.id}, data=versioned(report, pathways="Parcours réussis"), check=check
    )


@acts("reports.territory", "reports.territory_download")
def the_persona_reads_the_territory_report(world, persona):
    make_operation(world.commune, name="Opération des Tilleuls", status="running")
    db.session.commit()
    return ActCase(
        {"year": 2026, "fmt": "pdf"},
        check=lambda response: response.status_code == 200,
        refused="" if persona != "buyer_commune" else "can_read_territory: the CCVG only",
    )


# --- a reserved market's report and its commitments of support (docs/domain.md §9.1) --------

SUPPORT_READERS = (F, B, Role.COMPANY, Role.STRUCTURE)

expect("reports.reserved", "reports.reserved_download", roles=(F, B))
expect("reports.support", roles=SUPPORT_READERS)
expect("reports.action_create", roles=(F, Role.COMPANY, Role.STRUCTURE))
expect(
    "reports.reserved_open",
    "reports.commitment_create",
    "reports.commitment_edit",
    "reports.action_edit",
    "reports.action_delete",
    roles=(F,),
)
exempt_cross_org(
    "AMOI-only endpoints: the facilitator's scope is every organisation, nothing to cross",
    "reports.reserved_open",
    "reports.commitment_create",
    "reports.commitment_edit",
    "reports.action_edit",
    "reports.action_delete",
)


def _reserved(world, holder, reference="2026-RÉS-101"):
    market = make_market(
        make_operation(world.commune, name="Berges du Garon"),
        reference=reference,
        title="Entretien des berges",
        legal_basis="reserved_siae",
        notification_date=date(2026, 1, 15),
    )
    make_lot(market, holder=holder, number=1, title="Berges", planned_hours=None)
    commitment = support.add_commitment(
        market,
        world.users["facilitator"],
        {
            "organisation_id": holder.id,
            "label": "Entretiens individuels de suivi",
            "kind": "followup_interviews",
            "target": Decimal("12"),
            "unit": "entretiens",
            "note": "",
        },
    )
    db.session.commit()
    return market, commitment


def _holder(world, persona):
    return {"company": world.company, "structure": world.structure}.get(persona, world.structure)


def _count_actions():
    return db.session.scalar(select(func.count(SupportAction.id)))


@cross_org("reports.reserved", "reports.reserved_download", "reports.support")
def commune_reads_another_communes_reserved_market(world):
    market = make_market(
        make_operation(world.other_commune, name="Berges voisines"),
        reference="2026-RÉS-201",
        legal_basis="reserved_siae",
    )
    db.session.commit()
    return CrossOrgCase(
        world.users["buyer_commune"],
        {"market_id": market.id, "year": 2026, "fmt": "pdf"},
        _state(Market, market.id),
    )


@cross_org("reports.support", "reports.action_create")
def structure_reaches_another_structures_commitment(world):
    market, commitment = _reserved(world, world.other_structure, "2026-RÉS-202")
    return CrossOrgCase(
        world.users["structure"],
        {"market_id": market.id, "support_commitment_id": commitment.id},
        _count_actions,
    )


@acts("reports.support")
def the_persona_reads_the_commitments(world, persona):
    market, _ = _reserved(world, _holder(world, persona))
    return ActCase(
        {"market_id": market.id},
        check=lambda response: "Entretiens individuels de suivi" in text_of(response),
    )


@acts("reports.reserved", "reports.reserved_download")
def the_persona_reads_the_reserved_report(world, persona):
    market, _ = _reserved(world, world.structure)
    return ActCase(
        {"market_id": market.id, "year": 2026, "fmt": "pdf"},
        check=lambda response: response.status_code == 200,
    )


@acts("reports.action_create", method="POST")
def the_holder_records_an_action(world, persona):
    _, commitment = _reserved(world, _holder(world, persona))
    before = _count_actions()
    prefix = f"n{commitment.id}-"
    data = {f"{prefix}day": "2026-06-01", f"{prefix}quantity": "2", f"{prefix}people": "2"}
    return ActCase(
        {"support_commitment_id": commitment.id},
        data=versioned(commitment, **data),
        check=lambda response: _count_actions() == before + 1,
    )
