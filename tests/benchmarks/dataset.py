"""A department-scale dataset for the benchmarks, built through the real models (issue 15).

The AMOI, the CCVG and its five communes, ~200 companies and some structures; operations
with their markets, lots (holders, frozen hour calculations), TCE shares and splits, census
declarations, audit rows; then quotes in every status and their invoices through
``portal.quotes.services`` (``tests.benchmarks.dataset_quotes``); then (issue 12) people,
candidacies, eligibility decisions, placements and monthly hour statements with their lines
(``tests.benchmarks.dataset_people``). Rows are inserted in bulk
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

from sqlalchemy import func, insert, select, text

from portal.extensions import db
from portal.models import (
    Amendment,
    AuditEvent,
    Candidacy,
    EligibilityDecision,
    HourLine,
    HoursRecord,
    HourStatement,
    Lot,
    Market,
    Operation,
    Organisation,
    OrgKind,
    Participant,
    Placement,
    Setting,
    StructureKind,
    SubcontractorShare,
    User,
)
from portal.passwords import hash_password
from tests.factories import PASSWORD, valid_siret

DATASET_VERSION = 2
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
    people: int = 30000  # issue 12: people, their files and placements
    hour_lines: int = 500_000  # about this many hour lines, January 2024 – November 2026

    def key(self) -> str:
        parts = [f"v{DATASET_VERSION}"] + [f"{k}={v}" for k, v in asdict(self).items()]
        return ",".join(parts)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def bulk(model, rows: list[dict]) -> list[int]:
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
    ids = bulk(Organisation, org_rows)
    companies, structures = ids[: shape.companies], ids[shape.companies :]
    hashed = hash_password(PASSWORD)
    named = {
        "amoi": (amoi.id, "admin@bench.example", True),
        "ccvg": (ccvg.id, "ccvg@bench.example", False),
        "commune": (communes[0].id, "commune@bench.example", False),
        "company": (companies[0], "titulaire@bench.example", False),
        "structure": (structures[0], "structure@bench.example", False),
    }
    now = at(date(2026, 1, 5))
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
    user_ids = bulk(User, user_rows)
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
        bulk(AuditEvent, rows[start : start + 10_000])
    return len(rows)


def build(shape: Shape) -> dict:
    """Fill an empty, migrated database (inside an app context); the manifest."""
    from tests.benchmarks.dataset_markets import build_declarations, build_operations
    from tests.benchmarks.dataset_people import build_people
    from tests.benchmarks.dataset_people import samples as people_samples
    from tests.benchmarks.dataset_quotes import build_quotes

    started = time.perf_counter()
    rng = random.Random(shape.seed)
    parties = _parties(shape, rng)
    _convention()
    ops = build_operations(shape, rng, parties)
    declarations = build_declarations(ops, rng, parties)
    audit_rows = _audit(shape, rng, parties)
    db.session.commit()
    quotes = build_quotes(shape, rng, parties["amoi_user"])
    step = time.perf_counter()
    print(f"    markets and quotes built ({step - started:.0f} s); people…", flush=True)
    # a generator of its own: the markets and quotes stay those of dataset version 1
    people = build_people(shape, random.Random(shape.seed + 12), parties)
    db.session.commit()
    samples = {**quotes.pop("samples"), **people_samples()}
    manifest = {
        "key": shape.key(),
        "users": parties["users"],
        "password": PASSWORD,
        "samples": samples,
        "counts": {
            "operations": len(ops["operation_ids"]),
            "lots": ops["lots"],
            "declarations": declarations,
            "audit_rows": audit_rows,
            **quotes,
            **people,
        },
        "people_seconds": round(time.perf_counter() - step, 1),
        "built_seconds": round(time.perf_counter() - started, 1),
    }
    db.session.add(Setting(key=MANIFEST_KEY, value=json.dumps(manifest)))
    db.session.commit()
    # The planner's statistics, as a database in service has them (PostgreSQL's autovacuum
    # analyses a table after bulk inserts; SQLite only on ANALYZE). Without them SQLite
    # reads every validated hour line through the status index even for one lot.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return manifest


def read_manifest() -> dict | None:
    """The manifest of the database (inside an app context), or None if it has none."""
    value = db.session.scalar(select(Setting.value).where(Setting.key == MANIFEST_KEY))
    return json.loads(value) if value else None


def row_counts() -> dict[str, int]:
    """Rows per table, to print beside the figures."""
    models = (Operation, Market, Lot, HoursRecord, SubcontractorShare, AuditEvent, User)
    models += (Participant, Candidacy, EligibilityDecision, Placement, HourStatement, HourLine)
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in models}
