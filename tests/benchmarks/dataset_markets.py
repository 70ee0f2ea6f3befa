"""Operations, markets, lots, frozen hour calculations, TCE shares and splits, census
declarations of the benchmark dataset (``tests.benchmarks.dataset``), inserted in bulk.

Hours come from ``portal.rules.hours`` as the lot form computes them; a TCE operation's
global hours are split by ``split_hours`` as ``services.tce.propose_hours`` does.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from portal.extensions import db
from portal.models import (
    HoursRecord,
    Lot,
    Market,
    Operation,
    PurchaseDeclaration,
    SubcontractorShare,
    TceSplit,
)
from portal.rules.hours import DEFAULT_HOURLY_COST, TRADES, insertion_hours, split_hours
from portal.rules.markets import LegalBasis, default_rate
from portal.rules.workflow import DeclarationStatus, OperationStatus, SplitStatus
from tests.benchmarks.dataset import PROJECTS, Shape, at, bulk


def _lot_counts(shape: Shape, rng: random.Random) -> list[int]:
    """Lots per operation: 1 to 9, adding up exactly to ``shape.lots``."""
    counts = [max(1, shape.lots // shape.operations)] * shape.operations
    for n in range(shape.lots - sum(counts)):
        counts[n % shape.operations] += 1
    for _ in range(shape.operations):  # move lots around, keeping the total
        a, b = rng.randrange(shape.operations), rng.randrange(shape.operations)
        if counts[a] > 1 and counts[b] < 9:
            counts[a] -= 1
            counts[b] += 1
    return counts


def build_operations(shape: Shape, rng: random.Random, parties: dict) -> dict:
    """Operations (20 % in preparation, 60 % running, 20 % closed; 20 % of services, 5 % TCE)
    with one or two markets, their lots, frozen hour calculations and TCE shares; the
    operations' ids and rows, for the declarations."""
    statuses = [OperationStatus.PREPARATION] * 2 + [OperationStatus.RUNNING] * 6
    statuses += [OperationStatus.CLOSED] * 2
    op_rows = []
    for n in range(shape.operations):
        buyer = rng.choice(parties["buyers"])
        start = date(2022, 1, 3) + timedelta(days=rng.randrange(5 * 365))
        nature = "services" if rng.random() < 0.2 else "works"
        tce = nature == "works" and rng.random() < 0.05
        op_rows.append(
            {
                "buyer_id": buyer,
                "name": f"{rng.choice(PROJECTS)} n°{n + 1}",
                "nature": nature,
                "description": "Opération du banc d'essai.",
                "is_tce": tce,
                "general_contractor_id": rng.choice(parties["companies"]) if tce else None,
                "start_date": start,
                "end_date": start + timedelta(days=365 * rng.randint(1, 3)),
                "status": rng.choice(statuses).value,
                "created_by_id": parties["amoi_user"],
                "created_at": at(start - timedelta(days=90)),
                "updated_at": at(start - timedelta(days=30)),
            }
        )
    op_ids = bulk(Operation, op_rows)
    market_rows, lot_plan = [], []
    for op_id, row, count in zip(op_ids, op_rows, _lot_counts(shape, rng), strict=True):
        markets = 2 if count >= 4 and rng.random() < 0.4 else 1
        roll = rng.random()
        basis = LegalBasis.EXECUTION_CONDITION
        if roll < 0.06:
            basis = LegalBasis.RESERVED_SIAE
        elif roll < 0.10:
            basis = LegalBasis.AWARD_CRITERION
        for m in range(markets):
            market_rows.append(
                {
                    "operation_id": op_id,
                    "reference": f"{row['start_date'].year}-M{op_id:05d}-{m + 1}",
                    "title": f"Marché {m + 1} de l'opération {op_id}",
                    "legal_basis": basis.value,
                    "notification_date": row["start_date"],
                    "planned_end": row["end_date"],
                }
            )
            share = count // markets + (1 if m < count % markets else 0)
            lot_plan.append((row, basis, share))
    market_ids = bulk(Market, market_rows)
    lot_rows = []
    trades = list(TRADES)
    for market_id, (op_row, basis, count) in zip(market_ids, lot_plan, strict=True):
        reserved = basis.is_reserved
        for k in range(count):
            trade = rng.choice(trades)
            amount = Decimal(rng.randrange(20_000, 2_500_000, 1000))
            holders = parties["structures"] if reserved else parties["companies"]
            hours = None  # a reserved market follows the structure's activity, not hours
            if not reserved:
                share, rate = TRADES[trade].labour_share, default_rate(op_row["nature"])
                hours = insertion_hours(amount, share, DEFAULT_HOURLY_COST, rate)
            lot_rows.append(
                {
                    "market_id": market_id,
                    "number": k + 1,
                    "title": f"Lot {k + 1} – {TRADES[trade].label}",
                    "trade": trade,
                    "amount_excl_tax": amount,
                    "holder_id": rng.choice(holders),
                    "award_criterion": basis is LegalBasis.AWARD_CRITERION,
                    "planned_hours": hours.planned if hours else None,
                    "start_date": op_row["start_date"],
                    "end_date": op_row["end_date"],
                    "created_at": op_row["created_at"],
                    "updated_at": op_row["updated_at"],
                    "_calc": hours,
                }
            )
    calcs = [row.pop("_calc") for row in lot_rows]
    lot_ids = bulk(Lot, lot_rows)
    _hours_records(lot_ids, lot_rows, calcs, parties["amoi_user"], rng)
    tce_ops = [(i, r) for i, r in zip(op_ids, op_rows, strict=True) if r["is_tce"]]
    _tce(tce_ops, lot_rows, market_rows, market_ids, rng, parties)
    return {"operation_ids": op_ids, "op_rows": op_rows, "lots": len(lot_ids)}


