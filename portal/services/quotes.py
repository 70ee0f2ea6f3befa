"""Quotes and invoices of the AMOI (convention art. 7 and annexe 2; DOMAIN.md 4).

Lines come from ``portal.rules.tariffs`` (never retyped); statuses from
``portal.rules.workflow``; numbers from a gapless series per year. Every function changes
the session and records its audit line; the caller commits (all or nothing).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.formatting import number
from portal.models import (
    Amendment,
    Invoice,
    InvoiceKind,
    Operation,
    Organisation,
    Quote,
    QuoteKind,
    QuoteLineRow,
    User,
)
from portal.models.base import utcnow
from portal.rules import tariffs
from portal.rules.deadlines import CONVENTION_PERIODS, ConventionPeriod, convention_period_for
from portal.rules.workflow import QuoteStatus, next_status
from portal.services.invoices import issue_invoice
from portal.services.numbering import next_number


class QuoteRefused(Exception):
    """A French explanation of why the quote cannot be created or changed now."""


# --- convention periods and grids ---------------------------------------------------------


def convention_periods() -> list[ConventionPeriod]:
    """The convention's own period plus those added by avenant (DOMAIN.md 1)."""
    periods = list(CONVENTION_PERIODS)
    for amendment in db.session.scalars(select(Amendment).order_by(Amendment.period_start)):
        periods.append(
            ConventionPeriod(
                f"amendment_{amendment.id}",
                amendment.label,
                amendment.period_start,
                amendment.period_end,
                amendment.reference,
            )
        )
    return periods


def grid_for_quote(day: date) -> tariffs.TariffGrid:
    """The tariff grid of a quote dated ``day``; refused outside every convention period
    or without a grid (``rules.deadlines.convention_period_for``, ``rules.tariffs.grid_for``)."""
    if convention_period_for(day, convention_periods()) is None:
        raise QuoteRefused(
            f"Aucune période de la convention ne couvre le {day:%d/%m/%Y} : la convention "
            "2022-2024 n'a pas été renouvelée par avenant pour cette date. Un administrateur "
            "de l'AMOI doit enregistrer l'avenant (menu « Avenants et facturation ») avant de dater "
            "un devis de ce jour."
        )
    try:
        return tariffs.grid_for(day, tariffs.DEFAULT_GRIDS)
    except tariffs.NoTariffForDate as error:
        raise QuoteRefused(
            f"Aucune grille tarifaire n'est en vigueur le {day:%d/%m/%Y}."
        ) from error


# --- lines --------------------------------------------------------------------------------


def _row(line: tariffs.QuoteLine, prefix: str = "", **links) -> QuoteLineRow:
    return QuoteLineRow(
        code=line.code,
        label=f"{prefix}{line.label}"[:300],
        quantity=line.quantity,
        unit=line.unit,
        unit_amount=line.unit_amount,
        amount=line.amount,
        manual=False,
        **links,
    )


def _manual_lot_row(prefix: str, hours: int, grid: tariffs.TariffGrid, **links) -> QuoteLineRow:
    """Above the last bracket the lot is quoted by hand: a line to complete (days and a
    justification) before the quote can be submitted (DOMAIN.md 4.1)."""
    return QuoteLineRow(
        code="lot_manual",
        label=f"{prefix}{number(hours)} h, au-delà du barème : sur devis"[:300],
        quantity=Decimal("0"),
        unit="jour",
        unit_amount=grid.day_rate,
        amount=Decimal("0.00"),
        manual=True,
        **links,
    )


def _lot_rows(label: str, hours, award: bool, grid, **links) -> list[QuoteLineRow]:
    prefix = f"{label} : "
    try:
        return [_row(line, prefix, **links) for line in tariffs.lot_quote_lines(hours, award, grid)]
    except tariffs.ManualQuoteRequired:
        rows = [_manual_lot_row(prefix, int(hours), grid, **links)]
        if award:
            rows.append(_row(tariffs.award_criterion_line(grid), prefix, **links))
        return rows


def generated_rows(quote: Quote, grid: tariffs.TariffGrid) -> list[QuoteLineRow]:
    """The lines the rules give for this quote (DOMAIN.md 4):
    - pilotage: 3 days at the day rate for the year;
    - reserved or insertion market: its fixed items (with the SIAE sourced) and its annual
      line;
    - TCE operation: one package per subcontractor share (the shares are the lots);
    - otherwise one package per lot by its planned hours, +2 days with an award criterion.
    """
    if quote.kind == QuoteKind.PILOTAGE:
        return [_row(tariffs.pilotage_line(quote.pilotage_year, grid))]
    operation: Operation = quote.operation
    rows: list[QuoteLineRow] = []
    for market in operation.markets:
        prefix = f"Marché {market.reference} – "
        if market.is_reserved:
            fixed = tariffs.reserved_market_quote_lines(quote.sourced_siae, grid)
            rows += [_row(line, prefix, market_id=market.id) for line in fixed]
            annual = tariffs.reserved_market_annual_line(grid)
            rows.append(_row(annual, prefix, market_id=market.id))
            continue
        if operation.is_tce:
            continue  # the general contractor's lots are priced through the shares below
        for lot in market.lots:
            if lot.planned_hours is None and not lot.award_criterion:
                continue  # no clause on this lot: nothing to price
            label = f"{prefix}{lot.label}"
            rows += _lot_rows(label, lot.planned_hours, lot.award_criterion, grid, lot_id=lot.id)
    if operation.is_tce:
        for share in operation.shares:
            if share.hours:
                label = f"Part TCE {share.company.name} ({share.trade_label})"
                rows += _lot_rows(label, share.hours, False, grid, share_id=share.id)
    return rows


