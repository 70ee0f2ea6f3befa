"""Progress of a lot's insertion hours and its forecast (docs/domain.md §7.4; issue 10).

Pure: planned hours, the lot's dates, the validated hours per month and the day are
parameters; no database, no clock. Only validated hours reach this module
(``portal.statements.queries``).

**Method of the projection** (stated on the lot page, :data:`METHOD`):

- the *counted months* run from the lot's start month (without a start date: the first
  month of its first placement, else its first month of validated hours) to the last
  month whose statement is due (`rules.deadlines.statement_due`, before ``today``),
  capped at the lot's end month; a month not yet due is not counted, so a month still
  being worked never drags the pace down;
- the *pace* is the validated hours of the counted months divided by their number (a
  counted month without validated hours counts as zero);
- the *projection* at the lot's end is the validated hours so far plus the pace for every
  month left until the end month that has no validated hours yet;
- the lot is **« en retard »** when the projection falls short of the planned hours by more
  than the tolerance (5 % by default, configurable: ``PROGRESS_BEHIND_TOLERANCE``): with
  1 000 planned hours, a projection under 950 h. No projection (no counted month yet, no
  end date, no planned hours) means no « en retard ».

**Silence flag**: a lot with placements active since at least the older of the last two
due months and no validated hours in either of those two months is flagged « aucun relevé
validé depuis 2 mois ».
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.rules.deadlines import STATEMENT_DUE_DAY, add_months, first_of_month, statement_due
from portal.rules.hours import DEFAULT_FTE_DIVISOR, fte

DEFAULT_BEHIND_TOLERANCE = Decimal("0.05")
"""A lot is « en retard » when its projection falls short of the planned hours by more than
this fraction (default 5 %, configurable; docs/domain.md §7.4)."""
SILENT_MONTHS = 2
"""Due months without any validated hours, placements active, before a lot is flagged
(issue 10; docs/domain.md §7.4)."""
MAX_CHART_MONTHS = 36
"""The monthly chart shows at most the last 36 months."""

METHOD = (
    "Projection : heures validées à ce jour, plus, pour chaque mois restant jusqu'à la fin "
    "du lot, la moyenne mensuelle des heures validées depuis le début du lot (mois dont le "
    "relevé est échu seulement). Le lot est « en retard » quand la projection reste "
    "inférieure aux heures prévues de plus de {tolerance} %."
)
"""The method sentence shown with every projection (docs/domain.md §7.4)."""

ONE_DECIMAL = Decimal("0.1")
HOUR_CENT = Decimal("0.01")


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from ``first``'s to ``last``'s, both included (empty
    when ``last`` is before ``first``)."""
    start = first.year * 12 + first.month - 1
    end = last.year * 12 + last.month - 1
    # month arithmetic on integers: the dashboard calls this for thousands of lots
    return [date(index // 12, index % 12 + 1, 1) for index in range(start, end + 1)]


def last_due_month(today: date, due_day: int = STATEMENT_DUE_DAY) -> date:
    """The latest month whose statement was due before ``today`` (late from the day after
    its due date, as in `rules.deadlines.missing_statements`)."""
    month = add_months(first_of_month(today), -1)
    while statement_due(month, due_day) >= today:
        month = add_months(month, -1)
    return month


def tolerance_percent(tolerance: Decimal) -> str:
    """``Decimal("0.05")`` → ``"5"``; ``Decimal("0.075")`` → ``"7,5"`` (French decimal)."""
    value = (tolerance * 100).normalize()
    text = f"{value:f}"
    return text.replace(".", ",")


def method_sentence(tolerance: Decimal = DEFAULT_BEHIND_TOLERANCE) -> str:
    """:data:`METHOD` with the tolerance in use."""
    return METHOD.format(tolerance=tolerance_percent(tolerance))


@dataclass(frozen=True)
class LotProgress:
    """A lot's validated hours against its planned hours, with its forecast.

    ``percent`` (one decimal) and ``projection`` are None when they cannot be computed
    (no planned hours; no counted month or no end date). ``months``: (month, validated
    hours) for the chart, zeros included, oldest first."""

    planned: int | None
    validated: Decimal
    percent: Decimal | None
    fte: Decimal
    months: tuple[tuple[date, Decimal], ...]
    counted_months: int
    pace: Decimal | None
    projection: Decimal | None
    behind: bool
    silent: bool

    @property
    def flagged(self) -> bool:
        """« En retard » or silent for two due months: the lot needs the AMOI's attention."""
        return self.behind or self.silent

    @property
    def projected_percent(self) -> Decimal | None:
        if self.projection is None or not self.planned:
            return None
        return percent(self.projection, self.planned)

    @property
    def chart_max(self) -> Decimal:
        """The tallest bar (at least 1, so that an empty chart divides by something)."""
        return max([hours for _, hours in self.months] + [Decimal(1)])

    @property
    def bars(self) -> tuple[tuple[date, Decimal, int], ...]:
        """(month, validated hours, bar height in hundredths of the tallest) for the chart."""
        top = self.chart_max
        return tuple(
            (month, hours, int((hours * 100 / top).to_integral_value(ROUND_HALF_UP)))
            for month, hours in self.months
        )


def percent(done: Decimal, planned: int | Decimal) -> Decimal | None:
    """``done`` as a percentage of ``planned``, one decimal, half up; None without planned
    hours."""
    if not planned:
        return None
    return (Decimal(done) * 100 / Decimal(planned)).quantize(ONE_DECIMAL, ROUND_HALF_UP)


def lot_progress(
    planned: int | None,
    start: date | None,
    end: date | None,
    monthly: Mapping[date, Decimal],
    today: date,
    *,
    first_placement: date | None = None,
    active_since: date | None = None,
    tolerance: Decimal = DEFAULT_BEHIND_TOLERANCE,
    due_day: int = STATEMENT_DUE_DAY,
    fte_divisor: int | Decimal = DEFAULT_FTE_DIVISOR,
) -> LotProgress:
    """The progress of one lot on ``today`` (method in the module's docstring).

    ``monthly``: validated hours per month (any day of the month; summed by month).
    ``first_placement``: the start of the lot's first placement (the pace's start when the
    lot has no start date). ``active_since``: the earliest start of the lot's placements
    that are active today (None: none is active), for the silence flag."""
    if not Decimal(0) <= tolerance < 1:
        raise ValueError("La tolérance doit être comprise entre 0 et 1.")
    by_month: dict[date, Decimal] = {}
    for month, hours in monthly.items():
        if hours < 0:
            raise ValueError("Les heures validées ne peuvent pas être négatives.")
        key = first_of_month(month)
        by_month[key] = by_month.get(key, Decimal(0)) + Decimal(hours)
    validated = sum(by_month.values(), Decimal(0))

    due = last_due_month(today, due_day)
    pace_start = start or first_placement or (min(by_month) if by_month else None)
    counted: list[date] = []
    if pace_start is not None:
        last = min(due, first_of_month(end)) if end is not None else due
        counted = months_between(pace_start, last)
    pace = None
    if counted:
        pace = sum((by_month.get(m, Decimal(0)) for m in counted), Decimal(0)) / len(counted)

    projection = None
    if pace is not None and end is not None:
        remaining = [
            m for m in months_between(add_months(counted[-1], 1), end) if m not in by_month
        ]
        projection = (validated + pace * len(remaining)).quantize(HOUR_CENT, ROUND_HALF_UP)
    behind = bool(
        planned and projection is not None and projection < Decimal(planned) * (1 - tolerance)
    )

    older = add_months(due, 1 - SILENT_MONTHS)
    silent = bool(
        active_since is not None
        and first_of_month(active_since) <= older
        and not any(by_month.get(m) for m in months_between(older, due))
    )

    chart: list[date] = []
    if pace_start is not None:
        chart_from = min(first_of_month(pace_start), min(by_month, default=pace_start))
        upto = min(due, first_of_month(end)) if end is not None else due
        chart_to = max(upto, max(by_month, default=upto))
        chart = months_between(chart_from, chart_to)[-MAX_CHART_MONTHS:]

    return LotProgress(
        planned=planned,
        validated=validated,
        percent=percent(validated, planned) if planned else None,
        fte=fte(validated, fte_divisor),
        months=tuple((m, by_month.get(m, Decimal(0))) for m in chart),
        counted_months=len(counted),
        pace=pace.quantize(HOUR_CENT, ROUND_HALF_UP) if pace is not None else None,
        projection=projection,
        behind=behind,
        silent=silent,
    )


@dataclass(frozen=True)
class ProgressTotal:
    """Sums over several lots (an operation, a buyer's lots): planned and validated hours,
    percentage, ETP, the projection summed over the lots that have one, and how many lots
    are « en retard » or silent."""

    lots: int
    planned: int
    validated: Decimal
    percent: Decimal | None
    fte: Decimal
    projection: Decimal | None
    behind: int
    silent: int
    flagged: int


@dataclass(frozen=True)
class ProgressSums:
    """The additive part of a :class:`ProgressTotal`: what SQL sums over stored lots and
    what Python sums over lots computed afresh, added together (``total_of``)."""

    lots: int = 0
    planned: int = 0
    validated: Decimal = Decimal(0)
    projection: Decimal | None = None
    behind: int = 0
    silent: int = 0
    flagged: int = 0

    def __add__(self, other: ProgressSums) -> ProgressSums:
        projections = [p for p in (self.projection, other.projection) if p is not None]
        return ProgressSums(
            lots=self.lots + other.lots,
            planned=self.planned + other.planned,
            validated=self.validated + other.validated,
            projection=sum(projections, Decimal(0)) if projections else None,
            behind=self.behind + other.behind,
            silent=self.silent + other.silent,
            flagged=self.flagged + other.flagged,
        )


def sums_of(progresses: Iterable[LotProgress]) -> ProgressSums:
    items = list(progresses)
    projected = [p.projection for p in items if p.projection is not None]
    return ProgressSums(
        lots=len(items),
        planned=sum(p.planned or 0 for p in items),
        validated=sum((p.validated for p in items), Decimal(0)),
        projection=sum(projected, Decimal(0)) if projected else None,
        behind=sum(p.behind for p in items),
        silent=sum(p.silent for p in items),
        flagged=sum(p.flagged for p in items),
    )


def total_of(sums: ProgressSums, fte_divisor: int | Decimal = DEFAULT_FTE_DIVISOR) -> ProgressTotal:
    """The :class:`ProgressTotal` of ``sums`` (percentage and ETP of the summed hours)."""
    return ProgressTotal(
        lots=sums.lots,
        planned=sums.planned,
        validated=sums.validated,
        percent=percent(sums.validated, sums.planned),
        fte=fte(sums.validated, fte_divisor),
        projection=sums.projection,
        behind=sums.behind,
        silent=sums.silent,
        flagged=sums.flagged,
    )


def total_progress(
    progresses: Iterable[LotProgress], fte_divisor: int | Decimal = DEFAULT_FTE_DIVISOR
) -> ProgressTotal:
    """The sums of ``progresses`` (a lot without planned hours adds its validated hours,
    none planned; the projection sums the lots that have one, None when none has)."""
    return total_of(sums_of(progresses), fte_divisor)


def basis(today: date, tolerance: Decimal, due_day: int) -> str:
    """What a stored progress was computed for: a stored row of another basis (another day,
    a changed tolerance or due day) is stale."""
    return f"{today.isoformat()}|{tolerance}|{due_day}"


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def progress_data(progress: LotProgress) -> dict:
    """``progress`` as plain JSON data (decimals as strings, months as ISO dates)."""
    return {
        "planned": progress.planned,
        "validated": str(progress.validated),
        "percent": None if progress.percent is None else str(progress.percent),
        "fte": str(progress.fte),
        "months": [[month.isoformat(), str(hours)] for month, hours in progress.months],
        "counted_months": progress.counted_months,
        "pace": None if progress.pace is None else str(progress.pace),
        "projection": None if progress.projection is None else str(progress.projection),
        "behind": progress.behind,
        "silent": progress.silent,
    }


def progress_from_data(data: Mapping) -> LotProgress:
    """The :class:`LotProgress` that :func:`progress_data` wrote, equal to the original."""
    return LotProgress(
        planned=data["planned"],
        validated=Decimal(data["validated"]),
        percent=_decimal(data["percent"]),
        fte=Decimal(data["fte"]),
        months=tuple((date.fromisoformat(m), Decimal(h)) for m, h in data["months"]),
        counted_months=data["counted_months"],
        pace=_decimal(data["pace"]),
        projection=_decimal(data["projection"]),
        behind=data["behind"],
        silent=data["silent"],
    )
