"""AMOI prices as dated tariff grids (convention cadre 2022, annexe 2 for the prices, art. 7
for payment and pilotage; docs/domain.md §4).

A grid is data: the hour brackets, the day rate and the reserved-market items all live in a
`TariffGrid`. An *avenant* that changes prices adds a grid with its own validity dates;
nothing in this module changes. Every amount is a `Decimal` with two places.

Each quote line says how it is invoiced (`Billing`): the operation's packages and fixed
items half on the CCVG's validation and half on the final report (art. 7); a reserved
market's annual part once a year on that market's annual report (annexe 2: « par an et par
marché »); pilotage in full on the annual report (art. 7).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from portal.rules.deadlines import add_months

CENT = Decimal("0.01")


def _money(value: Decimal | int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"Montant invalide : {value!r} (Decimal ou entier attendu).")
    if not Decimal(value).is_finite():
        raise ValueError(f"Montant invalide : {value!r}.")
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _hours_fr(hours: int) -> str:
    """1820 -> "1 820" (French thousands separator, a plain space as on the convention)."""
    return f"{hours:,}".replace(",", " ")


def _days_fr(days: Decimal) -> str:
    """Decimal("2.5") -> "2,5 jours"; French keeps the singular below 2 ("1,5 jour")."""
    text = format(days.normalize(), "f").replace(".", ",")
    return f"{text} {'jour' if days < 2 else 'jours'}"


def _check_planned_hours(planned_hours: int | Decimal) -> int:
    """Planned hours are the contractual integer (docs/domain.md §3): a positive whole number."""
    if isinstance(planned_hours, bool) or not isinstance(planned_hours, int | Decimal):
        raise ValueError(f"Heures prévues invalides : {planned_hours!r} (entier attendu).")
    value = Decimal(planned_hours)
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"Heures prévues invalides : {planned_hours!r} (entier attendu).")
    if value <= 0:
        raise ValueError("Les heures prévues doivent être strictement positives.")
    return int(value)


class NoTariffForDate(LookupError):
    """No tariff grid is valid on the day asked (docs/domain.md §1: a quote dated outside every
    valid period is refused with a clear message)."""

    def __init__(self, day: date) -> None:
        self.day = day
        super().__init__(f"Aucun barème AMOI n'est en vigueur le {day:%d/%m/%Y}.")


class ManualQuoteRequired(Exception):
    """The lot is above the grid's last bracket: case by case, manual quote (*sur devis*)
    (convention annexe 2; docs/domain.md §4.1)."""

    def __init__(self, planned_hours: int) -> None:
        self.planned_hours = planned_hours
        super().__init__(
            f"Au-delà de la grille ({_hours_fr(planned_hours)} h) : forfait sur devis."
        )


@dataclass(frozen=True)
class Bracket:
    """One row of the per-lot package table: planned hours from `min_hours` to `max_hours`
    (both included) cost `days` AMOI days for `amount` (convention annexe 2; docs/domain.md §4.1)."""

    min_hours: int
    max_hours: int
    days: Decimal
    amount: Decimal

    def __post_init__(self) -> None:
        if not 1 <= self.min_hours <= self.max_hours:
            raise ValueError(f"Tranche invalide : {self.min_hours} à {self.max_hours} h.")
        object.__setattr__(self, "amount", _money(self.amount))

    def contains(self, hours: int) -> bool:
        """True when `hours` falls in this bracket, bounds included."""
        return self.min_hours <= hours <= self.max_hours

    @property
    def label(self) -> str:
        """French quote label, e.g. "Forfait lot 456 à 1 820 h (2,5 jours)"."""
        span = f"{_hours_fr(self.min_hours)} à {_hours_fr(self.max_hours)} h"
        return f"Forfait lot {span} ({_days_fr(self.days)})"


@dataclass(frozen=True)
class FixedItem:
    """A fixed-price item of a reserved or insertion market, once per operation; `per_siae`
    items are priced per SIAE sourced (convention annexe 2; docs/domain.md §4.2)."""

    code: str
    label: str
    unit_amount: Decimal
    per_siae: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_amount", _money(self.unit_amount))


@dataclass(frozen=True)
class TariffGrid:
    """A dated AMOI price grid (convention annexe 2; docs/domain.md §4). `valid_to` None means open
    until a later grid starts. Brackets must be ascending and contiguous from 1 hour; above
    the last one the lot is quoted by hand. Money fields are normalised to two places."""

    code: str
    label: str
    valid_from: date
    valid_to: date | None
    day_rate: Decimal
    brackets: tuple[Bracket, ...]
    award_criterion_days: Decimal
    reserved_fixed_items: tuple[FixedItem, ...]
    reserved_annual_amount: Decimal
    pilotage_days: Decimal
    pilotage_confirmed: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("La fin de validité du barème précède son début.")
        if not self.brackets or self.brackets[0].min_hours != 1:
            raise ValueError("La première tranche doit commencer à 1 heure.")
        for previous, current in zip(self.brackets, self.brackets[1:], strict=False):
            if current.min_hours != previous.max_hours + 1:
                raise ValueError("Les tranches doivent se suivre sans trou ni chevauchement.")
        for name in ("day_rate", "reserved_annual_amount"):
            object.__setattr__(self, name, _money(getattr(self, name)))

    def covers(self, day: date) -> bool:
        """True when the grid is in force on `day` (bounds included)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def manual_above(self) -> int:
        """Planned hours above which a lot is quoted by hand (3 640 h in the convention)."""
        return self.brackets[-1].max_hours

    @property
    def award_criterion_amount(self) -> Decimal:
        """Award criterion days at the day rate (2 × 500 € = 1 000 € in the convention)."""
        return _money(self.award_criterion_days * self.day_rate)

    @property
    def pilotage_amount(self) -> Decimal:
        """Pilotage days at the day rate (3 × 500 € = 1 500 €, to be confirmed)."""
        return _money(self.pilotage_days * self.day_rate)


