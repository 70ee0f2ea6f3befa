"""What the AMOI's work on an operation costs, by the convention's grid (annexe 2; docs/domain.md
§4): one function gives the priced lines of an operation, and the operation page, the lot
page and the quote all read them, so that they always show the same package for the same
lot.

- A lot under an execution condition: its package by planned hours, +2 days with an award
  criterion; above the last bracket, a line to price by hand (*sur devis*).
- A TCE operation: each trade's share is priced as one lot (the general contractor's lots
  are not), the award criterion's 2 days per share when the operation's market has it.
- Reserved or insertion markets: the fixed part once per operation (with the distinct SIAE
  sourced for the operation), then 1 000 € per market and per year of execution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.convention.periods import OutsideConvention, grid_by_code, grid_on, grids
from portal.extensions import db
from portal.formatting import number
from portal.models import Lot, Market, Operation, Quote
from portal.rules import tariffs
from portal.rules.workflow import QuoteStatus


@dataclass(frozen=True)
class PricedLine:
    """A quote line as the rules give it, with its full label and what it prices."""

    line: tariffs.QuoteLine
    label: str
    lot_id: int | None = None
    share_id: int | None = None
    market_id: int | None = None
    manual: bool = False
    period_start: date | None = None
    period_end: date | None = None


def _manual_line(label: str, hours: int, grid: tariffs.TariffGrid) -> tariffs.QuoteLine:
    """Above the last bracket: a line the AMOI completes (days and a justification)."""
    text = f"{label}{number(hours)} h, au-delà du barème : sur devis"
    return tariffs.QuoteLine(
        "lot_manual", text, Decimal("0"), "jour", grid.day_rate, Decimal("0.00")
    )


def lot_lines(
    label: str, hours: int | None, award: bool, grid: tariffs.TariffGrid, **links
) -> list[PricedLine]:
    """The lines of one lot (or one TCE share priced as a lot)."""
    prefix = f"{label} : "
    try:
        lines = tariffs.lot_quote_lines(hours, award, grid)
    except tariffs.ManualQuoteRequired:
        rows = [PricedLine(_manual_line(prefix, int(hours), grid), "", manual=True, **links)]
        if award:
            rows.append(PricedLine(tariffs.award_criterion_line(grid), "", **links))
        return [_labelled(row, prefix) for row in rows]
    return [_labelled(PricedLine(line, "", **links), prefix) for line in lines]


def _labelled(row: PricedLine, prefix: str) -> PricedLine:
    text = row.line.label if row.manual else f"{prefix}{row.line.label}"
    return PricedLine(
        row.line,
        text[:300],
        row.lot_id,
        row.share_id,
        row.market_id,
        row.manual,
        row.period_start,
        row.period_end,
    )


def _execution(market: Market, operation: Operation) -> tuple[date | None, date | None]:
    start = market.notification_date or operation.start_date
    end = market.planned_end or operation.end_date
    return start, end


def reserved_years(market: Market, operation: Operation) -> list[tariffs.ExecutionYear | None]:
    """The execution years of a reserved market; a single unknown year (None) while its
    dates are not known."""
    start, end = _execution(market, operation)
    if start is None:
        return [None]
    return tariffs.execution_years(start, end if end and end >= start else start)


def _reserved_lines(
    operation: Operation, reserved: list[Market], sourced_siae: int, grid: tariffs.TariffGrid
) -> list[PricedLine]:
    if len(reserved) == 1:
        prefix = f"Marché {reserved[0].reference} – "
    else:
        prefix = "Marchés réservés " + ", ".join(m.reference for m in reserved) + " – "
    rows = [
        PricedLine(line, f"{prefix}{line.label}"[:300])
        for line in tariffs.reserved_market_quote_lines(sourced_siae, grid)
    ]
    annual = tariffs.reserved_market_annual_line(grid)
    for market in reserved:
        for year in reserved_years(market, operation):
            if year is None:
                when = "année 1, dates d'exécution à préciser sur le marché"
                start = end = None
            else:
                when = f"année {year.index}, du {year.start:%d/%m/%Y} au {year.end:%d/%m/%Y}"
                start, end = year.start, year.end
            text = f"Marché {market.reference} – {annual.label}, {when}"
            rows.append(PricedLine(annual, text[:300], None, None, market.id, False, start, end))
    return rows


def operation_award_criterion(operation: Operation) -> bool:
    """A TCE operation's shares carry the award criterion when its market has one."""
    return any(
        lot.award_criterion for m in operation.markets if not m.is_reserved for lot in m.lots
    )


