"""A department-scale dataset for the benchmarks, built through the real models (issue 15).

The AMOI, the CCVG and its five communes, ~200 companies and some structures; operations
with their markets, lots (holders, frozen hour calculations), TCE shares and splits, census
declarations, audit rows; then quotes in every status and their invoices through
``portal.services.quotes`` (``tests.benchmarks.dataset_quotes``). Rows are inserted in bulk
(``insert(Model)`` with many parameter sets) so that 2,000 operations take seconds, not
hours; every value goes through the model's columns and types, and hours come from
``portal.rules.hours`` as the lot form computes them.

Deterministic for a given shape (a seeded ``random.Random``): a cached database can be
compared with a rebuilt one. The manifest (users, sample ids, counts) is stored in the
``settings`` table under ``MANIFEST_KEY`` so that a cached database describes itself.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from portal.extensions import db
from portal.models import (
    Amendment,
    AuditEvent,
    HoursRecord,
    Lot,
    Market,
    Operation,
    Organisation,
    OrgKind,
    PurchaseDeclaration,
    Setting,
    StructureKind,
    SubcontractorShare,
    TceSplit,
    User,
)
from portal.passwords import hash_password
from portal.rules.hours import DEFAULT_HOURLY_COST, TRADES, insertion_hours, split_hours
from portal.rules.markets import LegalBasis, default_rate
from portal.rules.workflow import DeclarationStatus, OperationStatus, SplitStatus
from tests.factories import PASSWORD, valid_siret

DATASET_VERSION = 1
"""Bump when the builder changes: cached databases of an older version are rebuilt."""
MANIFEST_KEY = "bench_dataset"
COMMUNES = ("Brignais", "Chaponost", "Vourles", "Millery", "Montagny")
PROJECTS = (
    "Réhabilitation de l'école élémentaire",
    "Construction d'un gymnase",
    "Rénovation énergétique de la mairie",
    "Aménagement de la place du marché",
    "Extension du groupe scolaire",
    "Restructuration de la médiathèque",
    "Création d'une crèche",
    "Voirie et réseaux du quartier",
    "Réfection de la toiture de l'église",
    "Entretien des espaces verts",
    "Nettoyage des bâtiments communaux",
    "Construction de logements sociaux",
)
AUDIT_ACTIONS = (
    "auth.login",
    "auth.logout",
    "lot.updated",
    "operation.updated",
    "export.lots",
    "market.updated",
    "access.denied",
    "auth.login_failed",
)
ROLES = ("amoi", "ccvg", "commune", "company", "structure")


@dataclass(frozen=True)
class Shape:
    """What to build: the figures of the issue by default (2,000 operations, 10,000 lots)."""

    operations: int = 2000
    lots: int = 10000
    companies: int = 200
    structures: int = 20
    quote_share: float = 0.5  # operations with a quote (through the services)
    audit_per_operation: int = 20
    seed: int = 15

    def key(self) -> str:
        parts = [f"v{DATASET_VERSION}"] + [f"{k}={v}" for k, v in asdict(self).items()]
        return ",".join(parts)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _bulk(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in one executemany; their new ids, in the order of ``rows``."""
    if not rows:
        return []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(stmt, rows))


def _parties(shape: Shape, rng: random.Random) -> dict:
    amoi = Organisation(kind=OrgKind.FACILITATOR, name="Sud-Ouest Emploi (banc d'essai)")
    ccvg = Organisation(kind=OrgKind.BUYER, name="Communauté de communes (banc d'essai)")
    communes = [
        Organisation(kind=OrgKind.BUYER, name=f"Commune de {name}", parent=ccvg)
        for name in COMMUNES
    ]
    db.session.add_all([amoi, ccvg, *communes])
    db.session.flush()
    kinds = list(StructureKind)
    org_rows = [
        {
            "kind": OrgKind.COMPANY.value,
            "name": f"Entreprise {n + 1:03d} du bâtiment",
            "siret": valid_siret(50_000 + n),
            "structure_kind": None,
        }
        for n in range(shape.companies)
    ] + [
        {
            "kind": OrgKind.STRUCTURE.value,
            "name": f"Structure d'insertion {n + 1:02d}",
            "siret": valid_siret(60_000 + n),
            "structure_kind": kinds[n % len(kinds)].value,
        }
        for n in range(shape.structures)
    ]
    ids = _bulk(Organisation, org_rows)
    companies, structures = ids[: shape.companies], ids[shape.companies :]
    hashed = hash_password(PASSWORD)
    named = {
        "amoi": (amoi.id, "admin@bench.example", True),
        "ccvg": (ccvg.id, "ccvg@bench.example", False),
        "commune": (communes[0].id, "commune@bench.example", False),
        "company": (companies[0], "titulaire@bench.example", False),
        "structure": (structures[0], "structure@bench.example", False),
    }
    now = _at(date(2026, 1, 5))
    user_rows = [
        {
            "organisation_id": org_id,
            "name": f"Compte {role}",
            "email": email,
            "is_admin": admin,
            "password_hash": hashed,
            "password_changed_at": now,
        }
        for role, (org_id, email, admin) in named.items()
    ]
    others = [c.id for c in communes[1:]] + companies[1:] + structures[1:]
    user_rows += [
        {
            "organisation_id": org_id,
            "name": f"Utilisateur {org_id}",
            "email": f"user-{org_id}@bench.example",
            "is_admin": False,
            "password_hash": hashed if rng.random() < 0.8 else None,  # some invitations
            "password_changed_at": now,
        }
        for org_id in others
    ]
    user_ids = _bulk(User, user_rows)
    return {
        "amoi_org": amoi.id,
        "buyers": [ccvg.id] * 3 + [c.id for c in communes],  # the CCVG buys the most
        "companies": companies,
        "structures": structures,
        "amoi_user": user_ids[0],
        "users": {role: email for role, (_o, email, _a) in named.items()},
        "all_users": user_ids,
    }