@dataclass(frozen=True)
class Package:
    """The AMOI package of one lot: days and amount of its bracket (docs/domain.md §4.1)."""

    days: Decimal
    amount: Decimal


class Billing(enum.StrEnum):
    """When a quote line is invoiced (convention art. 7 and annexe 2; docs/domain.md §4.2-4.3)."""

    SPLIT = "split"
    """Half when the CCVG validates the quote, half on the operation's final report (art. 7)."""
    YEARLY = "yearly"
    """Once a year, on the reserved market's annual report (annexe 2: « par an et par marché »)."""
    ANNUAL_REPORT = "annual_report"
    """Pilotage: in full on the delivery of the year's annual report (art. 7)."""

    @property
    def label(self) -> str:
        """French label, for the quote's schedule."""
        return {
            "split": "50 % à la validation du devis, 50 % à la remise du bilan final",
            "yearly": "chaque année, à la remise du bilan annuel du marché réservé",
            "annual_report": "en totalité, à la remise du bilan annuel",
        }[self]


@dataclass(frozen=True)
class QuoteLine:
    """One line of a quote (*devis*): stable `code`, French `label` and `unit`, quantity,
    unit amount, amount and how it is invoiced (`billing`) (docs/domain.md §4; docs/architecture.md §6)."""

    code: str
    label: str
    quantity: Decimal
    unit: str
    unit_amount: Decimal
    amount: Decimal
    billing: Billing = Billing.SPLIT

    @classmethod
    def priced(
        cls,
        code: str,
        label: str,
        quantity: Decimal | int,
        unit: str,
        unit_amount: Decimal,
        billing: Billing = Billing.SPLIT,
    ) -> QuoteLine:
        """A line whose amount is quantity × unit amount, rounded half up to the cent."""
        quantity = Decimal(quantity)
        amount = _money(quantity * unit_amount)
        return cls(code, label, quantity, unit, _money(unit_amount), amount, Billing(billing))


@dataclass(frozen=True)
class Milestone:
    """A payment milestone: `share` of the total (0.50 = 50 %) and its amount (docs/domain.md §4.3)."""

    code: str
    label: str
    share: Decimal
    amount: Decimal


