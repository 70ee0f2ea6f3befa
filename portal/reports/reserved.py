"""A reserved market's annual report (annexe 2; docs/domain.md §9.1): the beneficiaries
(people with validated hours on the market's lots in the year) and their situation, the
meetings of the year, the SIAE's actions against its commitments of support, and the
AMOI's text. One report per reserved market × year (``Report.market_id``, ``operation_id``
= the market's operation, so that it is scoped like the operation's reports).

Delivering it freezes its figures and text like the other reports, and issues the invoice
of the market-year's annual part (``quotes.services.invoice_reserved_year``, dated the
delivery day), once for all the versions. Services take the user and never commit.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from portal import audit
from portal.extensions import db
from portal.models import (
    Invoice,
    Lot,
    Market,
    Meeting,
    Quote,
    QuoteLineRow,
    Report,
    ReportKind,
    SupportAction,
    SupportCommitment,
    User,
)
from portal.models.quotes import APPROVED_STATUSES
from portal.quotes import services as quotes
from portal.reports.queries import fetch_rows
from portal.reports.services import ReportRefused, draft_after, notify_buyer, period
from portal.rules import followup as meeting_rules
from portal.rules.indicators import compute_indicators, indicators_data, split_by_market
from portal.rules.support import ActionRow, CommitmentRow, commitments_against_actions
from portal.rules.tariffs import Billing
from portal.rules.workflow import ReportStatus, next_status
from portal.statements.progress import settings

KIND = ReportKind.RESERVED_ANNUAL


def execution_start(market: Market) -> date | None:
    """The first day of the market's execution (its notification, else its operation's
    start), as the quote's annual parts count it (``markets.pricing``)."""
    return market.notification_date or market.operation.start_date


def first_year(market: Market) -> int | None:
    start = execution_start(market)
    return start.year if start else None


def _meetings(market: Market, year: int) -> dict:
    start, end = period(year)
    meetings = db.session.scalars(
        select(Meeting)
        .join(Lot, Meeting.lot_id == Lot.id)
        .where(Lot.market_id == market.id, Meeting.day >= start, Meeting.day <= end)
        .order_by(Meeting.day, Meeting.id)
    ).all()
    held = [m.kind for m in meetings if m.held]
    expected = meeting_rules.expected_meetings(
        meeting_rules.reserved_market_meetings(first_year(market) == year), held
    )
    return {
        "list": [[m.day.isoformat(), m.kind_label, bool(m.held)] for m in meetings],
        "expected": [[e.kind.label, e.expected, e.held, e.due] for e in expected],
    }


def _two_places(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _commitments(market: Market, year: int) -> list[dict]:
    start, end = period(year)
    commitments = db.session.scalars(
        select(SupportCommitment)
        .where(SupportCommitment.market_id == market.id)
        .order_by(SupportCommitment.id)
    ).all()
    ids = [c.id for c in commitments]
    actions = db.session.execute(
        select(
            SupportAction.commitment_id,
            SupportAction.day,
            SupportAction.quantity,
            SupportAction.people,
        ).where(SupportAction.commitment_id.in_(ids))
    ).all()
    results = commitments_against_actions(
        [
            CommitmentRow(c.id, c.label, c.kind_label, c.organisation.name, c.target, c.unit)
            for c in commitments
        ],
        [ActionRow(*row) for row in actions],
        start,
        end,
    )
    return [
        {
            "label": r.commitment.label,
            "kind": r.commitment.kind,
            "organisation": r.commitment.organisation,
            "unit": r.commitment.unit,
            "target": _two_places(r.commitment.target),
            "done": _two_places(r.done),
            "rate": None if r.rate is None else str(r.rate),
            "actions": r.actions,
            "people": r.people,
            "remark": r.remark,
        }
        for r in results
    ]


def reserved_data(market: Market, year: int, interpretation: dict | None = None) -> dict:
    """The figures of the market's annual report for ``year``: the indicators of its lots
    (``rules.indicators`` over ``fetch_rows`` restricted to them), the market, the
    meetings and the commitments against the actions (plain JSON data, what delivery
    freezes)."""
    start, end = period(year)
    rows = fetch_rows([market.operation_id], start, end)
    figures = compute_indicators(
        *split_by_market(rows.markets, rows.lots, rows.placements, rows.hours, market.id),
        start=start,
        end=end,
        fte_divisor=settings()[2],
        interpretation=interpretation,
    )
    data = indicators_data(figures)
    operation = market.operation
    data["market"] = {
        "reference": market.reference,
        "title": market.title,
        "operation": operation.name,
        "buyer": operation.buyer.name,
        "legal_basis": market.legal_basis_label,
        "holders": sorted({lot.holder.name for lot in market.lots if lot.holder is not None}),
        "execution_start": execution_start(market).isoformat() if execution_start(market) else None,
    }
    data["meetings"] = _meetings(market, year)
    data["commitments"] = _commitments(market, year)
    return data


def versions(market: Market, year: int) -> list[Report]:
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.market_id == market.id, Report.kind == KIND.value, Report.year == year)
            .order_by(Report.revision.desc())
        )
    )


