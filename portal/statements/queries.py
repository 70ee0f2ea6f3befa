"""Validated hours, the one source of every progress figure, escalation and report
(docs/domain.md §7; issue 10): only lines whose status is *validated* count.

Aggregates only (sums per lot, per lot and month), never names. The callers pass lot ids
they loaded in the user's scope (``portal.access.scoped``); these functions add no scope
of their own.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.models import HourLine, Placement
from portal.rules.workflow import StatementStatus

COUNTED = StatementStatus.VALIDATED.value
"""The only line status that counts for the clause."""


def validated_hours_by_lot(lot_ids: list[int], until: date | None = None) -> dict[int, Decimal]:
    """Per lot id: the validated hours (months up to ``until`` included, when given); a lot
    without any validated line is absent. One query."""
    if not lot_ids:
        return {}
    stmt = (
        select(Placement.lot_id, func.sum(HourLine.hours))
        .join(Placement, HourLine.placement_id == Placement.id)
        .where(Placement.lot_id.in_(lot_ids), HourLine.status == COUNTED)
        .group_by(Placement.lot_id)
    )
    if until is not None:
        stmt = stmt.where(HourLine.month <= until)
    return {lot_id: Decimal(total or 0) for lot_id, total in db.session.execute(stmt)}


def validated_hours_by_lot_month(
    lot_ids: list[int] | Select,
) -> dict[int, dict[date, Decimal]]:
    """Per lot id, per month (its 1st day, ascending): the validated hours. One query.
    ``lot_ids`` may also be a statement selecting lot ids (``scoped(Lot)`` reduced to
    ``Lot.id``), read as a subquery: no list of ids travels."""
    if not isinstance(lot_ids, Select) and not lot_ids:
        return {}
    stmt = (
        select(Placement.lot_id, HourLine.month, func.sum(HourLine.hours))
        .join(Placement, HourLine.placement_id == Placement.id)
        .where(Placement.lot_id.in_(lot_ids), HourLine.status == COUNTED)
        .group_by(Placement.lot_id, HourLine.month)
        .order_by(Placement.lot_id, HourLine.month)
    )
    result: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for lot_id, month, total in db.session.execute(stmt):
        result[lot_id][month] = Decimal(total or 0)
    return dict(result)
