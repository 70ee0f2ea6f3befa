"""Progress of lots and operations from validated hours (docs/domain.md §7.4; issue 10).

The callers pass lot ids, or a ``scoped(Lot)`` statement, loaded in the user's scope
(``portal.access.scoped``); these functions add no scope of their own and never read a
name.

Each lot's progress is stored (``StoredLotProgress``, kept by ``progress_store``): the
readers take the rows computed for today's basis and compute afresh, in two queries
whatever their number, only the lots without one (never stored, stored another day, or
changed in the current transaction): the lots' planned hours and dates with their
placements' aggregates, and the validated hours per lot and month
(``queries.validated_hours_by_lot_month``, the one source of validated hours). A home
page's sums are then SQL sums over the stored rows, not a pass over the hour lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app, has_app_context
from sqlalchemy import Select, and_, case, func, select

from portal.extensions import db
from portal.models import Lot, Placement, StoredLotProgress
from portal.rules.deadlines import STATEMENT_DUE_DAY
from portal.rules.hours import DEFAULT_FTE_DIVISOR
from portal.rules.progress import (
    DEFAULT_BEHIND_TOLERANCE,
    LotProgress,
    ProgressSums,
    ProgressTotal,
    basis,
    lot_progress,
    method_sentence,
    progress_from_data,
    sums_of,
    total_of,
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


PENDING_LOTS = "progress.pending_lots"
PENDING_PLACEMENTS = "progress.pending_placements"
"""Keys of ``db.session.info``: the lots (and the placements, whose lot is looked up) that
the current transaction changed; ``progress_store`` fills them on every flush and stores
their progress again at commit. Until then their stored rows are not read."""


def current_basis(today: date) -> str:
    tolerance, due_day, _ = settings()
    return basis(today, tolerance, due_day)


def pending_lot_ids() -> set[int]:
    """The lots whose progress the current transaction may have changed (one query when a
    placement or an hour line changed, none otherwise)."""
    info = db.session.info
    lots = set(info.get(PENDING_LOTS, ()))
    placements = info.get(PENDING_PLACEMENTS)
    if placements:
        lots.update(
            db.session.scalars(
                select(Placement.lot_id).where(
                    Placement.id.in_(sorted(placements)), Placement.lot_id.is_not(None)
                )
            )
        )
    return lots


def _stored(lots: Select, today: date) -> Select:
    """``lots`` joined to their stored progress when it is fresh (another basis, or a lot
    changed in this transaction, reads as no row)."""
    fresh = StoredLotProgress.basis == current_basis(today)
    pending = pending_lot_ids()
    if pending:
        fresh = and_(fresh, StoredLotProgress.lot_id.not_in(sorted(pending)))
    return lots.outerjoin(StoredLotProgress, and_(StoredLotProgress.lot_id == Lot.id, fresh))


def progress_of(lots: Select, today: date) -> list[tuple[LotRow, LotProgress]]:
    """Each lot ``lots`` selects (a ``scoped(Lot)`` statement, filtered as the caller
    wants) with its progress on ``today``, by lot id: its stored progress when fresh, else
    computed (:func:`compute_progress`, two more queries whatever the number of lots)."""
    rows = db.session.execute(
        _stored(lots, today)
        .with_only_columns(Lot.id, Lot.number, Lot.title, StoredLotProgress.data)
        .order_by(None)
        .order_by(Lot.id)
    ).all()
    missing = [lot_id for lot_id, _, _, data in rows if data is None]
    computed = {}
    if missing:
        computed = {row.id: progress for row, progress in compute_progress(_by_ids(missing), today)}
    return [
        (
            LotRow(lot_id, number, title),
            progress_from_data(data) if data is not None else computed[lot_id],
        )
        for lot_id, number, title, data in rows
        if data is not None or lot_id in computed
    ]


def _by_ids(ids: Iterable[int]) -> Select:
    return select(Lot).where(Lot.id.in_(sorted(set(ids))))


def compute_progress(lots: Select, today: date) -> list[tuple[LotRow, LotProgress]]:
    """Each lot ``lots`` selects with its progress on ``today`` computed from the hour
    lines, by lot id. Two queries whatever the number of lots: the lots with their
    placements' first start and the earliest start of the active ones (correlated
    aggregates), and the validated hours per lot and month."""
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
    """Per lot id: its progress on ``today`` (one query when every lot is stored)."""
    ids = sorted(set(lot_ids))
    if not ids:
        return {}
    return {row.id: progress for row, progress in progress_of(_by_ids(ids), today)}


def lots_behind(lot_ids: list[int], today: date) -> set[int]:
    """The lots among ``lot_ids`` that are « en retard » (projection short of the planned
    hours beyond the tolerance) or silent (no validated hours for the last two due months
    while placements are active): the follow-up work queue's input (issue 11)."""
    return flagged_lot_ids(_by_ids(lot_ids), today) if lot_ids else set()


