"""Spreadsheet exports of the placements (XLSX or French CSV), per lot and per
organisation, through the same scope rules as the screens (``scoped(Placement)``: the
AMOI every placement, a company or a structure the placements it employs). Buyers never
get a name: the export of people is closed to them (403), and the counts per lot
(``people.queries.lot_counts``) are what everyone may download. Every export writes an
audit line: the format, the filters and the number of rows, never a value."""

from __future__ import annotations

from flask import abort, g, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.access import Role, allow, is_facilitator, scoped
from portal.clock import today
from portal.documents.spreadsheets import Column, Sheet, csv_response, xlsx_response
from portal.extensions import db
from portal.models import Candidacy, Lot, Market, Organisation, Placement
from portal.models.accounts import CLAUSE_ROLES
from portal.people.queries import lot_counts
from portal.placements import bp
from portal.rules.eligibility import ContractType, Modality
from portal.rules.reporting import AGE_BAND_LABELS, AgeBand
from portal.web.params import int_arg

FORMATS = ("xlsx", "csv")

PEOPLE_COLUMNS = (
    Column("Marché", width=18),
    Column("Lot", width=36),
    Column("Employeur", width=34),
    Column("Personne", width=30),
    Column("Sexe", width=8),
    Column("Tranche d'âge", width=16),
    Column("Modalité", width=34),
    Column("Type de contrat", width=22),
    Column("Début", "date", 12),
    Column("Fin prévue", "date", 12),
    Column("Fin", "date", 12),
    Column("Heures par semaine", "decimal", 12),
    Column("Statut", width=14),
    Column("Situation à la sortie", width=28),
)


@bp.route("/embauches/exports")
@allow(*CLAUSE_ROLES)
def exports():
    """The export page: the placements by lot or by employer (the AMOI and the declarers),
    and the counts per lot (everyone)."""
    lots: list[tuple[int, str]] = []
    employers: list[tuple[int, str]] = []
    if g.role is not Role.BUYER:
        placed = scoped(Placement).with_only_columns(Placement.lot_id).distinct()
        lots = [
            (lot.id, f"{lot.market.reference} – {lot.label}")
            for lot in db.session.scalars(
                select(Lot)
                .options(joinedload(Lot.market))
                .where(Lot.id.in_(placed.scalar_subquery()))
                .order_by(Lot.id)
            )
        ]
    if is_facilitator(g.user):
        employers = [
            (org.id, org.name)
            for org in db.session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(select(Placement.employer_id).distinct()))
                .order_by(Organisation.name)
            )
        ]
    return render_template("placements/exports.html", lots=lots, employers=employers)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        abort(404)
    return fmt


def _age_band(candidacy: Candidacy | None) -> str:
    if candidacy is None or not candidacy.age_band:
        return ""
    return AGE_BAND_LABELS[AgeBand(candidacy.age_band)]


def _people_rows(stmt):
    for p in db.session.scalars(stmt):
        lot = p.lot
        yield (
            lot.market.reference if lot else "",
            lot.label if lot else p.candidacy.target_label,
            p.employer.name,
            p.participant.display_name,
            p.participant.sex_label,
            _age_band(p.candidacy),
            p.modality_label,
            p.contract_type_label,
            p.start_date,
            p.planned_end,
            p.ended_on,
            p.weekly_hours,
            p.status_label,
            p.exit_kind_label,
        )


def _respond(fmt: str, name: str, title: str, columns, rows):
    if fmt == "csv":
        return csv_response(f"{name}.csv", columns, rows)
    return xlsx_response(f"{name}.xlsx", [Sheet(title, columns, rows)])


@bp.route("/embauches/export.<fmt>")
@allow(Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE)
def export(fmt: str):
    """The placements the user may see, with the people's names: every one for the AMOI,
    its own for a company or a structure. ``?lot=`` (one lot) and ``?organisation=`` (one
    employer) narrow it; an id outside the user's reach gives an empty file, as on screen."""
    fmt = _format(fmt)
    lot_id, org_id = int_arg("lot", minimum=1), int_arg("organisation", minimum=1)
    stmt = (
        scoped(Placement)
        .options(
            joinedload(Placement.participant),
            joinedload(Placement.employer),
            joinedload(Placement.candidacy),
            joinedload(Placement.lot).joinedload(Lot.market).joinedload(Market.operation),
        )
        .order_by(Placement.lot_id, Placement.start_date, Placement.id)
    )
    if lot_id is not None:
        stmt = stmt.where(Placement.lot_id == lot_id)
    if org_id is not None:
        stmt = stmt.where(Placement.employer_id == org_id)
    rows = list(_people_rows(stmt))
    audit.record(
        "export.placements",
        object_type="export",
        object_id=fmt,
        actor=g.user,
        detail=f"rows={len(rows)} lot={lot_id or ''} organisation={org_id or ''}",
    )
    db.session.commit()
    name = "embauches"
    if lot_id is not None:
        name += f"-lot-{lot_id}"
    if org_id is not None:
        name += f"-organisation-{org_id}"
    return _respond(fmt, f"{name}-{today():%Y-%m-%d}", "Embauches", PEOPLE_COLUMNS, rows)


COUNT_COLUMNS = (
    Column("Marché", width=18),
    Column("Lot", width=36),
    Column("Personnes", "int", 10),
    Column("Embauches", "int", 10),
    *(Column(m.label, "int", 14) for m in Modality),
    *(Column(c.label, "int", 12) for c in ContractType),
)


@bp.route("/embauches/effectifs.<fmt>")
@allow(*CLAUSE_ROLES)
def counts(fmt: str):
    """Counts per lot the user sees (``scoped(Lot)``): people, placements, by modality and
    by contract type. No name, no person: what buyers may download (docs/domain.md §6)."""
    fmt = _format(fmt)
    rows = [
        (
            row.lot.market.reference,
            row.lot.label,
            row.people,
            row.placements,
            *(row.by_modality.get(m.label, 0) for m in Modality),
            *(row.by_contract.get(c.label, 0) for c in ContractType),
        )
        for row in lot_counts(g.user)
    ]
    audit.record(
        "export.placement_counts",
        object_type="export",
        object_id=fmt,
        actor=g.user,
        detail=f"rows={len(rows)}",
    )
    db.session.commit()
    name = f"effectifs-embauches-{today():%Y-%m-%d}"
    return _respond(fmt, name, "Effectifs par lot", COUNT_COLUMNS, rows)