def operation_lines(
    operation: Operation, grid: tariffs.TariffGrid, sourced_siae: int = 0
) -> list[PricedLine]:
    """Every generated line of an operation's quote, in order: reserved markets' fixed part
    and yearly parts, then one package per lot (per share for a TCE operation)."""
    reserved = [m for m in operation.markets if m.is_reserved]
    rows = _reserved_lines(operation, reserved, sourced_siae, grid) if reserved else []
    if operation.is_tce:
        award = operation_award_criterion(operation)
        for share in operation.shares:
            if share.hours:
                label = f"Part TCE {share.company.name} ({share.trade_label})"
                rows += lot_lines(label, share.hours, award, grid, share_id=share.id)
        return rows
    for market in operation.markets:
        if market.is_reserved:
            continue
        for lot in market.lots:
            if lot.planned_hours is None and not lot.award_criterion:
                continue  # no clause on this lot: nothing to price
            label = f"Marché {market.reference} – {lot.label}"
            rows += lot_lines(label, lot.planned_hours, lot.award_criterion, grid, lot_id=lot.id)
    return rows


# --- the grid a page prices with ------------------------------------------------------------


@dataclass(frozen=True)
class PricingGrid:
    """The grid a page prices an operation with, and a French sentence saying which."""

    grid: tariffs.TariffGrid | None
    source: str
    quote: Quote | None = None


def operation_quote(operation: Operation) -> Quote | None:
    """The operation's current quote: the latest one that was not rejected."""
    return db.session.scalars(
        select(Quote)
        .where(Quote.operation_id == operation.id, Quote.status != QuoteStatus.REJECTED)
        .order_by(Quote.quote_date.desc(), Quote.id.desc())
    ).first()


def pricing_grid(operation: Operation, today: date) -> PricingGrid:
    """The grid of the operation's quote (its frozen grid once submitted, else the one of
    its date), or today's when it has none yet, saying so (docs/domain.md §4: one grid per
    date)."""
    quote = operation_quote(operation)
    if quote is not None:
        grid = grid_by_code(quote.grid_code) if quote.grid_code else None
        try:
            grid = grid or grid_on(quote.quote_date)
        except OutsideConvention:
            grid = None
        name = quote.display_number
        return PricingGrid(grid, f"Grille du devis {name} du {quote.quote_date:%d/%m/%Y}", quote)
    return today_grid(today)


def today_grid(today: date) -> PricingGrid:
    """Today's grid, saying so; when no convention period covers today, the prices of the
    latest grid are still shown, as an indication (a quote cannot be dated today)."""
    try:
        grid = grid_on(today)
    except OutsideConvention:
        try:
            grid = tariffs.grid_for(today, grids())
        except tariffs.NoTariffForDate:
            return PricingGrid(None, "Aucune grille tarifaire n'est en vigueur aujourd'hui.")
        return PricingGrid(
            grid,
            f"Prix indicatifs de la grille « {grid.label} » : aucune période de la "
            "convention ne couvre aujourd'hui, un devis ne pourrait pas être daté de ce jour.",
        )
    return PricingGrid(grid, f"Grille en vigueur aujourd'hui ({grid.label}), sans devis à ce jour")


# --- per lot, for the operation and lot pages -----------------------------------------------


@dataclass
class LotPrice:
    """What a lot costs by the grid: its lines and total, or why it is priced elsewhere."""

    lines: list[PricedLine] = field(default_factory=list)
    note: str = ""

    @property
    def total(self) -> Decimal:
        return tariffs.quote_total(row.line for row in self.lines)

    @property
    def manual(self) -> bool:
        return any(row.manual for row in self.lines)


def lot_prices(
    operation: Operation, grid: tariffs.TariffGrid | None
) -> tuple[dict[int, LotPrice], dict[int, LotPrice]]:
    """The price of each lot and each TCE share of the operation ({lot id: LotPrice},
    {share id: LotPrice}), from the same lines as the quote."""
    lots: dict[int, LotPrice] = {}
    shares: dict[int, LotPrice] = {}
    tce_note = "Opération TCE : tarifée par part de corps d'état (voir la répartition)."
    reserved_note = "Marché réservé : forfait global de l'opération et suivi annuel par marché."
    for market in operation.markets:
        for lot in market.lots:
            if market.is_reserved:
                lots[lot.id] = LotPrice(note=reserved_note)
            elif operation.is_tce:
                lots[lot.id] = LotPrice(note=tce_note)
            else:
                lots[lot.id] = LotPrice()
    if grid is None:
        return lots, shares
    for row in operation_lines(operation, grid):
        if row.lot_id is not None:
            lots.setdefault(row.lot_id, LotPrice()).lines.append(row)
        elif row.share_id is not None:
            shares.setdefault(row.share_id, LotPrice()).lines.append(row)
    return lots, shares


def tce_total(shares: dict[int, LotPrice]) -> Decimal:
    return sum((price.total for price in shares.values()), Decimal("0.00"))


def lot_price(lot: Lot, grid: tariffs.TariffGrid | None) -> LotPrice:
    """The price of one lot, as on its operation's page."""
    lots, _shares = lot_prices(lot.market.operation, grid)
    return lots.get(lot.id, LotPrice())
