"""Quotes and invoices of the AMOI (prices: convention annexe 2; payment and pilotage:
art. 7; docs/domain.md §4).

Lines come from ``portal.rules.tariffs`` (never retyped); statuses from
``portal.rules.workflow``; numbers from a gapless series per year. Every function changes
the session and records its audit line; the caller commits (all or nothing).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portal import audit
from portal.convention.periods import OutsideConvention, grid_on
from portal.documents.numbering import next_number
from portal.extensions import db
from portal.formatting import number
from portal.invoices.services import issue_invoice
from portal.markets import pricing as pricing
from portal.markets import split as tce
from portal.models import (
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
from portal.refusals import Refused
from portal.rules import tariffs
from portal.rules.workflow import QuoteStatus, next_status


class QuoteRefused(Refused):
    """A French explanation of why the quote cannot be created or changed now."""


# --- grids ---------------------------------------------------------------------------------


def grid_for_quote(day: date) -> tariffs.TariffGrid:
    """The tariff grid of a quote dated ``day`` (an avenant's grid from its date, else the
    convention's); refused outside every convention period (``services.convention``)."""
    try:
        return grid_on(day)
    except OutsideConvention as outside:
        raise QuoteRefused(str(outside)) from outside


# --- lines --------------------------------------------------------------------------------


def _row(priced: pricing.PricedLine) -> QuoteLineRow:
    line = priced.line
    return QuoteLineRow(
        code=line.code,
        label=priced.label or line.label[:300],
        quantity=line.quantity,
        unit=line.unit,
        unit_amount=line.unit_amount,
        amount=line.amount,
        manual=priced.manual,
        billing=line.billing.value,
        lot_id=priced.lot_id,
        share_id=priced.share_id,
        market_id=priced.market_id,
        period_start=priced.period_start,
        period_end=priced.period_end,
    )


def pilotage_days_held(year: int, *, excluding: Quote | None = None) -> Decimal:
    """Pilotage days of ``year`` already in quotes that still stand (not rejected), on a
    pilotage quote or folded into operation quotes (convention art. 7)."""
    stmt = (
        select(func.coalesce(func.sum(QuoteLineRow.quantity), 0))
        .join(Quote, Quote.id == QuoteLineRow.quote_id)
        .where(
            QuoteLineRow.billing == tariffs.Billing.ANNUAL_REPORT,
            QuoteLineRow.pilotage_year == year,
            Quote.status != QuoteStatus.REJECTED,
        )
    )
    if excluding is not None and excluding.id is not None:
        stmt = stmt.where(Quote.id != excluding.id)
    return Decimal(db.session.scalar(stmt))


def _pilotage_rows(quote: Quote, grid: tariffs.TariffGrid) -> list[QuoteLineRow]:
    """A pilotage quote holds the year's pilotage days not already folded into operation
    quotes."""
    year = quote.pilotage_year
    left = grid.pilotage_days - pilotage_days_held(year, excluding=quote)
    if left <= 0:
        raise QuoteRefused(
            f"Le pilotage {year} est déjà entièrement intégré dans des devis d'opérations : "
            "il n'y a plus de jours à chiffrer."
        )
    if left == grid.pilotage_days:
        line = tariffs.pilotage_line(year, grid)
    else:
        line = tariffs.pilotage_share_line(year, left, grid, code="pilotage")
    row = _row(pricing.PricedLine(line, line.label))
    row.pilotage_year = year
    return [row]


def generated_rows(quote: Quote, grid: tariffs.TariffGrid) -> list[QuoteLineRow]:
    """The lines the rules give for this quote (``services.pricing``; docs/domain.md §4)."""
    if quote.kind == QuoteKind.PILOTAGE:
        return _pilotage_rows(quote, grid)
    lines = pricing.operation_lines(quote.operation, grid, quote.sourced_siae)
    return [_row(priced) for priced in lines]


KEPT_CODES = frozenset({"manual", "pilotage_share"})
"""Lines the AMOI added by hand, kept as they are when the lines are recalculated."""


def regenerate_lines(quote: Quote) -> None:
    """Rebuild a draft's generated lines from the current lots and grid; manual lines
    already completed by the AMOI (for the same lot or share, or free lines) are kept."""
    if quote.status != QuoteStatus.DRAFT:
        raise QuoteRefused("Seul un brouillon peut être recalculé : ce devis est figé.")
    grid = grid_for_quote(quote.quote_date)
    completed = {  # "sur devis" lines of a lot or share, as the AMOI completed them
        (row.lot_id, row.share_id): row for row in quote.lines if row.code == "lot_manual"
    }
    free = [_copy(row) for row in quote.lines if row.code in KEPT_CODES]
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
    fields = (
        "code",
        "label",
        "quantity",
        "unit",
        "unit_amount",
        "amount",
        "manual",
        "justification",
        "lot_id",
        "share_id",
        "market_id",
        "billing",
        "period_start",
        "period_end",
        "pilotage_year",
    )
    return QuoteLineRow(**{name: getattr(row, name) for name in fields})


def set_manual_line(
    quote: Quote, line: QuoteLineRow | None, days: Decimal, justification: str, label: str = ""
) -> QuoteLineRow:
    """Complete a manual line (or add a free one, e.g. the negotiation phase): days × the
    grid's day rate, with a justification (docs/domain.md §4.1 and 4.2)."""
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


def add_pilotage_share(quote: Quote, year: int, days: Decimal) -> QuoteLineRow:
    """Fold part of the year's pilotage into this operation's quote (convention art. 7:
    « dans un ou plusieurs devis d'opérations significatives de l'année »); the days of a
    year never exceed the grid's pilotage days across all standing quotes."""
    if quote.status != QuoteStatus.DRAFT:
        raise QuoteRefused("Ce devis est figé : ses lignes ne peuvent plus changer.")
    if quote.kind != QuoteKind.OPERATION:
        raise QuoteRefused("Le pilotage s'intègre dans un devis d'opération.")
    grid = grid_for_quote(quote.quote_date)
    existing = [r for r in quote.lines if r.code == "pilotage_share" and r.pilotage_year == year]
    held = pilotage_days_held(year) - sum((r.quantity for r in existing), Decimal(0))
    left = grid.pilotage_days - held
    if days > left:
        raise QuoteRefused(
            f"Il reste {number(left)} jour{'s' if left >= 2 else ''} de pilotage {year} à "
            f"intégrer ({number(held)} déjà dans d'autres devis, sur "
            f"{number(grid.pilotage_days)})."
        )
    try:
        line = tariffs.pilotage_share_line(year, days, grid)
    except ValueError as error:
        raise QuoteRefused(str(error)) from error
    for row in existing:
        quote.lines.remove(row)
    row = _row(pricing.PricedLine(line, line.label))
    row.pilotage_year = year
    row.position = len(quote.lines) + 1
    quote.lines.append(row)
    db.session.flush()
    quote.total = tariffs.quote_total(quote.lines)
    return row


def remove_manual_line(quote: Quote, line: QuoteLineRow) -> None:
    """Drop a free manual line (or a pilotage part) of a draft; the total follows."""
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
    """Freeze the quote (lines, total, grid) and give it its number (docs/domain.md §4)."""
    if not quote.lines:
        raise QuoteRefused("Ce devis n'a aucune ligne : il n'y a rien à soumettre.")
    missing = [line.label for line in quote.lines if line.needs_input]
    if missing:
        raise QuoteRefused(
            "Complétez d'abord les lignes sur devis (jours et justification) : "
            + " ; ".join(missing)
        )
    operation = quote.operation
    if quote.kind == QuoteKind.OPERATION and operation is not None and operation.is_tce:
        split = tce.split_of(operation)
        if split is None or not split.is_validated:
            state = split.status_label if split else "à préparer"
            raise QuoteRefused(
                f"La répartition des heures entre corps d'état n'est pas validée (elle est "
                f"« {state} ») : le devis se construit sur la répartition validée par "
                "l'entreprise générale, l'AMOI et l'acheteur."
            )
    for year in {r.pilotage_year for r in quote.lines if r.pilotage_year is not None}:
        held = pilotage_days_held(year)
        grid = grid_for_quote(quote.quote_date)
        if held > grid.pilotage_days:
            raise QuoteRefused(
                f"Les devis en cours totalisent {number(held)} jours de pilotage {year}, "
                f"au-delà des {number(grid.pilotage_days)} jours prévus."
            )
    grid = grid_for_quote(quote.quote_date)
    _move(quote, "submit", user)
    quote.grid_code = grid.code
    quote.total = tariffs.quote_total(quote.lines)
    quote.number = next_number("DEV", quote.quote_date.year)
    quote.submitted_at = utcnow()
    audit.record("quote.submitted", quote, detail=f"number={quote.number}", actor=user)


def split_total(quote: Quote) -> Decimal:
    """The part of the quote invoiced 50/50 (packages, fixed items, manual lines)."""
    return tariffs.billed_total(quote.lines, tariffs.Billing.SPLIT)


def deposit_of(quote: Quote) -> tariffs.Milestone | None:
    """The deposit the CCVG's validation issues, or None (a pilotage quote has none)."""
    if quote.kind == QuoteKind.PILOTAGE or not split_total(quote):
        return None
    return tariffs.payment_schedule(split_total(quote))[0]


def approve(quote: Quote, user: User, today: date) -> Invoice | None:
    """The CCVG validates: an operation's deposit invoice (50 % of its split part) is issued
    at once; a pilotage quote waits for the annual report (convention art. 7; docs/domain.md
    §4.3)."""
    _move(quote, "approve", user)
    quote.decided_by_id, quote.decided_at = user.id, utcnow()
    audit.record("quote.approved", quote, actor=user)
    deposit = deposit_of(quote)
    if deposit is None:
        return None
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
        elif line.code == "pilotage_share":
            add_pilotage_share(fresh, line.pilotage_year, line.quantity)
        elif line.code == "lot_manual" and not line.needs_input:
            target = placeholders.get((line.lot_id, line.share_id))
            if target is not None:  # the AMOI's days carry over; it may change them
                set_manual_line(fresh, target, line.quantity, line.justification)
    audit.record("quote.revised", quote, detail=f"new={fresh.id}", actor=user)
    return fresh


def deliver_report(quote: Quote, user: User, delivered_on: date) -> Invoice:
    """The operation's final report is delivered: the balance of the split part is invoiced
    (convention art. 7; docs/domain.md §4.3). The pilotage is invoiced on the annual report
    (``deliver_annual_report``), a reserved market's year on its annual report
    (``invoice_reserved_year``)."""
    if quote.kind == QuoteKind.PILOTAGE:
        raise QuoteRefused("Un devis de pilotage se facture à la remise du bilan annuel.")
    _move(quote, "invoice_balance", user)
    deposit_invoice = next((i for i in quote.invoices if i.kind == InvoiceKind.DEPOSIT), None)
    schedule = tariffs.payment_schedule(split_total(quote))
    if deposit_invoice is not None and deposit_invoice.amount != schedule[0].amount:
        raise QuoteRefused("L'acompte facturé ne correspond plus au devis.")
    quote.report_delivered_on = delivered_on
    audit.record("quote.report_delivered", quote, actor=user)
    return issue_invoice(quote, InvoiceKind.BALANCE, schedule[1], delivered_on, user)


def pilotage_years_due(quote: Quote) -> list[int]:
    """Years whose pilotage lines on this quote are not invoiced yet."""
    return sorted(
        {
            row.pilotage_year
            for row in quote.lines
            if row.billing == tariffs.Billing.ANNUAL_REPORT
            and row.invoice_id is None
            and row.pilotage_year is not None
        }
    )


def _bill_lines(
    quote: Quote,
    rows: list[QuoteLineRow],
    kind: InvoiceKind,
    label: str,
    issued_on: date,
    user: User,
) -> Invoice:
    amount = tariffs.quote_total(rows)
    milestone = tariffs.Milestone(kind.value, label, Decimal("1"), amount)
    invoice = issue_invoice(quote, kind, milestone, issued_on, user, label=label)
    for row in rows:
        row.invoice_id = invoice.id
    return invoice


def deliver_annual_report(quote: Quote, year: int, user: User, delivered_on: date) -> Invoice:
    """The annual report of ``year`` is delivered: the pilotage days of that year on this
    quote are invoiced in full (convention art. 7; docs/domain.md §4.3)."""
    if not quote.is_approved:
        raise QuoteRefused("Le devis doit d'abord être validé par la CCVG.")
    rows = [
        row
        for row in quote.lines
        if row.billing == tariffs.Billing.ANNUAL_REPORT
        and row.pilotage_year == year
        and row.invoice_id is None
    ]
    if not rows:
        raise QuoteRefused(f"Ce devis n'a pas de pilotage {year} à facturer.")
    if quote.kind == QuoteKind.PILOTAGE:
        _move(quote, "invoice_full", user)
        quote.report_delivered_on = delivered_on
    audit.record("quote.annual_report_delivered", quote, detail=f"year={year}", actor=user)
    label = f"Pilotage annuel {year}, à la remise du bilan annuel – devis {quote.number}"
    return _bill_lines(quote, rows, InvoiceKind.FULL, label, delivered_on, user)


def invoice_reserved_year(
    quote: Quote, line: QuoteLineRow, user: User, delivered_on: date
) -> Invoice:
    """A reserved market's annual report is delivered: that year's annual part (1 000 €) is
    invoiced (annexe 2: « par an et par marché »; docs/domain.md §4.2)."""
    if not quote.is_approved:
        raise QuoteRefused("Le devis doit d'abord être validé par la CCVG.")
    if line.billing != tariffs.Billing.YEARLY or line.quote_id != quote.id:
        raise QuoteRefused("Cette ligne ne se facture pas à l'année.")
    if line.invoice_id is not None:
        raise QuoteRefused("Cette année de suivi est déjà facturée.")
    if line.period_start is not None and delivered_on < line.period_start:
        raise QuoteRefused(
            f"Cette année d'exécution commence le {line.period_start:%d/%m/%Y} : son bilan "
            "ne peut pas être remis avant."
        )
    audit.record("quote.reserved_year_delivered", quote, detail=f"line={line.id}", actor=user)
    label = f"{line.label} – devis {quote.number}"
    return _bill_lines(quote, [line], InvoiceKind.ANNUAL, label, delivered_on, user)