def regenerate_lines(quote: Quote) -> None:
    """Rebuild a draft's generated lines from the current lots and grid; manual lines
    already completed by the AMOI (for the same lot or share, or free lines) are kept."""
    if quote.status != QuoteStatus.DRAFT:
        raise QuoteRefused("Seul un brouillon peut être recalculé : ce devis est figé.")
    grid = grid_for_quote(quote.quote_date)
    completed = {  # "sur devis" lines of a lot or share, as the AMOI completed them
        (row.lot_id, row.share_id): row for row in quote.lines if row.code == "lot_manual"
    }
    free = [_copy(row) for row in quote.lines if row.code == "manual"]
    fresh = generated_rows(quote, grid)
    rows = []
    for row in fresh:
        previous = completed.get((row.lot_id, row.share_id)) if row.manual else None
        if previous is not None:
            row.quantity, row.justification = previous.quantity, previous.justification
            row.amount = tariffs.QuoteLine.priced(
                row.code, row.label, row.quantity, row.unit, row.unit_amount
            ).amount
        rows.append(row)
    rows += free
    quote.lines.clear()
    db.session.flush()
    for position, row in enumerate(rows, start=1):
        row.position = position
        quote.lines.append(row)
    quote.grid_code = grid.code
    quote.total = tariffs.quote_total(rows)


def _copy(row: QuoteLineRow) -> QuoteLineRow:
    """A new row with the same content (the old one is deleted with the collection)."""
    fields = ("code", "label", "quantity", "unit", "unit_amount", "amount", "manual")
    return QuoteLineRow(
        justification=row.justification,
        lot_id=row.lot_id,
        share_id=row.share_id,
        market_id=row.market_id,
        **{name: getattr(row, name) for name in fields},
    )


def set_manual_line(
    quote: Quote, line: QuoteLineRow | None, days: Decimal, justification: str, label: str = ""
) -> QuoteLineRow:
    """Complete a manual line (or add a free one, e.g. the negotiation phase): days × the
    grid's day rate, with a justification (DOMAIN.md 4.1 and 4.2)."""
    if quote.status != QuoteStatus.DRAFT:
        raise QuoteRefused("Ce devis est figé : ses lignes ne peuvent plus changer.")
    grid = grid_for_quote(quote.quote_date)
    if line is None:
        line = QuoteLineRow(
            code="manual",
            label=label or "Phase de négociation",
            unit="jour",
            manual=True,
            position=len(quote.lines) + 1,
        )
        quote.lines.append(line)
    line.quantity = days
    line.unit_amount = grid.day_rate
    line.amount = tariffs.QuoteLine.priced(
        line.code, line.label, days, "jour", grid.day_rate
    ).amount
    line.justification = justification
    db.session.flush()
    quote.total = tariffs.quote_total(quote.lines)
    return line


def remove_manual_line(quote: Quote, line: QuoteLineRow) -> None:
    """Drop a free manual line of a draft; the total follows."""
    if quote.status != QuoteStatus.DRAFT:
        raise QuoteRefused("Ce devis est figé : ses lignes ne peuvent plus changer.")
    quote.lines.remove(line)
    db.session.flush()
    quote.total = tariffs.quote_total(quote.lines)


# --- workflow -----------------------------------------------------------------------------


def _move(quote: Quote, action: str, user: User) -> None:
    quote.status = next_status("quote", quote.status, action).value
    quote.last_changed_by_id = user.id


def create_quote(
    *,
    kind: QuoteKind,
    quote_date: date,
    user: User,
    operation: Operation | None = None,
    pilotage_year: int | None = None,
    ccvg: Organisation | None = None,
    sourced_siae: int = 0,
    note: str = "",
) -> Quote:
    """A draft quote with its generated lines; refused outside the convention periods."""
    grid_for_quote(quote_date)  # refuse early, with the French reason
    buyer_id = operation.buyer_id if kind == QuoteKind.OPERATION else ccvg.id
    quote = Quote(
        kind=kind.value,
        operation=operation,
        pilotage_year=pilotage_year,
        buyer_id=buyer_id,
        quote_date=quote_date,
        sourced_siae=sourced_siae,
        note=note,
        created_by_id=user.id,
        last_changed_by_id=user.id,
        status=QuoteStatus.DRAFT.value,
    )
    db.session.add(quote)
    db.session.flush()
    regenerate_lines(quote)
    audit.record("quote.created", quote, detail=f"kind={kind.value}", actor=user)
    return quote


