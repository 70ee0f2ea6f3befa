"""Insertion hours of a lot, TCE splits and full-time equivalents (docs/domain.md §3).

    raw hours = amount excl. tax × labour share ÷ average loaded hourly cost × insertion rate

Shares and rates are fractions between 0 and 1 (`Decimal("0.05")` for 5 %). Hours are
`Decimal`; the planned figure (*heures prévues*) is an `int`, the contractual one.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

HOUR_CENT = Decimal("0.01")

FORMULA = (
    "heures = montant HT × part de main-d'œuvre ÷ coût horaire moyen chargé × taux d'insertion"
)
"""The hour formula as shown to users (docs/domain.md §3)."""

FULL_TIME_YEAR_HOURS = 1820
"""35 h × 52 weeks: one full-time year as facilitators count it (docs/domain.md §3)."""
QUARTER_HOURS = 455
"""A quarter of a full-time year, three months (docs/domain.md §3)."""
TWO_YEARS_HOURS = 3640
"""Two full-time years (docs/domain.md §3)."""
LEGAL_ANNUAL_HOURS = 1607
"""The legal annual working time, an alternative ETP divisor (docs/domain.md §3)."""
DEFAULT_FTE_DIVISOR = FULL_TIME_YEAR_HOURS
"""ETP divisor (default, configurable; docs/domain.md §3): print the one used in every report."""

DEFAULT_HOURLY_COST = Decimal("35.00")
"""Average loaded hourly cost, all charges included (default, configurable; docs/domain.md §3)."""
DEFAULT_RATE_WORKS = Decimal("0.05")
"""Insertion rate for works (default, configurable; docs/domain.md §3)."""
DEFAULT_RATE_SERVICES = Decimal("0.10")
"""Insertion rate for labour-intensive services (default, configurable; docs/domain.md §3)."""
DEFAULT_RATES = MappingProxyType({"works": DEFAULT_RATE_WORKS, "services": DEFAULT_RATE_SERVICES})
"""Default insertion rates by kind of market; usual range 5 % to 20 % (docs/domain.md §3)."""
RATE_LABELS = MappingProxyType({"works": "Travaux", "services": "Services à forte main-d'œuvre"})


class Trade(NamedTuple):
    """A trade (*corps d'état*): French label and default labour share (docs/domain.md §3)."""

    label: str
    labour_share: Decimal


TRADES = MappingProxyType(
    {
        "building_average": Trade("Bâtiment (moyenne)", Decimal("0.50")),
        "interior_painting": Trade("Peinture intérieure", Decimal("0.70")),
        "masonry": Trade("Maçonnerie / gros œuvre", Decimal("0.50")),
        "steel_framing": Trade("Charpente métallique", Decimal("0.20")),
        "earthworks": Trade("VRD / terrassement", Decimal("0.30")),
        "plastering": Trade("Plâtrerie", Decimal("0.55")),
        "coverings": Trade("Revêtements de sols et murs", Decimal("0.65")),
        "interior_joinery": Trade("Menuiserie intérieure", Decimal("0.40")),
        "exterior_joinery": Trade("Menuiserie extérieure / métallerie", Decimal("0.30")),
        "electricity": Trade("Électricité", Decimal("0.45")),
        "plumbing_hvac": Trade("Plomberie / CVC", Decimal("0.40")),
        "roofing": Trade("Couverture / étanchéité", Decimal("0.40")),
        "green_spaces_creation": Trade("Espaces verts (création)", Decimal("0.45")),
        "green_spaces_maintenance": Trade("Espaces verts (entretien)", Decimal("0.65")),
        "cleaning": Trade("Nettoyage", Decimal("0.80")),
        "demolition": Trade("Démolition / désamiantage", Decimal("0.50")),
    }
)
"""Trade code → (French label, default labour share) (docs/domain.md §3). The shares of
`SOURCED_TRADES` are published figures; the others are defaults, configurable."""

SOURCED_TRADES = frozenset({"building_average", "interior_painting", "masonry", "steel_framing"})
"""Trades whose labour share has a public source (docs/domain.md §3)."""


class Rounding(enum.StrEnum):
    """How raw hours become the integer *heures prévues*: no public rule, half up by default
    (default, configurable; docs/domain.md §3)."""

    HALF_UP = "half_up"
    UP = "up"
    DOWN = "down"
    NEAREST_5 = "nearest_5"
    NEAREST_10 = "nearest_10"

    @property
    def label(self) -> str:
        """French label for forms."""
        return ROUNDING_LABELS[self]


ROUNDING_LABELS = {
    Rounding.HALF_UP: "À l'heure la plus proche (demi vers le haut)",
    Rounding.UP: "À l'heure supérieure",
    Rounding.DOWN: "À l'heure inférieure",
    Rounding.NEAREST_5: "Aux 5 heures les plus proches",
    Rounding.NEAREST_10: "Aux 10 heures les plus proches",
}
DEFAULT_ROUNDING = Rounding.HALF_UP


def _decimal(value: Decimal | int, name: str) -> Decimal:
    # Floats are refused: 0.1 + 0.2 is not a price. One error type (ValueError) for every
    # bad input lets forms turn any of them into a field message.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{name} : Decimal ou entier attendu, pas {type(value).__name__}.")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{name} : valeur non finie.")
    return number


@dataclass(frozen=True)
class HoursParameters:
    """Every parameter actually used for a lot's hours, to freeze on the lot (docs/domain.md §3)."""

    amount_excl_tax: Decimal
    labour_share: Decimal
    hourly_cost: Decimal
    rate: Decimal
    rounding: Rounding

    def as_dict(self) -> dict[str, str]:
        """Plain strings, ready for a JSON column."""
        return {
            "amount_excl_tax": str(self.amount_excl_tax),
            "labour_share": str(self.labour_share),
            "hourly_cost": str(self.hourly_cost),
            "rate": str(self.rate),
            "rounding": str(self.rounding),
        }


@dataclass(frozen=True)
class HoursCalculation:
    """Result of the hour formula: `raw` to the hundredth of an hour, `planned` the integer
    contractual figure used for pricing, and the `parameters` used (docs/domain.md §3)."""

    raw: Decimal
    planned: int
    parameters: HoursParameters


def round_hours(raw: Decimal, rounding: Rounding | str = DEFAULT_ROUNDING) -> int:
    """Round non-negative raw hours to an integer: half up, up, down, or half up to the
    nearest multiple of 5 or 10 hours (default, configurable; docs/domain.md §3)."""
    mode = Rounding(rounding)
    raw = _decimal(raw, "heures")
    if raw < 0:
        raise ValueError("Les heures ne peuvent pas être négatives.")
    if mode is Rounding.UP:
        return int(raw.to_integral_value(ROUND_CEILING))
    if mode is Rounding.DOWN:
        return int(raw.to_integral_value(ROUND_FLOOR))
    step = {Rounding.HALF_UP: 1, Rounding.NEAREST_5: 5, Rounding.NEAREST_10: 10}[mode]
    return int((raw / step).to_integral_value(ROUND_HALF_UP)) * step


def insertion_hours(
    amount_excl_tax: Decimal | int,
    labour_share: Decimal | int,
    hourly_cost: Decimal | int,
    rate: Decimal | int,
    rounding: Rounding | str = "half_up",
) -> HoursCalculation:
    """Insertion hours of a lot: amount excl. tax × labour share ÷ hourly cost × rate.
    The planned integer is rounded from the exact quotient, `raw` is shown to the hundredth.
    Published example: 1 000 000 € × 50 % ÷ 30 €/h × 5 % = 833.33 h → 833 h. ValueError for a
    negative amount, a share or rate outside 0–1, a cost not above zero, an unknown rounding
    (docs/domain.md §3; shares and costs: default, configurable)."""
    amount = _decimal(amount_excl_tax, "Montant HT")
    share = _decimal(labour_share, "Part de main-d'œuvre")
    cost = _decimal(hourly_cost, "Coût horaire")
    insertion_rate = _decimal(rate, "Taux d'insertion")
    mode = Rounding(rounding)
    if amount < 0:
        raise ValueError("Le montant HT ne peut pas être négatif.")
    if not 0 <= share <= 1:
        raise ValueError("La part de main-d'œuvre doit être comprise entre 0 et 1.")
    if not 0 <= insertion_rate <= 1:
        raise ValueError("Le taux d'insertion doit être compris entre 0 et 1.")
    if cost <= 0:
        raise ValueError("Le coût horaire doit être strictement positif.")
    with localcontext() as context:
        context.prec = 60  # multiply first, divide last: the exact figure before rounding
        exact = amount * share * insertion_rate / cost
        raw = exact.quantize(HOUR_CENT, ROUND_HALF_UP)
        planned = round_hours(exact, mode)
    parameters = HoursParameters(amount, share, cost, insertion_rate, mode)
    return HoursCalculation(raw=raw, planned=planned, parameters=parameters)


def split_hours(total: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Split an integer hour volume proportionally to `weights` (e.g. the subcontractors'
    amounts of a TCE operation) so that the parts add up exactly to `total`: largest
    remainder, ties to the earlier weight (docs/domain.md §3, "a split must add up exactly")."""
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise ValueError(f"Volume d'heures invalide : {total!r} (entier positif attendu).")
    fractions = [Fraction(_decimal(weight, "Poids")) for weight in weights]
    if not fractions:
        raise ValueError("Aucune part à répartir.")
    if any(weight < 0 for weight in fractions):
        raise ValueError("Les poids ne peuvent pas être négatifs.")
    weight_sum = sum(fractions)
    if weight_sum == 0:
        raise ValueError("La somme des poids est nulle.")
    exact = [total * weight / weight_sum for weight in fractions]
    parts = [int(share) for share in exact]  # floor: shares are non-negative
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def fte(hours: Decimal | int, divisor: Decimal | int = DEFAULT_FTE_DIVISOR) -> Decimal:
    """Full-time equivalent (*ETP*) = hours ÷ divisor, to the hundredth, half up. Divisor
    1 820 h by default; the legal annual reference is 1 607 h (default, configurable;
    docs/domain.md §3)."""
    done = _decimal(hours, "Heures")
    base = _decimal(divisor, "Diviseur ETP")
    if done < 0:
        raise ValueError("Les heures ne peuvent pas être négatives.")
    if base <= 0:
        raise ValueError("Le diviseur ETP doit être strictement positif.")
    with localcontext() as context:
        context.prec = 60
        return (done / base).quantize(HOUR_CENT, ROUND_HALF_UP)
