"""The seven indicators of the annual and final reports, per operation and per lot
(convention art. 5; docs/domain.md §9), computed over plain rows: no database, no clock.

``portal.reports.queries.fetch_rows`` feeds these rows from a few aggregate queries:
``HourRow`` = the validated hours of one placement in one month (summed in SQL),
``PlacementRow`` = what the typology, the modalities and the exits need of a placement and
its person (codes only, never a name), ``LotRow`` and ``MarketRow`` = the planned hours and
the markets' identification. ``compute_indicators`` returns the figures of the operation(s)
and of each lot; ``indicators_data`` turns them into plain JSON data, what a delivered
report freezes and what every page and document reads.

Decisions (docs/domain.md §9):
- hours count when the line is validated and the month countable for the contract
  (``rules.eligibility.countable_hours``: a CDI's months past its cap do not count);
- people = distinct persons with counted hours in the period (a person on two lots is one
  person of the operation and one person of each lot); placements likewise;
- the typology (sex, age band at entry, qualification, criteria codes, QPV, commune) is
  drawn over those people, each person once (the entry of their first counted placement);
  health criteria are one count, never their code;
- exits « at the end » are the placements ended in the period; « at +6 months » the
  situations recorded for a follow-up due in the period;
- the planned hours are the lots' whole planned hours (not prorated to the year).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portal.rules.eligibility import CDI_CAP_MONTHS, CRITERIA, countable_hours
from portal.rules.hours import DEFAULT_FTE_DIVISOR
from portal.rules.reporting import (
    AGE_BAND_LABELS,
    EXIT_CATEGORY_LABELS,
    AgeBand,
    ExitCategory,
    HoursIndicators,
    age_band,
    distinct_count,
    dynamic_exit_rate,
    hours_indicators,
    tally,
)

HEALTH = "health"
"""The one key under which health criteria are counted (their codes are never shown)."""

SEX_ORDER = ("F", "M")
AGE_ORDER = tuple(band.value for band in AgeBand)
EXIT_ORDER = tuple(category.value for category in ExitCategory)

DYNAMIC_EXIT_DEFINITION = (
    "Taux de sorties dynamiques = (emploi durable + emploi de transition + sorties positives)"
    " ÷ (sorties − sorties neutralisées)."
)
"""Printed with every dynamic exit rate (docs/domain.md §6)."""


@dataclass(frozen=True)
class HourRow:
    """Validated hours of one placement in one month (``month`` = its 1st day), summed in
    SQL; ``lot_id`` None for a placement on a subcontractor's share."""

    lot_id: int | None
    placement_id: int
    participant_id: int
    month: date
    hours: Decimal


@dataclass(frozen=True)
class PlacementRow:
    """A placement and the typology of its person, codes only (docs/domain.md §5, §6).
    ``birth_date`` may be None (an anonymised person): ``stored_age_band`` (the band the
    candidacy recorded) is used then. ``cdi_cap_months`` is the cap of the rules its
    eligibility decision applied."""

    id: int
    participant_id: int
    operation_id: int
    lot_id: int | None
    modality: str
    contract_type: str
    start_date: date
    ended_on: date | None = None
    cdi_cap_months: int | None = CDI_CAP_MONTHS
    sex: str = ""
    birth_date: date | None = None
    stored_age_band: str = ""
    qualification: str = ""
    criteria: tuple[str, ...] = ()
    qpv: bool = False
    commune: str = ""
    exit_category: str | None = None
    followup_due_on: date | None = None
    followup_category: str | None = None


@dataclass(frozen=True)
class LotRow:
    """A lot: its market, number, title, trade, planned hours and titulaire's name."""

    id: int
    market_id: int
    number: int
    title: str
    trade: str = ""
    planned_hours: int | None = None
    holder: str = ""

    @property
    def label(self) -> str:
        return f"Lot {self.number} – {self.title}"


@dataclass(frozen=True)
class MarketRow:
    """A market: reference, title, buyer's name, legal basis (its French label) and
    titulaires (the names of its lots' holders)."""

    id: int
    operation_id: int
    reference: str
    title: str
    buyer: str
    legal_basis: str
    holders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicators:
    """The figures of one scope (the operation(s) or one lot) for the period."""

    hours: HoursIndicators
    markets: tuple[MarketRow, ...]
    people: int
    placements: int
    sex: dict
    age_band: dict
    qualification: dict
    criteria: dict
    qpv: int
    communes: dict
    modalities: dict
    contract_types: dict
    exits_end: dict
    exits_6_months: dict
    dynamic_rate_end: Decimal | None
    dynamic_rate_6_months: Decimal | None


