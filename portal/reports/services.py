"""The reports' use cases (convention art. 5 and 7; docs/domain.md §9): the figures of an
operation for a year or its whole follow-up, a report's draft and its text, its delivery
(figures frozen, the invoice the convention ties to it issued once, the buyer notified).

Services take the user, change the session, audit and never commit (the views do).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from portal import audit
from portal.documents import mail
from portal.extensions import db
from portal.french import plural
from portal.links import external_url
from portal.models import Invoice, Operation, Organisation, Quote, Report, ReportKind, User
from portal.models.quotes import APPROVED_STATUSES, QuoteKind
from portal.models.reports import TEXT_FIELDS
from portal.quotes import services as quotes
from portal.refusals import Refused
from portal.reports.queries import fetch_rows
from portal.rules.indicators import (
    ReportFigures,
    compute_indicators,
    indicators_data,
    scope_data,
    split_by_operations,
)
from portal.rules.workflow import QuoteStatus, ReportStatus, next_status
from portal.statements.progress import settings


class ReportRefused(Refused):
    """A report action the rules refuse, with its French reason."""


def period(year: int | None) -> tuple[date | None, date | None]:
    """A year's months (1 January to 31 December, both included), or no bound (the final
    report covers the whole follow-up; docs/domain.md §9)."""
    if year is None:
        return None, None
    return date(year, 1, 1), date(year, 12, 31)


def figures_for_operation(
    operation: Operation, year: int | None, interpretation: dict | None = None
) -> ReportFigures:
    """The seven indicators of ``operation`` for ``year`` (None = the final report): the
    rows of ``queries.fetch_rows`` through ``rules.indicators.compute_indicators``."""
    start, end = period(year)
    rows = fetch_rows([operation.id], start, end)
    return compute_indicators(
        rows.markets,
        rows.lots,
        rows.placements,
        rows.hours,
        start=start,
        end=end,
        fte_divisor=settings()[2],
        interpretation=interpretation,
    )


def kind_for(year: int | None) -> ReportKind:
    return ReportKind.OPERATION_FINAL if year is None else ReportKind.OPERATION_ANNUAL


def versions(operation: Operation, year: int | None) -> list[Report]:
    """Every version of the operation's report for ``year`` (None: its final report),
    the latest first."""
    stmt = select(Report).where(
        Report.operation_id == operation.id, Report.kind == kind_for(year).value
    )
    stmt = stmt.where(Report.year.is_(None) if year is None else Report.year == year)
    return list(db.session.scalars(stmt.order_by(Report.revision.desc())))


def latest(operation: Operation, year: int | None) -> Report | None:
    found = versions(operation, year)
    return found[0] if found else None


def open_draft(operation: Operation, year: int | None, user: User) -> Report:
    """The draft of the operation's report for ``year``: the current one, or a new one (a
    new version when the last one was delivered; it says which one it replaces)."""
    return draft_after(
        latest(operation, year),
        user,
        kind=kind_for(year).value,
        operation_id=operation.id,
        year=year,
    )


def draft_after(last: Report | None, user: User, *, created_detail: str = "", **fields) -> Report:
    """The draft that follows ``last`` (the latest version of a report; None: there is
    none): ``last`` itself while it is a draft, else a new version (``fields``: its kind,
    operation or market, year) that says which one it replaces. Audited."""
    if last is not None and last.status == ReportStatus.DRAFT.value:
        return last
    report = Report(
        **fields,
        revision=(last.revision + 1) if last is not None else 1,
        supersedes_id=last.id if last is not None else None,
        created_by_id=user.id,
    )
    db.session.add(report)
    db.session.flush()
    if last is None:
        audit.record("report.created", report, detail=created_detail, actor=user)
    else:
        audit.record("report.new_version", report, detail=f"supersedes={last.id}", actor=user)
    return report


def save_text(report: Report, user: User, values: dict[str, str]) -> list[str]:
    """The AMOI's interpretation (indicator 7) saved on the draft; the fields changed.
    A delivered report is frozen."""
    if report.status != ReportStatus.DRAFT.value:
        raise ReportRefused("Ce bilan est remis : son texte ne peut plus changer.")
    changed = []
    for name in TEXT_FIELDS:
        value = (values.get(name) or "").strip()
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed.append(name)
    if changed:
        audit.record("report.text_saved", report, detail=" ".join(changed), actor=user)
    return changed


def report_figures(report: Report) -> dict:
    """The figures a page or a document shows: the frozen ones of a delivered report, the
    live ones of a draft (with its current text)."""
    if report.figures is not None:
        return report.figures
    return indicators_data(figures_for_operation(report.operation, report.year, report.texts))


def balance_quote(operation: Operation) -> Quote | None:
    """The operation's approved quote whose balance is invoiced on the final report."""
    return db.session.scalars(
        select(Quote)
        .where(
            Quote.operation_id == operation.id,
            Quote.kind == QuoteKind.OPERATION.value,
            Quote.status == QuoteStatus.INVOICED_DEPOSIT.value,
        )
        .order_by(Quote.id)
    ).first()


