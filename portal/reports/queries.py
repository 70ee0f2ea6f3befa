"""The rows of the reports, from a few aggregate queries (docs/domain.md §9; issue 12).

Four queries whatever the size of the operations: the validated hours summed per lot ×
placement × month (GROUP BY in SQL, never every line loaded), the placements with the
typology codes of their person (never a name), the lots and the markets. The callers pass
operation ids they loaded in the user's scope (``portal.access``); these functions add no
scope of their own. The countable months (a CDI's cap) are applied by
``rules.indicators.compute_indicators``, which knows each placement's contract.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.models import (
    Candidacy,
    EligibilityDecision,
    HourLine,
    Lot,
    Market,
    Operation,
    Organisation,
    Participant,
    Placement,
    SubcontractorShare,
)
from portal.rules.eligibility import CDI_CAP_MONTHS
from portal.rules.indicators import HourRow, LotRow, MarketRow, PlacementRow
from portal.rules.markets import LegalBasis
from portal.rules.workflow import StatementStatus

COUNTED = StatementStatus.VALIDATED.value
"""The only line status that counts (docs/domain.md §7)."""


@dataclass(frozen=True)
class Rows:
    """What ``compute_indicators`` reads."""

    markets: list[MarketRow]
    lots: list[LotRow]
    placements: list[PlacementRow]
    hours: list[HourRow]


def _of_operations(operation_ids: list[int]):
    """Placements on a lot of these operations, or on one of their subcontractors' shares."""
    lots = select(Lot.id).join(Market, Lot.market_id == Market.id)
    lots = lots.where(Market.operation_id.in_(operation_ids))
    shares = select(SubcontractorShare.id).where(SubcontractorShare.operation_id.in_(operation_ids))
    return or_(Placement.lot_id.in_(lots), Placement.share_id.in_(shares))


def _label(code: str) -> str:
    try:
        return LegalBasis(code).label
    except ValueError:
        return code


def _cap(contract_type: str, rules: dict | None) -> int | None:
    if contract_type == "cdi" and rules:
        return rules.get("cdi_cap_months")
    return CDI_CAP_MONTHS


def fetch_rows(operation_ids: list[int], start: date | None, end: date | None) -> Rows:
    """The plain rows of the operations ``operation_ids`` for the months ``start`` to
    ``end`` (both included; None = no bound, the final report covers the whole follow-up).
    Only validated lines count; an anonymised person still counts (the codes stay)."""
    ids = sorted(set(operation_ids))
    if not ids:
        return Rows([], [], [], [])
    of_operations = _of_operations(ids)
    hour_stmt = (
        select(
            Placement.lot_id,
            HourLine.placement_id,
            Placement.participant_id,
            HourLine.month,
            func.sum(HourLine.hours),
        )
        .join(Placement, HourLine.placement_id == Placement.id)
        .where(
            HourLine.status == COUNTED,
            # the placements first, then their lines through (placement, month): an OR on
            # the joined placements would read every validated line of the territory
            HourLine.placement_id.in_(select(Placement.id).where(of_operations)),
        )
        .group_by(Placement.lot_id, HourLine.placement_id, Placement.participant_id, HourLine.month)
    )
    if start is not None:
        hour_stmt = hour_stmt.where(HourLine.month >= start)
    if end is not None:
        hour_stmt = hour_stmt.where(HourLine.month <= end)
    hours = [
        HourRow(lot_id, placement_id, participant_id, month, Decimal(total or 0))
        for lot_id, placement_id, participant_id, month, total in db.session.execute(hour_stmt)
    ]

    operation_of_lot = select(Market.operation_id).where(
        Market.id == Lot.market_id, Lot.id == Placement.lot_id
    )
    operation_of_share = select(SubcontractorShare.operation_id).where(
        SubcontractorShare.id == Placement.share_id
    )
    placement_stmt = (
        select(
            Placement.id,
            Placement.participant_id,
            func.coalesce(operation_of_lot.scalar_subquery(), operation_of_share.scalar_subquery()),
            Placement.lot_id,
            Placement.modality,
            Placement.contract_type,
            Placement.start_date,
            Placement.ended_on,
            Placement.exit_category,
            Placement.followup_due_on,
            Placement.followup_category,
            Participant.sex,
            Participant.birth_date,
            Participant.qualification,
            Participant.qpv_resident,
            Participant.commune,
            Candidacy.age_band,
            EligibilityDecision.criteria_codes,
            EligibilityDecision.rules_applied,
        )
        .join(Participant, Placement.participant_id == Participant.id)
        .join(Candidacy, Placement.candidacy_id == Candidacy.id)
        .outerjoin(EligibilityDecision, Placement.decision_id == EligibilityDecision.id)
        .where(of_operations)
        .order_by(Placement.id)
    )
    if end is not None:
        placement_stmt = placement_stmt.where(Placement.start_date <= end)
    placements = [
        PlacementRow(
            id=r[0],
            participant_id=r[1],
            operation_id=r[2],
            lot_id=r[3],
            modality=r[4],
            contract_type=r[5],
            start_date=r[6],
            ended_on=r[7],
            exit_category=r[8],
            followup_due_on=r[9],
            followup_category=r[10],
            sex=r[11] or "",
            birth_date=r[12],
            qualification=r[13] or "",
            qpv=bool(r[14]),
            commune=r[15] or "",
            stored_age_band=r[16] or "",
            criteria=tuple(r[17] or ()),
            cdi_cap_months=_cap(r[5], r[18]),
        )
        for r in db.session.execute(placement_stmt)
    ]

    lot_stmt = (
        select(
            Lot.id,
            Lot.market_id,
            Lot.number,
            Lot.title,
            Lot.trade,
            Lot.planned_hours,
            Organisation.name,
        )
        .join(Market, Lot.market_id == Market.id)
        .outerjoin(Organisation, Lot.holder_id == Organisation.id)
        .where(Market.operation_id.in_(ids))
        .order_by(Lot.market_id, Lot.number, Lot.id)
    )
    lots = [LotRow(*row[:6], holder=row[6] or "") for row in db.session.execute(lot_stmt)]
    holders: dict[int, list[str]] = defaultdict(list)
    for lot in lots:
        if lot.holder and lot.holder not in holders[lot.market_id]:
            holders[lot.market_id].append(lot.holder)

    market_stmt = (
        select(
            Market.id,
            Market.operation_id,
            Market.reference,
            Market.title,
            Organisation.name,
            Market.legal_basis,
        )
        .join(Operation, Market.operation_id == Operation.id)
        .join(Organisation, Operation.buyer_id == Organisation.id)
        .where(Market.operation_id.in_(ids))
        .order_by(Market.reference, Market.id)
    )
    markets = [
        MarketRow(
            market_id,
            operation_id,
            reference,
            title,
            buyer,
            _label(basis),
            tuple(holders.get(market_id, ())),
        )
        for market_id, operation_id, reference, title, buyer, basis in db.session.execute(
            market_stmt
        )
    ]
    return Rows(markets, lots, placements, hours)
