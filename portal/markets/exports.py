"""The lots export (XLSX or French CSV), run as a job (issue 16): the lots of the list's
filters, with the list's scoping, read as plain SQL rows (no ORM objects: at 10,000 lots,
building objects cost more than writing the file), labels looked up once per value."""

from __future__ import annotations

from flask import request
from sqlalchemy.orm import aliased

from portal import audit
from portal.clock import today
from portal.documents.spreadsheets import (
    XLSX_MIMETYPE,
    Column,
    Sheet,
    csv_bytes,
    xlsx_bytes,
)
from portal.extensions import db
from portal.jobs.kinds import JobOutput, Progress, job_kind
from portal.markets.listing import LOT_FILTERS, lots_statement
from portal.models import Lot, Market, Operation, Organisation
from portal.rules.hours import TRADES
from portal.rules.markets import LegalBasis
from portal.rules.workflow import STATUS_LABELS

EXPORT_COLUMNS = (
    Column("Acheteur", width=34),
    Column("Opération", width=40),
    Column("Statut de l'opération", width=16),
    Column("Marché", width=18),
    Column("Fondement juridique", width=40),
    Column("Lot", "int", 6),
    Column("Intitulé du lot", width=36),
    Column("Corps d'état", width=26),
    Column("Titulaire", width=34),
    Column("Montant HT (€)", "money", 16),
    Column("Critère d'attribution", width=10),
    Column("Heures prévues", "hours", 12),
    Column("Notification", "date", 12),
)
FILTER_NAMES = tuple(spec.name for spec in LOT_FILTERS.filters)


def export_rows(filters) -> list[tuple]:
    """The export's rows for the filters, as the list shows them (same statement)."""
    buyer = aliased(Organisation)
    holder = aliased(Organisation)
    stmt = (
        lots_statement(filters)
        .join(buyer, Operation.buyer_id == buyer.id)
        .outerjoin(holder, Lot.holder_id == holder.id)
        .with_only_columns(
            buyer.name,
            Operation.name,
            Operation.status,
            Market.reference,
            Market.legal_basis,
            Lot.number,
            Lot.title,
            Lot.trade,
            holder.name,
            Lot.amount_excl_tax,
            Lot.award_criterion,
            Lot.planned_hours,
            Market.notification_date,
        )
    )
    statuses = STATUS_LABELS["operation"]
    bases = {basis.value: basis.label for basis in LegalBasis}
    trades = {key: trade.label for key, trade in TRADES.items()}
    return [
        (
            buyer_name,
            op_name,
            statuses.get(status, status),
            reference,
            bases.get(basis, basis),
            number,
            title,
            trades.get(trade, trade),
            holder_name or "",
            amount,
            award,
            planned,
            notified,
        )
        for (
            buyer_name,
            op_name,
            status,
            reference,
            basis,
            number,
            title,
            trade,
            holder_name,
            amount,
            award,
            planned,
            notified,
        ) in db.session.execute(stmt)
    ]


def _lots_export(fmt: str, progress: Progress) -> JobOutput:
    rows = export_rows(LOT_FILTERS.read(request.args))
    audit.record("export.lots", object_type="export", object_id=fmt, detail=f"rows={len(rows)}")
    db.session.commit()
    progress(0, len(rows))
    name = f"lots-{today():%Y-%m-%d}"
    if fmt == "csv":
        data = csv_bytes(EXPORT_COLUMNS, rows, progress=progress)
        return JobOutput(f"{name}.csv", "text/csv; charset=utf-8", data)
    data = xlsx_bytes([Sheet("Lots", EXPORT_COLUMNS, rows)], progress=progress)
    return JobOutput(f"{name}.xlsx", XLSX_MIMETYPE, data)


@job_kind("lots.xlsx", "Lots (Excel, XLSX)")
def lots_xlsx(progress: Progress) -> JobOutput:
    return _lots_export("xlsx", progress)


@job_kind("lots.csv", "Lots (CSV pour Excel)")
def lots_csv(progress: Progress) -> JobOutput:
    return _lots_export("csv", progress)
