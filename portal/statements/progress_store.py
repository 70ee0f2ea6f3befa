"""Keeps each lot's stored progress (``StoredLotProgress``) in step with what it depends on
(docs/domain.md §7.4).

- **In the transaction that changes it**: every flush notes the lots whose progress may
  move (a lot itself, a placement of it, an hour line of one of its placements); at commit
  their progress is computed again and stored with the rest, so a validated statement shows
  on every home page at once. The readers ignore the stored rows of those lots until then
  (``progress.pending_lot_ids``).
- **Each night** (the jobs worker's periodic task, or ``flask refresh-progress`` from cron):
  every lot whose stored row is of another basis (yesterday, a changed tolerance) is stored
  again for the new day, by batches.

The same commit rebuilds the lots' roll-ups of validated hours (``rollups``).

A lot without a fresh row is never shown stale: the readers compute it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from portal.clock import today as clock_today
from portal.extensions import db
from portal.models import HourLine, Lot, Placement, StoredLotProgress
from portal.models.base import utcnow
from portal.rules.progress import progress_data
from portal.statements import progress, rollups

BATCH = 500


def _upsert_statement(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(StoredLotProgress)


def store(lot_ids: Iterable[int], today: date) -> int:
    """Compute the progress of ``lot_ids`` on ``today`` and store it (insert or replace, so
    two transactions storing the same lot do not collide). Returns how many were stored."""
    ids = sorted(set(lot_ids))
    if not ids:
        return 0
    computed = progress.compute_progress(select(Lot).where(Lot.id.in_(ids)), today)
    if not computed:
        return 0
    basis = progress.current_basis(today)
    now = utcnow()
    values = [
        {
            "lot_id": row.id,
            "basis": basis,
            "planned": p.planned or 0,
            "validated": p.validated,
            "projection": p.projection,
            "behind": p.behind,
            "silent": p.silent,
            "flagged": p.flagged,
            "data": progress_data(p),
            "computed_at": now,
        }
        for row, p in computed
    ]
    stmt = _upsert_statement(db.session.get_bind().dialect.name)
    stmt = stmt.on_conflict_do_update(
        index_elements=[StoredLotProgress.lot_id],
        set_={name: stmt.excluded[name] for name in values[0] if name != "lot_id"},
    )
    db.session.execute(stmt, values)
    return len(values)


def stale_lot_ids(today: date) -> list[int]:
    """The lots without a stored progress for ``today``'s basis."""
    basis = progress.current_basis(today)
    return list(
        db.session.scalars(
            select(Lot.id)
            .outerjoin(StoredLotProgress, StoredLotProgress.lot_id == Lot.id)
            .where(or_(StoredLotProgress.basis.is_(None), StoredLotProgress.basis != basis))
            .order_by(Lot.id)
        )
    )


def refresh_stale(today: date | None = None, batch: int = BATCH) -> int:
    """Store again every stale lot, committing each batch (the night's work: at department
    scale, 10,000 lots in a few seconds of the worker). Returns how many were stored."""
    day = today or clock_today()
    ids = stale_lot_ids(day)
    done = 0
    for start in range(0, len(ids), batch):
        done += store(ids[start : start + batch], day)
        db.session.commit()
    return done


# --- the transaction's changes --------------------------------------------------------


def _note_changes(session: Session, _context) -> None:
    lots = session.info.setdefault(progress.PENDING_LOTS, set())
    placements = session.info.setdefault(progress.PENDING_PLACEMENTS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Lot) and obj.id is not None:
            lots.add(obj.id)
        elif isinstance(obj, Placement):
            if obj.lot_id is not None:
                lots.add(obj.lot_id)
        elif isinstance(obj, HourLine) and obj.placement_id is not None:
            placements.add(obj.placement_id)


def _store_changes(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()
    if not (
        session.info.get(progress.PENDING_LOTS) or session.info.get(progress.PENDING_PLACEMENTS)
    ):
        return
    lot_ids = progress.pending_lot_ids()
    _forget(session)
    rollups.rebuild(lot_ids)
    store(lot_ids, clock_today())


def _forget(session: Session, *_args) -> None:
    session.info.pop(progress.PENDING_LOTS, None)
    session.info.pop(progress.PENDING_PLACEMENTS, None)


def register(session=None) -> None:
    """Listen on the portal's session (once per process)."""
    target = session if session is not None else db.session
    if not event.contains(target, "after_flush", _note_changes):
        event.listen(target, "after_flush", _note_changes)
        event.listen(target, "before_commit", _store_changes)
        event.listen(target, "after_soft_rollback", _forget)