def _hours_records(lot_ids, lot_rows, calcs, author: int, rng: random.Random) -> None:
    rows = []
    for lot_id, lot, calc in zip(lot_ids, lot_rows, calcs, strict=True):
        if calc is None:
            continue
        params = calc.parameters
        record = {
            "lot_id": lot_id,
            "trade": lot["trade"],
            "amount_excl_tax": params.amount_excl_tax,
            "labour_share": params.labour_share,
            "hourly_cost": params.hourly_cost,
            "rate": params.rate,
            "rounding": str(params.rounding),
            "raw_hours": calc.raw,
            "planned_hours": calc.planned,
            "parameters": params.as_dict(),
            "author_id": author,
            "created_at": lot["created_at"],
        }
        if rng.random() < 0.2:  # recalculated once: the history shows two records
            rows.append({**record, "created_at": lot["created_at"] - timedelta(days=20)})
        rows.append(record)
    bulk(HoursRecord, rows)


def _tce(tce_ops, lot_rows, market_rows, market_ids, rng, parties) -> None:
    """TCE operations: the global hours are the lots', split between 3 to 5 trades."""
    hours_by_op: dict[int, int] = {}
    op_of_market = dict(zip(market_ids, (m["operation_id"] for m in market_rows), strict=True))
    for lot in lot_rows:
        op_id = op_of_market[lot["market_id"]]
        hours_by_op[op_id] = hours_by_op.get(op_id, 0) + (lot["planned_hours"] or 0)
    share_rows, split_rows = [], []
    for op_id, _row in tce_ops:
        total = hours_by_op.get(op_id, 0) or 500
        db.session.execute(
            Operation.__table__.update().where(Operation.id == op_id).values(tce_hours=total)
        )
        trades = rng.sample(list(TRADES), rng.randint(3, 5))
        amounts = [Decimal(rng.randrange(50_000, 600_000, 1000)) for _ in trades]
        weights = [a * TRADES[t].labour_share for a, t in zip(amounts, trades, strict=True)]
        for trade, amount, hours in zip(trades, amounts, split_hours(total, weights), strict=True):
            share_rows.append(
                {
                    "operation_id": op_id,
                    "company_id": rng.choice(parties["companies"]),
                    "trade": trade,
                    "amount_excl_tax": amount,
                    "hours": hours,
                }
            )
        validated = rng.random() < 0.8
        split_rows.append(
            {
                "operation_id": op_id,
                "status": (SplitStatus.VALIDATED if validated else SplitStatus.PROPOSED).value,
                "proposed_at": at(date(2025, 3, 1)),
                "amoi_validated_by_id": parties["amoi_user"] if validated else None,
                "amoi_validated_at": at(date(2025, 3, 10)) if validated else None,
            }
        )
    bulk(SubcontractorShare, share_rows)
    bulk(TceSplit, split_rows)


def build_declarations(ops: dict, rng: random.Random, parties: dict) -> int:
    """Half the operations came from the census; more declarations wait or were declined."""
    rows = []
    for op_id, op in zip(ops["operation_ids"], ops["op_rows"], strict=True):
        if rng.random() < 0.5:
            rows.append(
                {
                    "buyer_id": op["buyer_id"],
                    "title": op["name"],
                    "nature": op["nature"],
                    "estimated_amount": Decimal(rng.randrange(100_000, 5_000_000, 1000)),
                    "planned_publication": op["start_date"],
                    "status": DeclarationStatus.CONVERTED.value,
                    "recommended_basis": LegalBasis.EXECUTION_CONDITION.value,
                    "operation_id": op_id,
                    "converted_at": op["created_at"],
                }
            )
    waiting = [DeclarationStatus.SUBMITTED, DeclarationStatus.RETAINED, DeclarationStatus.DECLINED]
    for n in range(len(ops["operation_ids"]) // 4):
        rows.append(
            {
                "buyer_id": rng.choice(parties["buyers"]),
                "title": f"{rng.choice(PROJECTS)} (recensement {n + 1})",
                "nature": "works",
                "estimated_amount": Decimal(rng.randrange(100_000, 5_000_000, 1000)),
                "planned_publication": date(2027, 1, 1) + timedelta(days=rng.randrange(365)),
                "status": rng.choice(waiting).value,
                "recommended_basis": None,
                "operation_id": None,
                "converted_at": None,
            }
        )
    return len(bulk(PurchaseDeclaration, rows))