BRACKET_NOTE = (
    "La convention imprime la deuxième tranche « 451 à 1 820 h », qui chevauche la "
    "première (1 à 455 h). Le portail retient la lecture des praticiens : 1 à 455 h, "
    "456 à 1 820 h, 1 821 à 3 640 h (455 h = 1 820 h / 4, un trimestre à temps plein)."
)

_CONVENTION_2022_DOC = """The grid of the convention's Annexe 2, from 2022-01-01 (docs/domain.md §4).

The convention's table prints the second bracket as "451 to 1 820 h", which overlaps the
first (1 to 455 h): 451 to 455 h would cost both 750 € and 1 250 €. The reading chosen is
the practitioners' one, 1-455 / 456-1820 / 1821-3640 hours (455 h = 1 820 h / 4, a quarter of
a full-time year), for 1.5 / 2.5 / 4 days and 750 / 1 250 / 2 000 €; above 3 640 h the lot
is quoted by hand. The bounds live in `brackets`, the French note for the quote screen in
`note`. `valid_to` is open: a renewal by avenant keeps these prices until an avenant brings
a new grid. Pilotage: the convention states 3 days but no price; 1 500 € at the day rate,
labelled "à confirmer" (`pilotage_confirmed` False).
"""

CONVENTION_2022 = TariffGrid(
    code="convention_2022",
    label="Convention cadre 2022 – annexe 2",
    valid_from=date(2022, 1, 1),
    valid_to=None,
    day_rate=Decimal("500.00"),
    brackets=(
        Bracket(1, 455, Decimal("1.5"), Decimal("750.00")),
        Bracket(456, 1820, Decimal("2.5"), Decimal("1250.00")),
        Bracket(1821, 3640, Decimal("4"), Decimal("2000.00")),
    ),
    award_criterion_days=Decimal("2"),
    reserved_fixed_items=(
        FixedItem("calibration", "Calibrage du marché", Decimal("250.00")),
        FixedItem("sourcing", "Benchmarking / sourcing", Decimal("200.00"), per_siae=True),
        FixedItem("dce_support", "Appui à la rédaction du DCE", Decimal("250.00")),
        FixedItem("analysis", "Analyse des candidatures et des offres", Decimal("500.00")),
        FixedItem("kickoff", "Réunion collective de lancement", Decimal("500.00")),
    ),
    reserved_annual_amount=Decimal("1000.00"),
    pilotage_days=Decimal("3"),
    pilotage_confirmed=False,
    note=BRACKET_NOTE,
)
# A module constant has no docstring of its own at runtime: give the instance one, so that
# help(CONVENTION_2022) and the rules page explain the "451" reading.
object.__setattr__(CONVENTION_2022, "__doc__", _CONVENTION_2022_DOC)

DEFAULT_GRIDS: tuple[TariffGrid, ...] = (CONVENTION_2022,)


def grid_for(day: date, grids: Iterable[TariffGrid]) -> TariffGrid:
    """The grid in force on `day`; when several cover it, the latest `valid_from` wins (an
    avenant's grid supersedes an open one). Raises `NoTariffForDate` when none does
    (docs/domain.md §1 and 4; docs/architecture.md §6: "tariffs are dated grids passed in")."""
    covering = [grid for grid in grids if grid.covers(day)]
    if not covering:
        raise NoTariffForDate(day)
    latest = max(grid.valid_from for grid in covering)
    chosen = [grid for grid in covering if grid.valid_from == latest]
    if len(chosen) > 1:
        raise ValueError(f"Plusieurs barèmes commencent le {latest:%d/%m/%Y} : ambigu.")
    return chosen[0]


def bracket_for(planned_hours: int | Decimal, grid: TariffGrid) -> Bracket | None:
    """The bracket of a lot's planned hours, or None above the last one (manual quote).
    ValueError for zero, negative or non-integer hours (convention annexe 2; docs/domain.md §4.1)."""
    hours = _check_planned_hours(planned_hours)
    return next((bracket for bracket in grid.brackets if bracket.contains(hours)), None)


def lot_package(planned_hours: int | Decimal, grid: TariffGrid) -> Package | None:
    """The package of a lot under an execution condition, by its *planned* integer hours;
    None above the grid's last bracket (manual quote). The price does not depend on the
    modality (convention annexe 2; docs/domain.md §4.1)."""
    bracket = bracket_for(planned_hours, grid)
    return None if bracket is None else Package(days=bracket.days, amount=bracket.amount)


