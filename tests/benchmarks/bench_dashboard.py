"""Benchmark of the dashboard and the observatory (issue 12; prints numbers).

    .venv/bin/python -m tests.benchmarks.bench_dashboard [--backend sqlite] [--lines 500000]

Takes the department-scale dataset of ``tests.benchmarks.dataset`` (2,000 operations,
10,000 lots; cached by ``tests.benchmarks.databases``) and adds, once, in bulk: 30,000
people, a placement each (a tenth of them on a second lot), their monthly hour lines in
2025–2026 (``--lines``, 95 % validated) and exits for a third of the placements. Then, as
the AMOI and as a commune, times ``/tableau-de-bord/?annee=2026`` and the semester page
(median of 5, SQL query count), and the anonymised line file's job function in-process.
Not a test: numbers depend on the machine. Target (issue 12): dashboard under 300 ms.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from tests.benchmarks import databases
from tests.benchmarks.bench_lists import measure
from tests.benchmarks.dataset import Shape, bulk

PEOPLE = 30_000
MARK = "bench_people_lines"


def _months(first: date, count: int) -> list[date]:
    months, current = [], first
    for _ in range(count):
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def add_people_and_lines(lines: int, seed: int = 12) -> None:
    """People, placements, statements and hour lines in bulk (inside an app context)."""
    from portal.extensions import db
    from portal.models import (
        Candidacy,
        HourLine,
        HourStatement,
        Lot,
        Participant,
        Placement,
        Setting,
    )

    if db.session.scalar(select(Setting.value).where(Setting.key == MARK)):
        return
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    lots = db.session.execute(select(Lot.id, Lot.holder_id).where(Lot.holder_id.is_not(None))).all()
    people = bulk(
        Participant,
        [
            {
                "last_name": f"Nom{n}",
                "first_name": "Camille",
                "birth_date": date(1960 + n % 45, 1 + n % 12, 1 + n % 28),
                "sex": "F" if n % 3 else "M",
                "birth_year": 1960 + n % 45,
                "qualification": ("none", "level_3", "level_4")[n % 3],
                "commune": "Brignais",
                "qpv_resident": n % 5 == 0,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(PEOPLE)
        ],
    )
    targets = [(person, rng.choice(lots)) for person in people]
    targets += [(rng.choice(people), rng.choice(lots)) for _ in range(PEOPLE // 10)]
    candidacies = bulk(
        Candidacy,
        [
            {
                "participant_id": person,
                "lot_id": lot,
                "declarer_id": holder,
                "status": "eligible",
                "submitted_at": now,
                "modality": "direct_hire",
                "contract_type": "cdd",
                "age_band": ("under_26", "26_49", "50_plus")[person % 3],
                "created_at": now,
                "updated_at": now,
            }
            for person, (lot, holder) in targets
        ],
    )
    per_placement = max(1, lines // len(targets))
    placement_rows, starts = [], []
    for candidacy, (person, (lot, holder)) in zip(candidacies, targets, strict=True):
        first = _months(date(2025, 1, 1), 24)[rng.randrange(0, 24 - min(per_placement, 23))]
        starts.append(first)
        ended = rng.random() < 0.33
        placement_rows.append(
            {
                "candidacy_id": candidacy,
                "participant_id": person,
                "lot_id": lot,
                "employer_id": holder,
                "status": "ended" if ended else "active",
                "modality": "direct_hire",
                "contract_type": "cdd",
                "start_date": first,
                "weekly_hours": Decimal(35),
                "ended_on": date(2026, rng.randrange(1, 13), 15) if ended else None,
                "exit_kind": "cdi" if ended else None,
                "exit_category": rng.choice(("durable", "other", "positive")) if ended else None,
                "created_at": now,
                "updated_at": now,
            }
        )
    placements = bulk(Placement, placement_rows)
    statements: dict[tuple[int, date], int] = {}
    line_rows = []
    for placement, row, first in zip(placements, placement_rows, starts, strict=True):
        for month in _months(first, per_placement):
            if month.year > 2026:
                break
            key = (row["employer_id"], month)
            if key not in statements:
                [statements[key]] = bulk(
                    HourStatement,
                    [
                        {
                            "organisation_id": key[0],
                            "month": month,
                            "status": "validated",
                            "created_at": now,
                            "updated_at": now,
                        }
                    ],
                )
            line_rows.append(
                {
                    "statement_id": statements[key],
                    "placement_id": placement,
                    "month": month,
                    "hours": Decimal(rng.randrange(20, 152)),
                    "training_hours": Decimal(0),
                    "status": "validated" if rng.random() < 0.95 else "refused",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if len(line_rows) >= 50_000:
            bulk(HourLine, line_rows)
            line_rows = []
    bulk(HourLine, line_rows)
    db.session.add(Setting(key=MARK, value="1"))
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(HourLine))
    print(
        f"  added {len(placements)} placements, {count} hour lines "
        f"in {time.perf_counter() - started:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--lines", type=int, default=500_000)
    args = parser.parse_args()
    shape = Shape()
    uri = databases.backend_url(args.backend, shape)
    manifest = databases.prepare(uri, shape)

    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        add_people_and_lines(args.lines)
        print(f"{'page':<52} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        for who, urls in (
            (
                "amoi",
                ["/tableau-de-bord/?annee=2026", "/observatoire/semestre?annee=2026&semestre=1"],
            ),
            ("ccvg", ["/tableau-de-bord/?annee=2026"]),
            ("commune", ["/tableau-de-bord/?annee=2026"]),
            ("company", ["/tableau-de-bord/?annee=2026"]),
        ):
            email = manifest["users"].get(who)
            if email is None:
                continue
            client = app.test_client()
            response = client.post(
                "/connexion", data={"email": email, "password": manifest["password"]}
            )
            assert response.status_code == 303, response.status_code
            for url in urls:
                median, worst, queries, _size = measure(client, url, db.engine)
                print(f"{who + ' ' + url:<52} {median:>10.1f} {worst:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
