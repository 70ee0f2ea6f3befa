"""Demonstration data: a plausible year of the AMOI's preparation work, as of late 2026.

The 2026 census (declared in autumn 2025) became six operations of the CCVG and four
communes; the 2027 census is under review. One operation of the 2025 census, the CCVG's
voie verte, has been running since October 2025: its long placements carry the demo's
twelve months of hour statements. Hours are computed with the portal's own rules
and frozen by the AMOI's chargé de mission, so that every tariff bracket shows up in quotes:
1-455 h, 456-1 820 h, 1 821-3 640 h and a lot above 3 640 h (manual quote).

Loaded by ``portal.demo.seed_demo``; every name and company is fictitious except the
parties of the convention.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime, time

from portal.demo.year_data import CONVERTED, DECLARATIONS, DECLINED, SUBMITTED, DemoOperation
from portal.extensions import db
from portal.formatting import PARIS
from portal.markets.services import operation_from_declaration, record_calculation
from portal.markets.split import act, ensure_split, propose_hours
from portal.models import (
    Lot,
    Market,
    Operation,
    Organisation,
    PurchaseDeclaration,
    SubcontractorShare,
    User,
)
from portal.rules.hours import DEFAULT_HOURLY_COST, TRADES, insertion_hours
from portal.rules.markets import default_rate
from portal.rules.workflow import next_status


def _validate_split(operation: Operation, amoi: User) -> None:
    """The demo TCE split went through every step: proposed by the AMOI, accepted by the
    general contractor, validated by the AMOI and the buyer (docs/domain.md §2)."""
    split = ensure_split(operation)
    contractor = operation.general_contractor.users[0]
    buyer = operation.buyer.users[0]
    for action, user in (
        ("propose", amoi),
        ("accept", contractor),
        ("validate_amoi", amoi),
        ("validate_buyer", buyer),
    ):
        act(split, action, user)


def _at(day: date, hour: int = 10) -> datetime:
    """A working-hours moment of ``day`` in Paris (stored in UTC)."""
    return datetime.combine(day, time(hour), tzinfo=PARIS)


def seed_year(
    orgs: Mapping[str, Organisation], buyers: Mapping[str, User], amoi: User
) -> dict[str, int]:
    """Add the census declarations and the operations they became. ``orgs`` maps the demo
    keys to organisations, ``buyers`` a buyer's key to its demo user, ``amoi`` is the
    chargé de mission who reviews, converts and computes. The caller commits."""
    counts: Counter[str] = Counter()
    for spec in DECLARATIONS:
        declared_by = buyers[spec.buyer]
        declaration = PurchaseDeclaration(
            buyer=orgs[spec.buyer],
            title=spec.title,
            nature=spec.nature.value,
            estimated_amount=spec.amount,
            planned_publication=spec.publication,
            contact=declared_by.name,
            comment=spec.comment,
            declared_by=declared_by,
            created_at=_at(spec.declared_on),
        )
        db.session.add(declaration)
        counts["declarations"] += 1
        if spec.status is not SUBMITTED:
            action = "decline" if spec.status is DECLINED else "retain"
            declaration.status = next_status("declaration", SUBMITTED, action).value
            declaration.recommended_basis = spec.basis.value if spec.basis else None
            declaration.review_comment = spec.review
            declaration.reviewed_by = amoi
            declaration.reviewed_at = _at(spec.reviewed_on or spec.declared_on, 15)
        if spec.status is CONVERTED:
            db.session.flush()
            operation = operation_from_declaration(declaration, amoi)
            declaration.converted_at = operation.created_at = _at(spec.converted_on, 11)
            _load_operation(operation, spec.operation, orgs, amoi, counts)
    db.session.flush()
    return dict(counts)


def _load_operation(
    operation: Operation,
    spec: DemoOperation,
    orgs: Mapping[str, Organisation],
    amoi: User,
    counts: Counter[str],
) -> None:
    operation.status = spec.status.value
    operation.start_date, operation.end_date = spec.start, spec.end
    counts["operations"] += 1
    rate = default_rate(operation.nature)  # 5 % works, 10 % services
    for market_spec in spec.markets:
        market = Market(
            reference=market_spec.reference,
            title=market_spec.title,
            legal_basis=market_spec.legal_basis.value,
            notification_date=market_spec.notified,
            kickoff_date=market_spec.kickoff,
            planned_end=market_spec.planned_end,
        )
        operation.markets.append(market)
        counts["markets"] += 1
        penalty = market_spec.penalty
        for lot_spec in market_spec.lots:
            lot = Lot(
                number=lot_spec.number,
                title=lot_spec.title,
                trade=lot_spec.trade,
                amount_excl_tax=lot_spec.amount,
                holder=orgs[lot_spec.holder],
                award_criterion=lot_spec.award_criterion,
                penalty_kind=penalty.kind.value,
                penalty_value=penalty.value,
                penalty_cap=penalty.cap,
            )
            market.lots.append(lot)
            counts["lots"] += 1
            if market_spec.legal_basis.is_reserved:
                continue  # a reserved market follows the structure's activity, not hours
            calculation = insertion_hours(
                lot_spec.amount, TRADES[lot_spec.trade].labour_share, DEFAULT_HOURLY_COST, rate
            )
            record = record_calculation(lot, calculation, author=amoi)
            if record is not None:
                record.created_at = operation.created_at
    if spec.general_contractor:
        operation.is_tce = True
        operation.general_contractor = orgs[spec.general_contractor]
        operation.tce_hours = sum(
            lot.planned_hours or 0 for market in operation.markets for lot in market.lots
        )
        operation.shares.extend(
            SubcontractorShare(
                company=orgs[share.company], trade=share.trade, amount_excl_tax=share.amount
            )
            for share in spec.shares
        )
        propose_hours(operation)
        db.session.flush()
        _validate_split(operation, amoi)