@dataclass(frozen=True)
class ReportFigures:
    """The indicators of the whole scope and of each lot (by lot id, lot number order),
    with the period and the qualitative interpretation (indicator 7)."""

    total: Indicators
    lots: tuple[tuple[LotRow, Indicators], ...]
    start: date | None
    end: date | None
    interpretation: dict = field(default_factory=dict)


def _in(day: date | None, start: date | None, end: date | None) -> bool:
    if day is None:
        return False
    return (start is None or day >= start) and (end is None or day <= end)


def counted_hours(hours: Iterable[HourRow], placements: Mapping[int, PlacementRow]) -> list:
    """The rows whose month counts for the contract (docs/domain.md §6): a CDI's months past
    its cap, or a month before the contract, are left out; a row of an unknown placement too."""
    kept = []
    for row in hours:
        placement = placements.get(row.placement_id)
        if placement is None:
            continue
        if countable_hours(
            placement.contract_type, placement.start_date, row.month, placement.cdi_cap_months
        ):
            kept.append(row)
    return kept


def entry_age_band(placement: PlacementRow) -> str:
    """Age band at entry (the placement's start; docs/domain.md §5), or the band stored at
    the candidacy when the birth date is gone (anonymised person)."""
    if placement.birth_date is not None:
        return age_band(placement.birth_date, placement.start_date).value
    return placement.stored_age_band or ""


def criteria_key(code: str) -> str:
    """A criterion's code, or ``HEALTH`` for a health criterion (counted, never named)."""
    criterion = CRITERIA.get(code)
    return HEALTH if criterion is not None and criterion.health_data else code


def _indicators(
    markets: tuple[MarketRow, ...],
    planned: int,
    hours: list[HourRow],
    placements: list[PlacementRow],
    exits: list[PlacementRow],
    followups: list[PlacementRow],
    divisor: Decimal | int,
) -> Indicators:
    counted = [p for p in placements if p.id in {row.placement_id for row in hours}]
    first: dict[int, PlacementRow] = {}
    for placement in sorted(counted, key=lambda p: (p.start_date, p.id)):
        first.setdefault(placement.participant_id, placement)
    people = list(first.values())
    criteria = [criteria_key(code) for p in people for code in dict.fromkeys(p.criteria)]
    end_categories = [p.exit_category for p in exits if p.exit_category]
    later_categories = [p.followup_category for p in followups if p.followup_category]
    return Indicators(
        hours=hours_indicators(planned, [row.hours for row in hours], divisor),
        markets=markets,
        people=distinct_count(row.participant_id for row in hours),
        placements=len(counted),
        sex=tally((p.sex for p in people), SEX_ORDER),
        age_band=tally((entry_age_band(p) for p in people), AGE_ORDER),
        qualification=tally(p.qualification for p in people),
        criteria=tally(criteria),
        qpv=sum(1 for p in people if p.qpv),
        communes=tally(p.commune for p in people),
        modalities=tally(p.modality for p in counted),
        contract_types=tally(p.contract_type for p in counted),
        exits_end=tally(end_categories, EXIT_ORDER),
        exits_6_months=tally(later_categories, EXIT_ORDER),
        dynamic_rate_end=dynamic_exit_rate(end_categories),
        dynamic_rate_6_months=dynamic_exit_rate(later_categories),
    )


def compute_indicators(
    markets: Iterable[MarketRow],
    lots: Iterable[LotRow],
    placements: Iterable[PlacementRow],
    hours: Iterable[HourRow],
    *,
    start: date | None = None,
    end: date | None = None,
    fte_divisor: Decimal | int = DEFAULT_FTE_DIVISOR,
    interpretation: Mapping[str, str] | None = None,
) -> ReportFigures:
    """The seven indicators (convention art. 5; docs/domain.md §9) for the whole scope and
    each lot, over the period ``start``–``end`` (inclusive; None = the whole follow-up, the
    final report). ``hours`` are the validated rows (already limited to the period by the
    query; filtered again here), of which only the countable months count; the
    interpretation (indicator 7) is the AMOI's text, passed through."""
    market_rows = tuple(sorted(markets, key=lambda m: (m.reference, m.id)))
    lot_rows = sorted(lots, key=lambda lot: (lot.market_id, lot.number, lot.id))
    by_id = {p.id: p for p in placements}
    rows = [row for row in counted_hours(hours, by_id) if _in(row.month, start, end)]
    all_placements = list(by_id.values())
    exits = [p for p in all_placements if _in(p.ended_on, start, end)]
    followups = [p for p in all_placements if _in(p.followup_due_on, start, end)]
    total = _indicators(
        market_rows,
        sum(lot.planned_hours or 0 for lot in lot_rows),
        rows,
        all_placements,
        exits,
        followups,
        fte_divisor,
    )
    hours_by_lot: dict[int | None, list[HourRow]] = defaultdict(list)
    for row in rows:
        hours_by_lot[row.lot_id].append(row)
    per_lot = []
    for lot in lot_rows:
        on_lot = [p for p in all_placements if p.lot_id == lot.id]
        per_lot.append(
            (
                lot,
                _indicators(
                    tuple(m for m in market_rows if m.id == lot.market_id),
                    lot.planned_hours or 0,
                    hours_by_lot.get(lot.id, []),
                    on_lot,
                    [p for p in exits if p.lot_id == lot.id],
                    [p for p in followups if p.lot_id == lot.id],
                    fte_divisor,
                ),
            )
        )
    return ReportFigures(total, tuple(per_lot), start, end, dict(interpretation or {}))