def invoiced_before(report: Report) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(Report.id)).where(
                Report.operation_id == report.operation_id,
                Report.kind == report.kind,
                Report.invoice_id.is_not(None),
            )
        )
    )


def deliver(
    report: Report, user: User, day: date, now: datetime, *, notify: bool = True
) -> Invoice | None:
    """Deliver the report (docs/domain.md §9): its figures and text are frozen, the
    version it replaces is marked superseded; delivering an operation's FINAL report
    issues the balance invoice of its quote (convention art. 7), once only. The buyer is
    notified. Returns the invoice issued, if any."""
    if report.status != ReportStatus.DRAFT.value:
        raise ReportRefused("Ce bilan est déjà remis.")
    status = next_status("report", report.status, "deliver")
    report.figures = indicators_data(
        figures_for_operation(report.operation, report.year, report.texts)
    )
    report.status = status.value
    report.delivered_on = day
    report.delivered_at = now
    report.delivered_by_id = user.id
    if report.supersedes is not None and report.supersedes.is_delivered:
        report.supersedes.status = next_status(
            "report", report.supersedes.status, "supersede"
        ).value
    invoice = None
    if report.kind == ReportKind.OPERATION_FINAL.value and not invoiced_before(report):
        quote = balance_quote(report.operation)
        if quote is not None:
            invoice = quotes.deliver_report(quote, user, day)
            report.invoice = invoice
    audit.record("report.delivered", report, detail=f"revision={report.revision}", actor=user)
    if notify:
        _notify_buyer(report)
    return invoice


def _notify_buyer(report: Report) -> int:
    """The operation's report is delivered: its buyer is told (``notify_buyer``)."""
    operation = report.operation
    what = "final" if report.year is None else f"annuel {report.year}"
    link = (
        ("reports.final", {"operation_id": operation.id})
        if report.year is None
        else ("reports.annual", {"operation_id": operation.id, "year": report.year})
    )
    return notify_buyer(
        operation,
        f"le bilan {what} de l'opération {operation.name}",
        f"Bilan {what} remis – {operation.name}",
        link,
        report.revision,
    )


def notify_buyer(
    operation: Operation, sentence: str, subject: str, link: tuple[str, dict], revision: int
) -> int:
    """One e-mail per active user of the operation's buyer (and of the CCVG for a
    commune): « L'AMO Insertion a remis <sentence> (version n) », with the report's link."""
    org_ids = [operation.buyer_id]
    if operation.buyer.parent_id is not None:
        org_ids.append(operation.buyer.parent_id)
    emails = db.session.scalars(
        select(User.email)
        .join(Organisation, User.organisation_id == Organisation.id)
        .where(
            User.organisation_id.in_(org_ids),
            User.active.is_(True),
            User.password_hash.is_not(None),
        )
        .order_by(User.email)
    ).all()
    endpoint, values = link
    url = external_url(endpoint, **values)
    body = (
        f"Bonjour,\n\nL'AMO Insertion a remis {sentence} (version {revision}).\n\n"
        f"Consulter le bilan : {url}\n\n-- Passerelle"
    )
    for email in emails:
        mail.queue(email, subject, body)
    return len(emails)


# --- the territory's annual report (the pilotage report) --------------------------------------


