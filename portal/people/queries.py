"""Aggregate SQL of the people area: what buyers read of their lots (counts, never a
name: docs/domain.md §5 and §9)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from portal.access import scoped
from portal.extensions import db
from portal.models import Lot, Placement, User
from portal.rules.eligibility import ContractType, Modality


@dataclass
class LotCounts:
    lot: Lot
    people: int = 0
    placements: int = 0
    by_modality: dict[str, int] = field(default_factory=dict)
    by_contract: dict[str, int] = field(default_factory=dict)


def lot_counts(user: User, lot_id: int | None = None) -> list[LotCounts]:
    """Per lot the user sees (``scoped(Lot)``; one lot with ``lot_id``): distinct people
    hired, placements, and placements by modality and by contract type. Two grouped
    queries, whatever the number of lots."""
    stmt = scoped(Lot, user).order_by(Lot.id)
    if lot_id is not None:
        stmt = stmt.where(Lot.id == lot_id)
    lots = db.session.scalars(stmt).all()
    rows = {lot.id: LotCounts(lot) for lot in lots}
    if not rows:
        return []
    ids = list(rows)
    for lot_id, people, placements in db.session.execute(
        select(
            Placement.lot_id,
            func.count(func.distinct(Placement.participant_id)),
            func.count(Placement.id),
        )
        .where(Placement.lot_id.in_(ids))
        .group_by(Placement.lot_id)
    ):
        rows[lot_id].people, rows[lot_id].placements = people, placements
    by_modality: dict[int, dict[str, int]] = defaultdict(dict)
    by_contract: dict[int, dict[str, int]] = defaultdict(dict)
    for lot_id, modality, contract, count in db.session.execute(
        select(Placement.lot_id, Placement.modality, Placement.contract_type, func.count())
        .where(Placement.lot_id.in_(ids))
        .group_by(Placement.lot_id, Placement.modality, Placement.contract_type)
    ):
        m = Modality(modality).label
        c = ContractType(contract).label
        by_modality[lot_id][m] = by_modality[lot_id].get(m, 0) + count
        by_contract[lot_id][c] = by_contract[lot_id].get(c, 0) + count
    for lot_id, row in rows.items():
        row.by_modality = by_modality.get(lot_id, {})
        row.by_contract = by_contract.get(lot_id, {})
    return [row for row in rows.values() if row.placements] or []
