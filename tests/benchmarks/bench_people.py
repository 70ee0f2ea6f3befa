"""Benchmark of the AMOI's people search and pending queue at 30,000 people (prints numbers).

    .venv/bin/python -m tests.benchmarks.bench_people [--people 30000] [--runs 15] [--rebuild]

Builds (once, then reuses) a SQLite file database in ``instance/`` migrated like
production, holding ``--people`` people with their candidacies (a tenth pending, the rest
decided), decisions and placements on 400 lots of 40 declarers; logs in as the AMOI through
the test client and times, in-process, the people search (POST ``/personnes/recherche``,
a common and a rare name) and the pending queue (``/candidatures/a-decider``: first page,
a far page, by lot, by declarer, « mes dossiers »). Prints the median and the worst time
over the runs (after one untimed warm-up), with the SQL query count. ``--as-is`` measures
the cached database without migrating it (to compare with indexes dropped by hand). Goal (issue 9): under 50 ms. Not a test: numbers
depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, func, insert, select, text

from tests.benchmarks import databases
from tests.benchmarks.dataset_people import FIRST_NAMES as GIVEN
from tests.benchmarks.dataset_people import SURNAMES

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "banc-d-essai-Passerelle-2026"
AMOI_EMAIL = "amoi@banc-essai.example"
FIRST_NAMES = sorted({name for names in GIVEN.values() for name in names})
MODALITIES = (
    "direct_hire",
    "temp_insertion",
    "geiq",
    "intermediary_association",
    "subcontracting",
    "cocontracting",
)
CONTRACTS = ("cdd", "cdi", "interim", "cddi", "ai_mission", "professionalisation")


def _url(people: int) -> str:
    return f"sqlite:///{ROOT / 'instance' / f'bench-people-{people}.sqlite'}"


def build(app, people: int, seed: int = 9) -> None:
    """The parties, 400 lots and ``people`` people with their files, inserted in bulk."""
    from portal.extensions import db
    from portal.models import (
        Candidacy,
        CandidacyCriterion,
        EligibilityDecision,
        Lot,
        Market,
        Operation,
        Organisation,
        OrgKind,
        Participant,
        Placement,
        User,
    )
    from portal.passwords import hash_password
    from portal.rules.eligibility import DEFAULT_RULES, identity_key

    rng = random.Random(seed)
    amoi_org = Organisation(kind=OrgKind.FACILITATOR, name="AMOI (banc d'essai)")
    buyer = Organisation(kind=OrgKind.BUYER, name="Acheteur (banc d'essai)")
    declarers = [
        Organisation(
            kind=OrgKind.COMPANY if n < 30 else OrgKind.STRUCTURE,
            name=f"Déclarant {n:02d} (banc d'essai)",
            siret=None,
            structure_kind=None if n < 30 else "ETTI",
        )
        for n in range(40)
    ]
    db.session.add_all([amoi_org, buyer, *declarers])
    amoi_users = [
        User(
            organisation=amoi_org,
            name=f"Chargé de mission {n}",
            email=AMOI_EMAIL if n == 0 else f"amoi{n}@banc-essai.example",
            password_hash=hash_password(PASSWORD),
            password_changed_at=datetime.now(UTC),
            active=True,
        )
        for n in range(4)
    ]
    db.session.add_all(amoi_users)
    db.session.flush()
    lots = []
    for n in range(40):
        operation = Operation(buyer=buyer, name=f"Opération {n} (banc d'essai)")
        market = Market(
            operation=operation,
            reference=f"2026-B-{n:03d}",
            title=f"Marché {n}",
            legal_basis="execution_condition",
        )
        db.session.add_all([operation, market])
        for k in range(10):
            lot = Lot(
                market=market,
                number=k + 1,
                title=f"Lot {k + 1}",
                trade="masonry",
                amount_excl_tax=Decimal("250000.00"),
                holder=declarers[(n + k) % 30],
                planned_hours=400,
            )
            db.session.add(lot)
            lots.append(lot)
    db.session.flush()

    def bulk(model, rows):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(db.session.scalars(stmt, rows))

    start_day = date(2023, 1, 2)
    for chunk_start in range(0, people, 5000):
        size = min(5000, people - chunk_start)
        person_rows, meta = [], []
        for i in range(chunk_start, chunk_start + size):
            last = f"{rng.choice(SURNAMES)}{'' if i % 7 else '-' + rng.choice(SURNAMES)}"
            first = rng.choice(FIRST_NAMES)
            birth = date(1960, 1, 1) + timedelta(days=rng.randrange(16000))
            person_rows.append(
                {
                    "last_name": last,
                    "first_name": first,
                    "birth_date": birth,
                    "match_key": identity_key(last, first, birth) + f"#{i}",
                    "notes": "",
                    "sex": rng.choice("FM"),
                    "birth_year": birth.year,
                    "qualification": rng.choice(("none", "level_3", "level_4")),
                    "commune": "Givors",
                    "postal_code": "69700",
                    "qpv_resident": rng.random() < 0.3,
                    "amoi_referent_id": rng.choice(amoi_users).id,
                    "version": 1,
                }
            )
            proposed = start_day + timedelta(days=rng.randrange(1400))
            lot = rng.choice(lots)
            pending = rng.random() < 0.1
            meta.append((proposed, lot, pending))
        person_ids = bulk(Participant, person_rows)
        cand_rows = []
        for pid, (proposed, lot, pending) in zip(person_ids, meta, strict=True):
            cand_rows.append(
                {
                    "participant_id": pid,
                    "lot_id": lot.id,
                    "declarer_id": lot.holder_id,
                    "status": "pending" if pending else "hired",
                    "submitted_at": datetime(
                        proposed.year, proposed.month, proposed.day, 9, tzinfo=UTC
                    ),
                    "modality": rng.choice(MODALITIES),
                    "contract_type": rng.choice(CONTRACTS),
                    "planned_start": proposed + timedelta(days=14),
                    "weekly_hours": Decimal("35"),
                    "job_title": "Ouvrier",
                    "referent_kind": "france_travail",
                    "referent_organisation": "France Travail",
                    "referent_name": "",
                    "age_band": "26_49",
                    "withdrawal_reason": "",
                    "entered_by_amoi": False,
                    "matched_existing": False,
                    "version": 1,
                }
            )
        cand_ids = bulk(Candidacy, cand_rows)
        bulk(
            CandidacyCriterion,
            [
                {
                    "candidacy_id": cid,
                    "code": "rsa",
                    "proof_type": "Attestation",
                    "proof_seen": False,
                }
                for cid in cand_ids
            ],
        )
        decided = [
            (cid, row)
            for cid, row in zip(cand_ids, cand_rows, strict=True)
            if row["status"] != "pending"
        ]
        decision_ids = bulk(
            EligibilityDecision,
            [
                {
                    "candidacy_id": cid,
                    "participant_id": row["participant_id"],
                    "eligible": True,
                    "decided_on": row["planned_start"] - timedelta(days=7),
                    "eligible_from": row["planned_start"] - timedelta(days=7),
                    "eligible_until": row["planned_start"] + timedelta(days=700),
                    "countable_hours": Decimal("400"),
                    "criteria_codes": ["rsa"],
                    "rules_applied": DEFAULT_RULES.to_data(),
                    "reason": "",
                }
                for cid, row in decided
            ],
        )
        bulk(
            Placement,
            [
                {
                    "candidacy_id": cid,
                    "participant_id": row["participant_id"],
                    "decision_id": did,
                    "lot_id": row["lot_id"],
                    "employer_id": row["declarer_id"],
                    "status": "active" if rng.random() < 0.4 else "ended",
                    "modality": row["modality"],
                    "contract_type": row["contract_type"],
                    "start_date": row["planned_start"],
                    "planned_end": row["planned_start"] + timedelta(days=180),
                    "weekly_hours": Decimal("35"),
                    "break_reason": "",
                    "version": 1,
                }
                for (cid, row), did in zip(decided, decision_ids, strict=True)
            ],
        )
        db.session.commit()
        print(f"  {chunk_start + size} people")


def measure(client, method: str, url: str, data: dict | None, engine, runs: int):
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    # one warm-up request, not timed (the first one fills SQLite's and Jinja's caches)
    client.post(url, data=data) if method == "POST" else client.get(url)
    event.listen(engine, "before_cursor_execute", count)
    timings = []
    size = 0
    try:
        for _ in range(runs):
            counter["n"] = 0
            begin = time.perf_counter()
            response = client.post(url, data=data) if method == "POST" else client.get(url)
            timings.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.get_data())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(timings), max(timings), counter["n"], size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--as-is", action="store_true", help="measure the cached database without migrating it"
    )
    args = parser.parse_args()
    url = _url(args.people)
    path = Path(url.removeprefix("sqlite:///"))

    from portal import create_app
    from portal.extensions import db
    from portal.models import Candidacy, Lot, Participant

    if args.rebuild and path.exists():
        path.unlink()
    fresh = not path.exists()
    if fresh:
        print(f"building {path.name} ({args.people} people)…")
    if fresh or not args.as_is:
        databases.migrate(url)  # a cached database gets the indexes added since
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "PAGE_SIZE": 25,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        if fresh:
            build(app, args.people)
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        counts = {
            "people": db.session.scalar(select(func.count()).select_from(Participant)),
            "pending": db.session.scalar(select(func.count()).where(Candidacy.status == "pending")),
        }
        busiest_lot = db.session.scalar(
            select(Candidacy.lot_id)
            .where(Candidacy.status == "pending")
            .group_by(Candidacy.lot_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        declarer = db.session.scalar(select(Lot.holder_id).where(Lot.id == busiest_lot))
        client = app.test_client()
        response = client.post("/connexion", data={"email": AMOI_EMAIL, "password": PASSWORD})
        assert response.status_code == 303, response.status_code
        print(f"database: sqlite file, {counts['people']} people, {counts['pending']} pending")
        print(f"{'request':<52} {'median ms':>10} {'worst ms':>9} {'queries':>8} {'bytes':>7}")
        cases = [
            ("POST", "/personnes/recherche", {"q": "martin"}),
            ("POST", "/personnes/recherche", {"q": "Fontaine-Mercier"}),
            ("POST", "/personnes/recherche", {"q": "zz"}),
            ("GET", "/candidatures/a-decider", None),
            ("GET", "/candidatures/a-decider?page=60", None),
            ("GET", f"/candidatures/a-decider?lot={busiest_lot}", None),
            ("GET", f"/candidatures/a-decider?declarant={declarer}", None),
            ("GET", "/candidatures/a-decider?mes=1", None),
        ]
        worst_median = 0.0
        for method, url_, data in cases:
            median, worst, queries, size = measure(client, method, url_, data, db.engine, args.runs)
            worst_median = max(worst_median, median)
            label = f"{method} {url_}" + (f" q={data['q']}" if data else "")
            print(f"{label:<52} {median:>10.1f} {worst:>9.1f} {queries:>8} {size:>7}")
        verdict = "under" if worst_median < 50 else "OVER"
        print(f"slowest median: {worst_median:.1f} ms ({verdict} the 50 ms goal)")


if __name__ == "__main__":
    main()