def award_criterion_line(grid: TariffGrid) -> QuoteLine:
    """+2 AMOI days per lot carrying an insertion award criterion, at the day rate
    (convention annexe 2; CCP L2152-7; docs/domain.md §4.1)."""
    label = f"Critère d'attribution insertion ({_days_fr(grid.award_criterion_days)} AMOI)"
    return QuoteLine.priced(
        "award_criterion", label, grid.award_criterion_days, "jour", grid.day_rate
    )


def lot_quote_lines(
    planned_hours: int | Decimal | None, award_criterion: bool, grid: TariffGrid
) -> list[QuoteLine]:
    """Quote lines of one lot: its package (which includes the hour calculation and the final
    report) and, with an award criterion, +2 days. `planned_hours` None means the lot has
    no execution condition (award criterion only). Raises `ManualQuoteRequired` above the
    last bracket: the AMOI writes that line by hand (convention annexe 2; docs/domain.md §4.1)."""
    lines: list[QuoteLine] = []
    if planned_hours is None:
        if not award_criterion:
            raise ValueError("Le lot ne porte ni condition d'exécution ni critère d'attribution.")
    else:
        bracket = bracket_for(planned_hours, grid)
        if bracket is None:
            raise ManualQuoteRequired(_check_planned_hours(planned_hours))
        lines.append(QuoteLine.priced("lot_package", bracket.label, 1, "forfait", bracket.amount))
    if award_criterion:
        lines.append(award_criterion_line(grid))
    return lines


def reserved_market_quote_lines(sourced_siae: int, grid: TariffGrid) -> list[QuoteLine]:
    """Fixed part of the reserved or insertion markets of an operation, owed **once per
    operation** however many reserved markets it has (the grid's column is « Global
    opération »): calibration, sourcing per distinct SIAE sourced for the operation (left
    out when none), DCE support, analysis, kick-off meeting. Invoiced like the packages,
    50/50. The optional negotiation phase has no price: a manual line (annexe 2; docs/domain.md
    §4.2)."""
    if isinstance(sourced_siae, bool) or not isinstance(sourced_siae, int) or sourced_siae < 0:
        raise ValueError(f"Nombre de SIAE sourcées invalide : {sourced_siae!r}.")
    lines = []
    for item in grid.reserved_fixed_items:
        if not item.per_siae:
            lines.append(QuoteLine.priced(item.code, item.label, 1, "forfait", item.unit_amount))
        elif sourced_siae:
            label = f"{item.label} ({sourced_siae} SIAE)"
            lines.append(QuoteLine.priced(item.code, label, sourced_siae, "SIAE", item.unit_amount))
    return lines


def reserved_market_annual_line(grid: TariffGrid) -> QuoteLine:
    """Annual part of a reserved or insertion market, « par an et par marché »: one such line
    for each year of each reserved market's execution (see `execution_years`), invoiced
    yearly on that market's annual report, never 50/50. It covers the mid-year meetings,
    the end-of-year collective meeting, the annual report and the data entry (annexe 2;
    docs/domain.md §4.2)."""
    label = "Suivi annuel du marché réservé (rencontres, bilan annuel, saisie)"
    return QuoteLine.priced(
        "annual_follow_up", label, 1, "an", grid.reserved_annual_amount, Billing.YEARLY
    )


@dataclass(frozen=True)
class ExecutionYear:
    """Year `index` (from 1) of a market's execution, from `start` to `end` included: the
    unit of a reserved market's annual part (annexe 2; docs/domain.md §4.2)."""

    index: int
    start: date
    end: date