def territory_operations(year: int) -> list[Operation]:
    """The operations the territory report of ``year`` covers: every operation started
    (not in preparation) whose dates meet the year, by buyer then name."""
    start, end = period(year)
    stmt = (
        select(Operation)
        .join(Organisation, Operation.buyer_id == Organisation.id)
        .where(Operation.status != "preparation")
        .where((Operation.start_date.is_(None)) | (Operation.start_date <= end))
        .where((Operation.end_date.is_(None)) | (Operation.end_date >= start))
        .order_by(Organisation.name, Operation.name, Operation.id)
    )
    return list(db.session.scalars(stmt))


def territory_data(year: int, interpretation: dict | None = None) -> dict:
    """The territory's figures for ``year``: the same indicators over every operation,
    and one block per buyer (in the place of the lots of an operation's report)."""
    start, end = period(year)
    operations = territory_operations(year)
    rows = fetch_rows([o.id for o in operations], start, end)
    divisor = settings()[2]
    total = compute_indicators(
        rows.markets,
        rows.lots,
        rows.placements,
        rows.hours,
        start=start,
        end=end,
        fte_divisor=divisor,
        interpretation=interpretation,
    )
    data = indicators_data(total)
    by_buyer: dict[int, list[Operation]] = {}
    for operation in operations:
        by_buyer.setdefault(operation.buyer_id, []).append(operation)
    blocks = []
    for ops in by_buyer.values():
        ids = {o.id for o in ops}
        part = compute_indicators(
            *split_by_operations(rows.markets, rows.lots, rows.placements, rows.hours, ids),
            start=start,
            end=end,
            fte_divisor=divisor,
        )
        count = len(ops)
        label = f"{ops[0].buyer.name} ({count} {plural(count, 'opération', 'opérations')})"
        blocks.append({"id": ops[0].buyer_id, "label": label, **scope_data(part.total)})
    data["lots"] = blocks
    return data


def territory_latest(year: int) -> Report | None:
    return db.session.scalars(
        select(Report)
        .where(Report.kind == ReportKind.TERRITORY_ANNUAL.value, Report.year == year)
        .order_by(Report.revision.desc())
    ).first()


def open_territory_draft(year: int, user: User) -> Report:
    """The territory report's draft for ``year`` (a new version after a delivery)."""
    last = territory_latest(year)
    if last is not None and last.status == ReportStatus.DRAFT.value:
        return last
    report = Report(
        kind=ReportKind.TERRITORY_ANNUAL.value,
        year=year,
        revision=(last.revision + 1) if last is not None else 1,
        supersedes_id=last.id if last is not None else None,
        created_by_id=user.id,
    )
    db.session.add(report)
    db.session.flush()
    action = "report.created" if last is None else "report.new_version"
    audit.record(action, report, actor=user)
    return report


def pilotage_quotes(year: int) -> list[Quote]:
    """The approved quotes (pilotage quotes, or operation quotes carrying a share of the
    pilotage) with that year's pilotage still to invoice."""
    quotes_ = db.session.scalars(
        select(Quote).where(Quote.status.in_(sorted(APPROVED_STATUSES))).order_by(Quote.id)
    )
    return [q for q in quotes_ if q.is_approved and year in quotes.pilotage_years_due(q)]


def deliver_territory(report: Report, user: User, day: date, now: datetime) -> list[Invoice]:
    """Deliver the territory report (the pilotage report): figures and text frozen; the
    pilotage of its year is invoiced on each pilotage quote that holds it (convention
    art. 7: « pilotage payé sur le bilan annuel »), once."""
    if report.status != ReportStatus.DRAFT.value:
        raise ReportRefused("Ce bilan est déjà remis.")
    report.figures = territory_data(report.year, report.texts)
    report.status = next_status("report", report.status, "deliver").value
    report.delivered_on, report.delivered_at, report.delivered_by_id = day, now, user.id
    if report.supersedes is not None and report.supersedes.is_delivered:
        report.supersedes.status = ReportStatus.SUPERSEDED.value
    invoices = [
        quotes.deliver_annual_report(quote, report.year, user, day)
        for quote in pilotage_quotes(report.year)
    ]
    if invoices:
        report.invoice = invoices[0]
    audit.record("report.delivered", report, detail=f"revision={report.revision}", actor=user)
    return invoices
