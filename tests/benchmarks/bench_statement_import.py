"""Benchmark of the whole import of a monthly hour statement (issue 10; prints numbers).

    .venv/bin/python -m tests.benchmarks.bench_statement_import [--lines 10000] [--runs 3]
        [--backend sqlite|postgres|both]

Builds, in a fresh database migrated as in production (a SQLite file under
``instance/bench/``; with ``PORTAL_TEST_DATABASE_URL``, the PostgreSQL database
``<its name>_import_bench``, dropped and created again), one structure carrying
``--lines / 5`` placements (people, candidacies, decisions, placements inserted in bulk) on
40 lots, plus a TCE share, and a statement of ``--lines`` lines: five months per person, as
a French Excel CSV (« ; », Windows-1252, decimal commas) and as an XLSX. Then times, per
file, what the upload and its confirmation do (``portal.statements.views``): read
(:func:`read_statement`), preview (match every row to a placement,
:func:`services.preview`), submit (store it all, :func:`services.submit` and the commit) —
the first submit creates the five statements, the next ones replace their lines, as a
corrected file would. Best and median of ``--runs`` runs, with the SQL query count of the
preview and the submit. Goal: the whole import (read + preview + submit) under 2 s on this
machine. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy import event, func, insert, make_url, select

from portal.statements.reader import HEADERS, Limits, read_statement
from tests.benchmarks import databases

ROOT = Path(__file__).resolve().parents[2]
MONTHS = [date(2026, m, 1) for m in range(3, 8)]
LAST_NAMES = ("Martin", "Lefèvre", "Cœur", "N'Diaye", "Petit", "Durand", "Moreau", "Girard")
FIRST_NAMES = ("Zoé", "Aïssata", "Noé", "Léa", "Jean-Noël", "Inès", "Hugo", "Chloé")


def sqlite_url() -> str:
    return f"sqlite:///{databases.BENCH_DIR / 'bench-statement-import.sqlite'}"


def postgres_url() -> str | None:
    test_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not test_url:
        return None
    url = make_url(test_url)
    return url.set(database=f"{url.database}_import_bench").render_as_string(hide_password=False)


def fresh(url: str) -> None:
    """An empty database at ``url``, migrated with ``flask db upgrade``."""
    if url.startswith("sqlite"):
        databases.BENCH_DIR.mkdir(parents=True, exist_ok=True)
        databases._reset_sqlite(url)
    else:
        databases._reset_postgres(url)
    databases.migrate(url)


def build(people: int) -> tuple[int, list[tuple]]:
    """The structure's placements; its id and the statement rows (person, lot text)."""
    from portal.extensions import db
    from portal.models import (
        Candidacy,
        EligibilityDecision,
        Lot,
        Market,
        Operation,
        Organisation,
        OrgKind,
        Participant,
        Placement,
        SubcontractorShare,
    )
    from portal.rules.eligibility import DEFAULT_RULES, identity_key
    from portal.statements.services import lot_reference, share_reference

    def bulk(model, rows):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(db.session.scalars(stmt, rows))

    buyer = Organisation(kind=OrgKind.BUYER, name="Acheteur (banc d'essai)")
    company = Organisation(kind=OrgKind.COMPANY, name="Titulaire (banc d'essai)")
    structure = Organisation(
        kind=OrgKind.STRUCTURE, name="ETTI (banc d'essai)", structure_kind="ETTI"
    )
    db.session.add_all([buyer, company, structure])
    operation = Operation(buyer=buyer, name="Groupe scolaire (banc d'essai)", is_tce=True)
    market = Market(
        operation=operation,
        reference="2026-B-001",
        title="Marché",
        legal_basis="execution_condition",
    )
    lots = [
        Lot(
            market=market,
            number=k + 1,
            title=f"Lot {k + 1}",
            trade="masonry",
            amount_excl_tax=Decimal("250000.00"),
            holder=company,
            planned_hours=4000,
        )
        for k in range(40)
    ]
    share = SubcontractorShare(
        operation=operation, company=company, trade="masonry", amount_excl_tax=Decimal(1)
    )
    db.session.add_all([operation, market, *lots, share])
    db.session.flush()
    targets = [(lot.id, None, lot_reference(lot)) for lot in lots]
    targets.append((None, share.id, share_reference(share)))
    start = date(2026, 1, 5)
    person_rows = []
    for i in range(people):
        last, first = f"{LAST_NAMES[i % 8]}-{i}", FIRST_NAMES[i % 8]
        birth = date(1960, 1, 1) + timedelta(days=(i * 37) % 16000)
        person_rows.append(
            {
                "last_name": last,
                "first_name": first,
                "birth_date": birth,
                "match_key": identity_key(last, first, birth),
                "notes": "",
                "sex": "F",
                "birth_year": birth.year,
                "qualification": "level_3",
                "commune": "Givors",
                "postal_code": "69700",
                "qpv_resident": False,
                "version": 1,
            }
        )
    person_ids = bulk(Participant, person_rows)
    chosen = [targets[i % len(targets)] for i in range(people)]
    cand_ids = bulk(
        Candidacy,
        [
            {
                "participant_id": pid,
                "lot_id": lot_id,
                "share_id": share_id,
                "declarer_id": structure.id,
                "status": "hired",
                "submitted_at": datetime(2025, 12, 1, 9, tzinfo=UTC),
                "modality": "temp_insertion",
                "contract_type": "interim",
                "planned_start": start,
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
            for pid, (lot_id, share_id, _) in zip(person_ids, chosen, strict=True)
        ],
    )
    decision_ids = bulk(
        EligibilityDecision,
        [
            {
                "candidacy_id": cid,
                "participant_id": pid,
                "eligible": True,
                "decided_on": date(2025, 12, 15),
                "eligible_from": date(2025, 12, 15),
                "eligible_until": date(2027, 12, 14),
                "countable_hours": Decimal("400"),
                "criteria_codes": ["rsa"],
                "rules_applied": DEFAULT_RULES.to_data(),
                "reason": "",
            }
            for cid, pid in zip(cand_ids, person_ids, strict=True)
        ],
    )
    bulk(
        Placement,
        [
            {
                "candidacy_id": cid,
                "participant_id": pid,
                "decision_id": did,
                "lot_id": lot_id,
                "share_id": share_id,
                "employer_id": structure.id,
                "status": "active",
                "modality": "temp_insertion",
                "contract_type": "interim",
                "start_date": start,
                "planned_end": date(2026, 12, 31),
                "weekly_hours": Decimal("35"),
                "break_reason": "",
                "version": 1,
            }
            for cid, pid, did, (lot_id, share_id, _) in zip(
                cand_ids, person_ids, decision_ids, chosen, strict=True
            )
        ],
    )
    db.session.commit()
    rows = [
        (row["last_name"], row["first_name"], row["birth_date"], target[2])
        for row, target in zip(person_rows, chosen, strict=True)
    ]
    return structure.id, rows


def lines(people_rows: list[tuple]):
    for month in MONTHS:
        for n, (last, first, born, lot) in enumerate(people_rows):
            hours = Decimal(100 + n % 50) + Decimal(n % 100) / 100
            yield last, first, born, lot, month, hours, Decimal(n % 8)


def csv_file(people_rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for last, first, born, lot, month, hours, training in lines(people_rows):
        writer.writerow(
            [
                last,
                first,
                born.strftime("%d/%m/%Y"),
                lot,
                month.strftime("%m/%Y"),
                f"{hours:f}".replace(".", ","),
                f"{training:f}".replace(".", ","),
            ]
        )
    return buffer.getvalue().encode("cp1252", errors="replace")


def xlsx_file(people_rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Relevé"
    sheet.append(HEADERS)
    for last, first, born, lot, month, hours, training in lines(people_rows):
        sheet.append(
            [
                last,
                first,
                datetime.combine(born, datetime.min.time()),
                lot,
                datetime.combine(month, datetime.min.time()),
                float(hours),
                float(training),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *_args):
        self.count += 1


def run_once(data: bytes, filename: str, structure_id: int, count: int, user, engine):
    from portal.extensions import db
    from portal.models import Organisation
    from portal.statements import services

    limits = Limits(max_rows=max(count, Limits().max_rows), max_bytes=max(len(data), 1))
    organisation = db.session.get(Organisation, structure_id)
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        c0 = time.process_time()
        t0 = time.perf_counter()
        statement = read_statement(data, filename, limits=limits)
        t1 = time.perf_counter()
        result = services.preview(statement, organisation)
        t2 = time.perf_counter()
        preview_queries = counter.count
        assert result.ok and len(result.lines) == count, result.errors[:3]
        services.submit(result, user, datetime.now(UTC))
        db.session.commit()
        t3 = time.perf_counter()
        cpu = time.process_time() - c0
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    db.session.expunge_all()  # the next run starts from the database, as a new request
    return t1 - t0, t2 - t1, t3 - t2, preview_queries, counter.count - preview_queries, cpu


def bench(url: str, label: str, count: int, runs: int) -> float:
    from portal import create_app
    from portal.extensions import db
    from portal.models import HourLine, Organisation, OrgKind, User

    print(f"\n{label}: building a fresh database…", flush=True)
    fresh(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        structure_id, people_rows = build(count // len(MONTHS))
        amoi = Organisation(kind=OrgKind.FACILITATOR, name="AMOI (banc d'essai)")
        user = User(organisation=amoi, name="Chargé de mission", email="amoi@banc.example")
        db.session.add_all([amoi, user])
        db.session.commit()
        user_id = user.id
        files = [
            ("CSV « ; » Windows-1252", "releve.csv", csv_file(people_rows)),
            ("XLSX", "releve.xlsx", xlsx_file(people_rows)),
        ]
        print(
            f"{count} lines ({len(people_rows)} placements × {len(MONTHS)} months); "
            f"best / median of {runs} runs, ms"
        )
        print(
            f"  {'file':<24} {'read':>13} {'preview':>13} {'submit':>13} {'whole':>13}"
            f" {'whole CPU':>13} {'queries p/s':>12}"
        )
        worst = 0.0
        for name, filename, data in files:
            timings = []
            for _ in range(runs):
                user = db.session.get(User, user_id)
                timings.append(run_once(data, filename, structure_id, count, user, db.engine))
            stored = db.session.scalar(select(func.count(HourLine.id)))
            assert stored == count, stored
            reads, previews, submits = ([t[k] for t in timings] for k in range(3))
            wholes = [sum(t[:3]) for t in timings]
            worst = max(worst, statistics.median(wholes))

            def cell(values):
                return f"{min(values) * 1000:6.0f}/{statistics.median(values) * 1000:6.0f}"

            print(
                f"  {name:<24} {cell(reads):>13} {cell(previews):>13} {cell(submits):>13} "
                f"{cell(wholes):>13} {cell([t[5] for t in timings]):>13} "
                f"{timings[-1][3]:>5}/{timings[-1][4]:<5}"
            )
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    worst = 0.0
    if args.backend in ("sqlite", "both"):
        worst = max(worst, bench(sqlite_url(), "SQLite", args.lines, args.runs))
    pg = postgres_url()
    if args.backend in ("postgres", "both"):
        if pg is None:
            print("\nPostgreSQL: skipped (set PORTAL_TEST_DATABASE_URL)")
        else:
            worst = max(worst, bench(pg, "PostgreSQL", args.lines, args.runs))
    verdict = "under" if worst < 2 else "OVER"
    print(f"\nslowest median whole import: {worst * 1000:.0f} ms ({verdict} the 2 s goal)")


if __name__ == "__main__":
    main()