def execution_years(start: date, end: date) -> list[ExecutionYear]:
    """The years of a market's execution from `start` (its notification) to `end` (its
    planned end), as consecutive 12-month periods from the start. The duration is rounded
    to the nearest year: a last period of 6 months or more counts as a year, a shorter one
    (a market notified on 27/02 that ends on 28/02 a year later) is part of the year before;
    always at least one year. Chosen reading of « par an et par marché » (annexe 2): years
    of execution, not calendar years, so a 4-year market owes 4 annual parts (docs/domain.md §4.2;
    default, configurable by avenant)."""
    if end < start:
        raise ValueError("La fin d'exécution du marché précède son début.")
    years: list[ExecutionYear] = []
    index, current = 1, start
    while current <= end:
        following = add_months(start, 12 * index)
        years.append(ExecutionYear(index, current, min(following - timedelta(days=1), end)))
        current, index = following, index + 1
    last = years[-1]
    if len(years) > 1 and add_months(last.start, 6) > last.end + timedelta(days=1):
        before = years[-2]
        years[-2:] = [ExecutionYear(before.index, before.start, last.end)]
    return years


def pilotage_line(year: int, grid: TariffGrid) -> QuoteLine:
    """Annual steering (*pilotage*) of `year`: the grid's days at the day rate (3 days =
    1 500 €), invoiced in full on delivery of the annual report. The convention states days
    only, so the label says "à confirmer" until a grid confirms the amount (convention
    art. 7; docs/domain.md §4.1 and 4.3)."""
    return pilotage_share_line(year, grid.pilotage_days, grid, code="pilotage")


def pilotage_share_line(
    year: int, days: Decimal, grid: TariffGrid, code: str = "pilotage_share"
) -> QuoteLine:
    """Part of the pilotage of `year` folded into a significant operation's quote: `days`
    (half-days, at most the grid's pilotage days) at the day rate, invoiced in full on the
    annual report like the pilotage itself (convention art. 7: the pilotage « peut être
    intégré dans un ou plusieurs devis d'opérations significatives »; docs/domain.md §4.1)."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValueError(f"Année invalide : {year!r}.")
    days = Decimal(days)
    if not days.is_finite() or days <= 0 or days > grid.pilotage_days or (days * 2) % 1:
        raise ValueError(
            f"Jours de pilotage invalides : {days!r} (demi-journées, au plus "
            f"{_days_fr(grid.pilotage_days)})."
        )
    whole = days == grid.pilotage_days
    label = f"Pilotage annuel {year}" if whole else f"Part du pilotage annuel {year}"
    label += f" ({_days_fr(days)} au taux journalier"
    label += ")" if grid.pilotage_confirmed else ", montant à confirmer)"
    return QuoteLine.priced(code, label, days, "jour", grid.day_rate, Billing.ANNUAL_REPORT)


def quote_total(lines: Iterable[QuoteLine]) -> Decimal:
    """Sum of the lines' amounts, to the cent (docs/domain.md §4)."""
    return _money(sum((line.amount for line in lines), Decimal("0")))


def _check_total(total: Decimal | int) -> Decimal:
    money = _money(total)
    if money != Decimal(total):
        raise ValueError(f"Montant au-delà du centime : {total!r}.")
    if money < 0:
        raise ValueError("Le montant total ne peut pas être négatif.")
    return money


def payment_schedule(total: Decimal | int) -> list[Milestone]:
    """Per operation: 50 % when the CCVG validates the quote, the balance when the final
    report is delivered. The first is half the total rounded down to the cent, the second
    takes the rest, so they add up exactly (convention art. 7; docs/domain.md §4.3). `total` is
    the part of the quote billed this way (`Billing.SPLIT`)."""
    money = _check_total(total)
    deposit = (money / 2).quantize(CENT, ROUND_DOWN)
    return [
        Milestone("deposit", "Acompte à la validation du devis", Decimal("0.50"), deposit),
        Milestone("balance", "Solde à la remise du bilan final", Decimal("0.50"), money - deposit),
    ]


def pilotage_payment_schedule(total: Decimal | int) -> list[Milestone]:
    """Pilotage: 100 % on delivery of the annual report (convention art. 7; docs/domain.md §4.3)."""
    money = _check_total(total)
    return [Milestone("annual_report", "Paiement à la remise du bilan annuel", Decimal("1"), money)]


def billed_total(lines: Iterable[QuoteLine], billing: Billing) -> Decimal:
    """Sum of the lines invoiced the `billing` way, to the cent (convention art. 7;
    docs/domain.md §4.3)."""
    return quote_total(line for line in lines if Billing(line.billing) == billing)


