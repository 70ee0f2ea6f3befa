"""Aggregate queries of the markets area (the caller gives ids already scoped)."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Lot, Market


def operation_totals(operation_ids: list[int]) -> dict[int, tuple[int, int, int | None]]:
    """Per operation of the page: (markets, lots, planned hours), in one grouped query."""
    if not operation_ids:
        return {}
    rows = db.session.execute(
        select(
            Market.operation_id,
            func.count(func.distinct(Market.id)),
            func.count(Lot.id),
            func.sum(Lot.planned_hours),
        )
        .outerjoin(Lot, Lot.market_id == Market.id)
        .where(Market.operation_id.in_(operation_ids))
        .group_by(Market.operation_id)
    ).all()
    return {op_id: (markets, lots, hours) for op_id, markets, lots, hours in rows}