def latest(market: Market, year: int) -> Report | None:
    found = versions(market, year)
    return found[0] if found else None


def report_figures(report: Report) -> dict:
    """The frozen figures of a delivered report, the live ones of a draft."""
    if report.figures is not None:
        return report.figures
    return reserved_data(report.market, report.year, report.texts)


def open_draft(market: Market, year: int, user: User) -> Report:
    """The draft of the market's report for ``year``: the current one, or a new one (a new
    version after a delivery, which says which one it replaces)."""
    if not market.is_reserved:
        raise ReportRefused("Seul un marché réservé a un bilan annuel de marché réservé.")
    return draft_after(
        latest(market, year),
        user,
        created_detail=f"market={market.id}",
        kind=KIND.value,
        market_id=market.id,
        operation_id=market.operation_id,
        year=year,
    )


def year_line(market: Market, year: int) -> tuple[Quote, QuoteLineRow] | None:
    """The approved quote's annual part of the market that the report of ``year``
    invoices: the execution year that begins in ``year`` (or the single line of a market
    whose dates were unknown when it was priced), not yet invoiced (docs/domain.md §9.1)."""
    rows = db.session.execute(
        select(Quote, QuoteLineRow)
        .join(QuoteLineRow, QuoteLineRow.quote_id == Quote.id)
        .where(
            QuoteLineRow.market_id == market.id,
            QuoteLineRow.billing == Billing.YEARLY.value,
            QuoteLineRow.invoice_id.is_(None),
            Quote.status.in_(sorted(APPROVED_STATUSES)),
        )
        .order_by(QuoteLineRow.period_start, QuoteLineRow.id)
    ).all()
    for quote, line in rows:
        if line.period_start is None or line.period_start.year == year:
            return quote, line
    return None


def invoiced_before(report: Report) -> bool:
    """A version of this market-year's report already issued its invoice."""
    return bool(
        db.session.scalar(
            select(func.count(Report.id)).where(
                Report.market_id == report.market_id,
                Report.kind == KIND.value,
                Report.year == report.year,
                Report.invoice_id.is_not(None),
            )
        )
    )


def line_to_invoice(report: Report) -> tuple[Quote, QuoteLineRow] | None:
    """What delivering this report will invoice: nothing when a version already did."""
    if invoiced_before(report):
        return None
    return year_line(report.market, report.year)


def deliver(
    report: Report, user: User, day: date, now: datetime, *, notify: bool = True
) -> Invoice | None:
    """Deliver the market's annual report: figures and text frozen, the version it
    replaces superseded, the market-year's annual part invoiced (dated ``day``; annexe 2:
    « par an et par marché »), once for all the versions; the buyer is notified."""
    if report.status != ReportStatus.DRAFT.value:
        raise ReportRefused("Ce bilan est déjà remis.")
    report.figures = reserved_data(report.market, report.year, report.texts)
    report.status = next_status("report", report.status, "deliver").value
    report.delivered_on, report.delivered_at, report.delivered_by_id = day, now, user.id
    if report.supersedes is not None and report.supersedes.is_delivered:
        report.supersedes.status = next_status(
            "report", report.supersedes.status, "supersede"
        ).value
    invoice = None
    due = line_to_invoice(report)
    if due is not None:
        quote, line = due
        invoice = quotes.invoice_reserved_year(quote, line, user, day)
        report.invoice = invoice
    audit.record("report.delivered", report, detail=f"revision={report.revision}", actor=user)
    if notify:
        market = report.market
        notify_buyer(
            market.operation,
            f"le bilan annuel {report.year} du marché réservé {market.reference}",
            f"Bilan annuel {report.year} du marché réservé remis – {market.reference}",
            ("reports.reserved", {"market_id": market.id, "year": report.year}),
            report.revision,
        )
    return invoice
