"""The validated hours rolled up per lot × month (``LotMonthHours``) and per lot × year ×
person (``LotYearPerson``), which the dashboard reads instead of the hour lines
(docs/domain.md §9; docs/performance.md).

Rebuilt for the lots a transaction changed, at its commit (``progress_store``), from the
hour lines of those lots alone: the rows of the lots are deleted and written again by two
``INSERT … SELECT``, so a roll-up is always the exact sum of the validated lines. On
PostgreSQL the lots' rows are locked first (in id order), so that two transactions
rebuilding the same lot run one after the other. ``rebuild_all`` does every lot, for data
loaded in bulk (the demonstration, the benchmark dataset) and ``flask refresh-progress
--tout``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, cast, delete, extract, func, insert, select

from portal.extensions import db
from portal.models import HourLine, Lot, LotMonthHours, LotYearPerson, Placement
from portal.statements.queries import COUNTED

BATCH = 1000


def rebuild(lot_ids: Iterable[int]) -> None:
    """Write again the roll-ups of ``lot_ids`` from their validated hour lines."""
    ids = sorted(set(lot_ids))
    if not ids:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Lot.id).where(Lot.id.in_(ids)).order_by(Lot.id).with_for_update())
    db.session.execute(delete(LotMonthHours).where(LotMonthHours.lot_id.in_(ids)))
    db.session.execute(delete(LotYearPerson).where(LotYearPerson.lot_id.in_(ids)))
    counted = (
        select()
        .select_from(HourLine)
        .join(Placement, HourLine.placement_id == Placement.id)
        .where(Placement.lot_id.in_(ids), HourLine.status == COUNTED)
    )
    hours, training = func.sum(HourLine.hours), func.sum(HourLine.training_hours)
    db.session.execute(
        insert(LotMonthHours).from_select(
            ["lot_id", "month", "hours", "training_hours"],
            counted.with_only_columns(
                Placement.lot_id, HourLine.month, hours, training, maintain_column_froms=True
            ).group_by(Placement.lot_id, HourLine.month),
        )
    )
    year = cast(extract("year", HourLine.month), Integer)
    db.session.execute(
        insert(LotYearPerson).from_select(
            ["lot_id", "year", "participant_id", "hours", "training_hours"],
            counted.with_only_columns(
                Placement.lot_id,
                year,
                Placement.participant_id,
                hours,
                training,
                maintain_column_froms=True,
            ).group_by(Placement.lot_id, year, Placement.participant_id),
        )
    )


def rebuild_all(batch: int = BATCH) -> int:
    """Rebuild every lot's roll-ups, committing each batch; returns the number of lots."""
    ids = list(db.session.scalars(select(Lot.id).order_by(Lot.id)))
    for start in range(0, len(ids), batch):
        rebuild(ids[start : start + batch])
        db.session.commit()
    return len(ids)