def submit(quote: Quote, user: User) -> None:
    """Freeze the quote (lines, total, grid) and give it its number (DOMAIN.md 4)."""
    if not quote.lines:
        raise QuoteRefused("Ce devis n'a aucune ligne : il n'y a rien à soumettre.")
    missing = [line.label for line in quote.lines if line.needs_input]
    if missing:
        raise QuoteRefused(
            "Complétez d'abord les lignes sur devis (jours et justification) : "
            + " ; ".join(missing)
        )
    grid = grid_for_quote(quote.quote_date)
    _move(quote, "submit", user)
    quote.grid_code = grid.code
    quote.total = tariffs.quote_total(quote.lines)
    quote.number = next_number("DEV", quote.quote_date.year)
    quote.submitted_at = utcnow()
    audit.record("quote.submitted", quote, detail=f"number={quote.number}", actor=user)


def approve(quote: Quote, user: User, today: date) -> Invoice | None:
    """The CCVG validates: an operation's deposit invoice (50 %) is issued at once; a
    pilotage quote waits for the annual report (DOMAIN.md 4.3)."""
    _move(quote, "approve", user)
    quote.decided_by_id, quote.decided_at = user.id, utcnow()
    audit.record("quote.approved", quote, actor=user)
    if quote.kind == QuoteKind.PILOTAGE:
        return None
    deposit = tariffs.payment_schedule(quote.total)[0]
    _move(quote, "invoice_deposit", user)
    return issue_invoice(quote, InvoiceKind.DEPOSIT, deposit, today, user)


def reject(quote: Quote, user: User, comment: str) -> None:
    comment = comment.strip()
    if not comment:
        raise QuoteRefused("Expliquez le refus : le commentaire est obligatoire.")
    _move(quote, "reject", user)
    quote.decided_by_id, quote.decided_at = user.id, utcnow()
    quote.decision_comment = comment
    audit.record("quote.rejected", quote, actor=user)


def revise(quote: Quote, user: User, today: date) -> Quote:
    """A rejected quote becomes a new version (a new draft); the rejected one stays as it
    was, for the record."""
    next_status("quote", quote.status, "revise")  # refuses unless rejected
    if db.session.scalar(select(Quote.id).where(Quote.revision_of_id == quote.id)):
        raise QuoteRefused("Ce devis a déjà été révisé : modifiez la nouvelle version.")
    fresh = create_quote(
        kind=QuoteKind(quote.kind),
        quote_date=today,
        user=user,
        operation=quote.operation,
        pilotage_year=quote.pilotage_year,
        ccvg=quote.buyer,
        sourced_siae=quote.sourced_siae,
        note=quote.note,
    )
    fresh.revision = quote.revision + 1
    fresh.revision_of_id = quote.id
    placeholders = {(row.lot_id, row.share_id): row for row in fresh.lines if row.manual}
    for line in quote.lines:
        if line.code == "manual":
            set_manual_line(fresh, None, line.quantity, line.justification, line.label)
        elif line.code == "lot_manual" and not line.needs_input:
            target = placeholders.get((line.lot_id, line.share_id))
            if target is not None:  # the AMOI's days carry over; it may change them
                set_manual_line(fresh, target, line.quantity, line.justification)
    audit.record("quote.revised", quote, detail=f"new={fresh.id}", actor=user)
    return fresh


def deliver_report(quote: Quote, user: User, delivered_on: date) -> Invoice:
    """The final report of the operation (or the annual report of a pilotage quote) is
    delivered: the balance (or the whole pilotage amount) is invoiced (DOMAIN.md 4.3)."""
    if quote.kind == QuoteKind.PILOTAGE:
        _move(quote, "invoice_full", user)
        milestone = tariffs.pilotage_payment_schedule(quote.total)[0]
        kind = InvoiceKind.FULL
    else:
        _move(quote, "invoice_balance", user)
        deposit_invoice = next((i for i in quote.invoices if i.kind == InvoiceKind.DEPOSIT), None)
        schedule = tariffs.payment_schedule(quote.total)
        milestone = schedule[1]
        if deposit_invoice is not None and deposit_invoice.amount != schedule[0].amount:
            raise QuoteRefused("L'acompte facturé ne correspond plus au devis.")
        kind = InvoiceKind.BALANCE
    quote.report_delivered_on = delivered_on
    audit.record("quote.report_delivered", quote, actor=user)
    return issue_invoice(quote, kind, milestone, delivered_on, user)