def flagged_lot_ids(lots: Select, today: date) -> set[int]:
    """The lots ``lots`` selects that are « en retard » or silent: one query over the
    stored rows, plus the computation of the lots without a fresh one."""
    rows = db.session.execute(
        _stored(lots, today)
        .with_only_columns(Lot.id, StoredLotProgress.lot_id, StoredLotProgress.flagged)
        .order_by(None)
    ).all()
    flagged = {lot_id for lot_id, stored, is_flagged in rows if stored is not None and is_flagged}
    missing = [lot_id for lot_id, stored, _ in rows if stored is None]
    if missing:
        flagged |= {row.id for row, p in compute_progress(_by_ids(missing), today) if p.flagged}
    return flagged


def total_for_lots(lot_ids: Iterable[int], today: date) -> tuple[ProgressTotal, dict]:
    """The sums over ``lot_ids`` (an operation's lots) and each lot's progress by id."""
    progresses = progress_for_lots(lot_ids, today)
    return total_progress(progresses.values(), settings()[2]), progresses


def _stored_sums(lots: Select, today: date) -> tuple[ProgressSums, list[int]]:
    """The sums of the fresh stored rows of ``lots`` in one aggregate query, and the ids
    of the lots without one (normally none: the night's refresh stored them all)."""
    S = StoredLotProgress
    have = S.lot_id.is_not(None)
    row = db.session.execute(
        _stored(lots, today)
        .with_only_columns(
            func.count(S.lot_id),
            func.coalesce(func.sum(S.planned), 0),
            func.coalesce(func.sum(S.validated), 0),
            func.sum(S.projection),
            func.coalesce(func.sum(case((S.behind, 1), else_=0)), 0),
            func.coalesce(func.sum(case((S.silent, 1), else_=0)), 0),
            func.coalesce(func.sum(case((S.flagged, 1), else_=0)), 0),
            func.count(Lot.id),
        )
        .order_by(None)
    ).one()
    stored, planned, validated, projection, behind, silent, flagged, lots_count = row
    missing = []
    if stored < lots_count:
        missing = list(
            db.session.scalars(
                _stored(lots, today).with_only_columns(Lot.id).where(~have).order_by(None)
            )
        )
    sums = ProgressSums(
        lots=stored,
        planned=int(planned),
        validated=Decimal(str(validated)),
        projection=None if projection is None else Decimal(str(projection)),
        behind=int(behind),
        silent=int(silent),
        flagged=int(flagged),
    )
    return sums, missing


def summary(lots: Select, today: date, limit: int = 10) -> dict:
    """A home page's progress: the sums over the lots ``lots`` selects, and the first
    ``limit`` lots « en retard » or silent, by lot id (two queries when every lot is
    stored: the sums, and the flagged lots)."""
    S = StoredLotProgress
    sums, missing = _stored_sums(lots, today)
    computed = compute_progress(_by_ids(missing), today) if missing else []
    sums = sums + sums_of(progress for _, progress in computed)
    flagged = [
        (LotRow(lot_id, number, title), progress_from_data(data))
        for lot_id, number, title, data in db.session.execute(
            _stored(lots, today)
            .with_only_columns(Lot.id, Lot.number, Lot.title, S.data)
            .where(S.flagged)
            .order_by(None)
            .order_by(Lot.id)
            .limit(limit)
        )
    ]
    flagged += [(row, progress) for row, progress in computed if progress.flagged]
    flagged.sort(key=lambda item: item[0].id)
    return {"total": total_of(sums, settings()[2]), "flagged": flagged[:limit]}
