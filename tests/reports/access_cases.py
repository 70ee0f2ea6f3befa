"""The reports' role matrix, cross-organisation cases and real acts (issue 12)."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Operation, Report, Role
from portal.reports import services
from tests.conftest import text_of
from tests.factories import make_operation
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