def _convention() -> None:
    """A renewal 2025-2027 (as the demo's) and the payee block, so quotes can be priced."""
    db.session.add(
        Amendment(
            reference="Avenant n°1 (banc d'essai)",
            label="Renouvellement 2025-2027 (banc d'essai)",
            signed_on=date(2024, 12, 16),
            period_start=date(2025, 1, 1),
            period_end=date(2027, 12, 31),
        )
    )
    for key in ("payee_name", "payee_address", "payee_siret", "payee_iban", "payee_bic"):
        db.session.add(Setting(key=key, value=f"{key} (banc d'essai)"))


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


def _operations(shape: Shape, rng: random.Random, parties: dict) -> dict:
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
                "created_at": _at(start - timedelta(days=90)),
                "updated_at": _at(start - timedelta(days=30)),
            }
        )
    op_ids = _bulk(Operation, op_rows)
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
    market_ids = _bulk(Market, market_rows)
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
    lot_ids = _bulk(Lot, lot_rows)
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
    _bulk(HoursRecord, rows)


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
                "proposed_at": _at(date(2025, 3, 1)),
                "amoi_validated_by_id": parties["amoi_user"] if validated else None,
                "amoi_validated_at": _at(date(2025, 3, 10)) if validated else None,
            }
        )
    _bulk(SubcontractorShare, share_rows)
    _bulk(TceSplit, split_rows)


def _declarations(ops: dict, rng: random.Random, parties: dict) -> int:
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
    return len(_bulk(PurchaseDeclaration, rows))


def _audit(shape: Shape, rng: random.Random, parties: dict) -> int:
    rows = []
    first = datetime(2022, 1, 3, tzinfo=UTC)
    for _ in range(shape.operations * shape.audit_per_operation):
        rows.append(
            {
                "at": first + timedelta(minutes=rng.randrange(5 * 365 * 24 * 60)),
                "actor_id": rng.choice(parties["all_users"]),
                "action": rng.choice(AUDIT_ACTIONS),
                "object_type": "Lot",
                "object_id": str(rng.randrange(1, shape.lots)),
                "request_id": f"{rng.getrandbits(64):016x}",
            }
        )
    for start in range(0, len(rows), 10_000):
        _bulk(AuditEvent, rows[start : start + 10_000])
    return len(rows)


def build(shape: Shape) -> dict:
    """Fill an empty, migrated database (inside an app context); the manifest."""
    from tests.benchmarks.dataset_quotes import build_quotes

    started = time.perf_counter()
    rng = random.Random(shape.seed)
    parties = _parties(shape, rng)
    _convention()
    ops = _operations(shape, rng, parties)
    declarations = _declarations(ops, rng, parties)
    audit_rows = _audit(shape, rng, parties)
    db.session.commit()
    quotes = build_quotes(shape, rng, parties["amoi_user"])
    manifest = {
        "key": shape.key(),
        "users": parties["users"],
        "password": PASSWORD,
        "samples": quotes.pop("samples"),
        "counts": {
            "operations": len(ops["operation_ids"]),
            "lots": ops["lots"],
            "declarations": declarations,
            "audit_rows": audit_rows,
            **quotes,
        },
        "built_seconds": round(time.perf_counter() - started, 1),
    }
    db.session.add(Setting(key=MANIFEST_KEY, value=json.dumps(manifest)))
    db.session.commit()
    return manifest


def read_manifest() -> dict | None:
    """The manifest of the database (inside an app context), or None if it has none."""
    value = db.session.scalar(select(Setting.value).where(Setting.key == MANIFEST_KEY))
    return json.loads(value) if value else None


def row_counts() -> dict[str, int]:
    """Rows per table, to print beside the figures."""
    models = (Operation, Market, Lot, HoursRecord, SubcontractorShare, AuditEvent, User)
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in models}