# --- plain data (what a delivered report freezes) ------------------------------------------


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _pairs(counts: Mapping) -> list[list]:
    return [[key, count] for key, count in counts.items()]


def scope_data(ind: Indicators) -> dict:
    """Plain JSON data of one scope's indicators (an operation, a lot, a buyer)."""
    return {
        "hours": {
            "planned": str(ind.hours.planned),
            "done": str(ind.hours.done),
            "rate": _number(ind.hours.completion_rate),
            "fte": str(ind.hours.fte),
            "fte_divisor": str(ind.hours.fte_divisor),
        },
        "markets": [
            {
                "reference": m.reference,
                "title": m.title,
                "buyer": m.buyer,
                "legal_basis": m.legal_basis,
                "holders": list(m.holders),
            }
            for m in ind.markets
        ],
        "people": ind.people,
        "placements": ind.placements,
        "sex": _pairs(ind.sex),
        "age_band": _pairs(ind.age_band),
        "qualification": _pairs(ind.qualification),
        "criteria": _pairs(ind.criteria),
        "qpv": ind.qpv,
        "communes": _pairs(ind.communes),
        "modalities": _pairs(ind.modalities),
        "contract_types": _pairs(ind.contract_types),
        "exits_end": _pairs(ind.exits_end),
        "exits_6_months": _pairs(ind.exits_6_months),
        "dynamic_rate_end": _number(ind.dynamic_rate_end),
        "dynamic_rate_6_months": _number(ind.dynamic_rate_6_months),
    }


def indicators_data(figures: ReportFigures) -> dict:
    """Plain JSON data of the figures (Decimals as strings, counts as ``[key, n]`` pairs in
    their order), with the definitions a report prints (docs/domain.md §9)."""
    return {
        "start": figures.start.isoformat() if figures.start else None,
        "end": figures.end.isoformat() if figures.end else None,
        "dynamic_exit_definition": DYNAMIC_EXIT_DEFINITION,
        "total": scope_data(figures.total),
        "lots": [
            {
                "id": lot.id,
                "label": lot.label,
                "trade": lot.trade,
                "holder": lot.holder,
                **scope_data(ind),
            }
            for lot, ind in figures.lots
        ],
        "interpretation": dict(figures.interpretation),
    }


AGE_LABELS = {band.value: label for band, label in AGE_BAND_LABELS.items()}
EXIT_LABELS = {category.value: label for category, label in EXIT_CATEGORY_LABELS.items()}


def split_by_operations(
    markets: Iterable[MarketRow],
    lots: Iterable[LotRow],
    placements: Iterable[PlacementRow],
    hours: Iterable[HourRow],
    operation_ids: set[int],
) -> tuple[list, list, list, list]:
    """The rows of some operations only (a buyer's, for the territory report)."""
    kept_markets = [m for m in markets if m.operation_id in operation_ids]
    market_ids = {m.id for m in kept_markets}
    kept_placements = [p for p in placements if p.operation_id in operation_ids]
    placement_ids = {p.id for p in kept_placements}
    return (
        kept_markets,
        [lot for lot in lots if lot.market_id in market_ids],
        kept_placements,
        [row for row in hours if row.placement_id in placement_ids],
    )


def split_by_market(
    markets: Iterable[MarketRow],
    lots: Iterable[LotRow],
    placements: Iterable[PlacementRow],
    hours: Iterable[HourRow],
    market_id: int,
) -> tuple[list, list, list, list]:
    """The rows of one market's lots only (a reserved market's annual report; docs/domain.md
    §9.1): its placements are those on its lots (a subcontractor's share is not a lot of
    the market), their hours those of the lots."""
    kept_lots = [lot for lot in lots if lot.market_id == market_id]
    lot_ids = {lot.id for lot in kept_lots}
    return (
        [m for m in markets if m.id == market_id],
        kept_lots,
        [p for p in placements if p.lot_id in lot_ids],
        [row for row in hours if row.lot_id in lot_ids],
    )