def quote_schedule(lines: Iterable[QuoteLine]) -> list[Milestone]:
    """The whole schedule of a quote: the 50/50 milestones of its split part (when it has
    one), then one milestone per yearly line (a reserved market's year) and per pilotage
    line, in line order. The amounts add up to the quote's total exactly (convention art. 7
    and annexe 2; docs/domain.md §4.3)."""
    lines = list(lines)
    split = [line for line in lines if Billing(line.billing) == Billing.SPLIT]
    milestones = payment_schedule(quote_total(split)) if split else []
    for line in lines:
        billing = Billing(line.billing)
        if billing == Billing.YEARLY:
            text = f"{line.label} : à la remise du bilan annuel du marché réservé"
            milestones.append(Milestone("annual_follow_up", text, Decimal("1"), line.amount))
        elif billing == Billing.ANNUAL_REPORT:
            text = f"{line.label} : à la remise du bilan annuel"
            milestones.append(Milestone("annual_report", text, Decimal("1"), line.amount))
    return milestones


# -- Grids brought by an avenant ------------------------------------------------------------

GRID_FIELDS = (
    "day_rate",
    "brackets",
    "award_criterion_days",
    "reserved_items",
    "reserved_annual_amount",
    "pilotage_days",
    "pilotage_confirmed",
)
"""Keys of a grid stored as plain data (an avenant's new prices)."""


def _decimal(value: object, name: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{name} : nombre attendu, pas {value!r}.") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} : nombre positif attendu, pas {value!r}.")
    return number


def grid_as_data(grid: TariffGrid) -> dict:
    """A grid's prices as plain JSON-ready data (strings for amounts), the inverse of
    `grid_from_data` (docs/domain.md §4: an avenant may bring a new grid)."""
    return {
        "day_rate": str(grid.day_rate),
        "brackets": [[b.min_hours, b.max_hours, str(b.days), str(b.amount)] for b in grid.brackets],
        "award_criterion_days": str(grid.award_criterion_days),
        "reserved_items": {item.code: str(item.unit_amount) for item in grid.reserved_fixed_items},
        "reserved_annual_amount": str(grid.reserved_annual_amount),
        "pilotage_days": str(grid.pilotage_days),
        "pilotage_confirmed": grid.pilotage_confirmed,
    }


def grid_from_data(
    code: str, label: str, valid_from: date, data: Mapping, base: TariffGrid = CONVENTION_2022
) -> TariffGrid:
    """The grid an avenant brings from `valid_from`, built from plain data (see
    `grid_as_data`); the reserved items keep `base`'s codes and labels. Open-ended: the
    next grid supersedes it (`grid_for`). ValueError with a French message for incoherent
    data (brackets with holes, negative amounts) (convention: prices change only by
    avenant; docs/domain.md §1 and 4)."""
    missing = [key for key in GRID_FIELDS if key not in data]
    if missing:
        raise ValueError("Grille incomplète : " + ", ".join(missing) + ".")
    brackets = tuple(
        Bracket(
            int(low),
            int(high),
            _decimal(days, "Jours de la tranche"),
            _decimal(amount, "Montant de la tranche"),
        )
        for low, high, days, amount in data["brackets"]
    )
    items = tuple(
        FixedItem(
            item.code,
            item.label,
            _decimal(data["reserved_items"].get(item.code, item.unit_amount), item.label),
            item.per_siae,
        )
        for item in base.reserved_fixed_items
    )
    return TariffGrid(
        code=code,
        label=label,
        valid_from=valid_from,
        valid_to=None,
        day_rate=_decimal(data["day_rate"], "Taux journalier"),
        brackets=brackets,
        award_criterion_days=_decimal(data["award_criterion_days"], "Jours du critère"),
        reserved_fixed_items=items,
        reserved_annual_amount=_decimal(data["reserved_annual_amount"], "Suivi annuel"),
        pilotage_days=_decimal(data["pilotage_days"], "Jours de pilotage"),
        pilotage_confirmed=bool(data["pilotage_confirmed"]),
        note="",
    )
