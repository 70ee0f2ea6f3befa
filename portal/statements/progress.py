"""Progress of lots and operations from validated hours (docs/domain.md §7.4; issue 10).

The callers pass lot ids, or a ``scoped(Lot)`` statement, loaded in the user's scope
(``portal.access.scoped``); these functions add no scope of their own and never read a
name. Two queries whatever the number of lots: the lots' planned hours and dates with
their placements' aggregates (first start, earliest start of the active ones), and the
validated hours per lot and month (``queries.validated_hours_by_lot_month``, the one
source of validated hours).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app, has_app_context
from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.models import Lot, Placement
from portal.rules.deadlines import STATEMENT_DUE_DAY
from portal.rules.hours import DEFAULT_FTE_DIVISOR
from portal.rules.progress import (
    DEFAULT_BEHIND_TOLERANCE,
    LotProgress,
    ProgressTotal,
    lot_progress,
    method_sentence,
    total_progress,
)
from portal.rules.workflow import PlacementStatus
from portal.statements.queries import validated_hours_by_lot_month


def settings() -> tuple[Decimal, int, int]:
    """(tolerance, due day, ETP divisor): the first two from the configuration
    (``PROGRESS_BEHIND_TOLERANCE``, ``STATEMENT_DUE_DAY``), else the rule defaults."""
    if not has_app_context():
        return DEFAULT_BEHIND_TOLERANCE, STATEMENT_DUE_DAY, DEFAULT_FTE_DIVISOR
    config = current_app.config
    return (
        Decimal(str(config.get("PROGRESS_BEHIND_TOLERANCE", DEFAULT_BEHIND_TOLERANCE))),
        int(config.get("STATEMENT_DUE_DAY", STATEMENT_DUE_DAY)),
        DEFAULT_FTE_DIVISOR,
    )


def method() -> str:
    """The method sentence with the configured tolerance (shown with every projection)."""
    return method_sentence(settings()[0])


@dataclass(frozen=True)
class LotRow:
    """What the progress needs of a lot, and what a list shows of it (never a name)."""

    id: int
    number: int
    title: str

    @property
    def label(self) -> str:
        return f"Lot {self.number} – {self.title}"


def progress_of(lots: Select, today: date) -> list[tuple[LotRow, LotProgress]]:
    """Each lot ``lots`` selects (a ``scoped(Lot)`` statement, filtered as the caller
    wants) with its progress on ``today``, by lot id. Two queries whatever the number of
    lots: the lots with their placements' first start and the earliest start of the active
    ones (correlated aggregates), and the validated hours per lot and month."""
    tolerance, due_day, divisor = settings()
    active = PlacementStatus.ACTIVE.value
    of_lot = Placement.lot_id == Lot.id
    first = select(func.min(Placement.start_date)).where(of_lot).correlate(Lot)
    since = (
        select(func.min(Placement.start_date))
        .where(of_lot, Placement.status == active)
        .correlate(Lot)
    )
    rows = db.session.execute(
        lots.with_only_columns(
            Lot.id,
            Lot.number,
            Lot.title,
            Lot.planned_hours,
            Lot.start_date,
            Lot.end_date,
            first.scalar_subquery(),
            since.scalar_subquery(),
            maintain_column_froms=True,
        )
        .order_by(None)
        .order_by(Lot.id)
    ).all()
    if not rows:
        return []
    monthly = validated_hours_by_lot_month(lots.with_only_columns(Lot.id).order_by(None))
    return [
        (
            LotRow(lot_id, number, title),
            lot_progress(
                planned,
                start,
                end,
                monthly.get(lot_id, {}),
                today,
                first_placement=first_start,
                active_since=active_since,
                tolerance=tolerance,
                due_day=due_day,
                fte_divisor=divisor,
            ),
        )
        for lot_id, number, title, planned, start, end, first_start, active_since in rows
    ]


def progress_for_lots(lot_ids: Iterable[int], today: date) -> dict[int, LotProgress]:
    """Per lot id: its progress on ``today``. Two queries, whatever the number of lots."""
    ids = sorted(set(lot_ids))
    if not ids:
        return {}
    rows = progress_of(select(Lot).where(Lot.id.in_(ids)), today)
    return {row.id: progress for row, progress in rows}


def lots_behind(lot_ids: list[int], today: date) -> set[int]:
    """The lots among ``lot_ids`` that are « en retard » (projection short of the planned
    hours beyond the tolerance) or silent (no validated hours for the last two due months
    while placements are active): the follow-up work queue's input (issue 11)."""
    return {lot_id for lot_id, p in progress_for_lots(lot_ids, today).items() if p.flagged}


def total_for_lots(lot_ids: Iterable[int], today: date) -> tuple[ProgressTotal, dict]:
    """The sums over ``lot_ids`` (an operation's lots) and each lot's progress by id."""
    progresses = progress_for_lots(lot_ids, today)
    return total_progress(progresses.values(), settings()[2]), progresses


def summary(lots: Select, today: date, limit: int = 10) -> dict:
    """A home page's progress: the sums over the lots ``lots`` selects, and the first
    ``limit`` lots « en retard » or silent (two queries)."""
    rows = progress_of(lots, today)
    flagged = [(row, progress) for row, progress in rows if progress.flagged]
    return {
        "total": total_progress([progress for _, progress in rows], settings()[2]),
        "flagged": flagged[:limit],
    }
