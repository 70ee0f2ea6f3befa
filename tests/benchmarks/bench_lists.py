"""Benchmark of the list pages and exports on a large database (prints numbers).

    .venv/bin/python -m tests.benchmarks.bench_lists [--operations 2000] [--lots-per-market 5]

It builds a throw-away SQLite database (or uses PORTAL_BENCH_DATABASE_URL, e.g. a scratch
PostgreSQL base), fills it, logs in as an AMOI user and as a company, and times each page.
Not a test: numbers depend on the machine; the query counts should not grow with the data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event


def build(app, operations: int, lots_per_market: int) -> dict:
    from portal.extensions import db
    from portal.models import Lot, Market, Operation, Organisation, User
    from portal.passwords import hash_password
    from tests.factories import PASSWORD, valid_siret

    amoi = Organisation(kind="facilitator", name="AMOI", active=True)
    buyers = [Organisation(kind="buyer", name=f"Acheteur {n}", active=True) for n in range(6)]
    companies = [
        Organisation(
            kind="company", name=f"Entreprise {n}", siret=valid_siret(50_000 + n), active=True
        )
        for n in range(200)
    ]
    db.session.add_all([amoi, *buyers, *companies])
    db.session.flush()
    hashed = hash_password(PASSWORD)
    amoi_user = User(
        organisation=amoi,
        name="AMOI",
        email="amoi@bench.example",
        password_hash=hashed,
        active=True,
    )
    company_user = User(
        organisation=companies[0],
        name="Titulaire",
        email="titulaire@bench.example",
        password_hash=hashed,
        active=True,
    )
    db.session.add_all([amoi_user, company_user])
    for n in range(operations):
        op = Operation(buyer_id=buyers[n % 6].id, name=f"Opération {n}", nature="works")
        market = Market(operation=op, reference=f"2026-B-{n:05d}", title=f"Marché {n}")
        db.session.add_all([op, market])
        for k in range(lots_per_market):
            db.session.add(
                Lot(
                    market=market,
                    number=k + 1,
                    title=f"Lot {k + 1}",
                    trade="masonry",
                    amount_excl_tax=Decimal("250000"),
                    holder_id=companies[(n * lots_per_market + k) % 200].id,
                    planned_hours=100 + k * 400,
                )
            )
        if n % 500 == 499:
            db.session.flush()
    db.session.commit()
    return {"amoi": amoi_user.email, "company": company_user.email}


def measure(client, url: str, engine, runs: int = 5) -> tuple[float, float, int, int]:
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    timings = []
    size = 0
    try:
        for _ in range(runs):
            counter["n"] = 0
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.get_data())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(timings), max(timings), counter["n"], size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--lots-per-market", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import TestConfig
    from portal.extensions import db
    from tests.factories import PASSWORD

    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    uri = os.environ.get("PORTAL_BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite'}")
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(
        SQLALCHEMY_DATABASE_URI=uri,
        PAGE_SIZE=25,
        WTF_CSRF_ENABLED=False,
        LOGIN_LIMIT_IP="100000 per minute",
        LOGIN_LIMIT_ACCOUNT="100000 per minute",
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
        start = time.perf_counter()
        emails = build(app, args.operations, args.lots_per_market)
        built = time.perf_counter() - start
        lots = args.operations * args.lots_per_market
        print(
            f"database: {uri.split('://')[0]}, {args.operations} operations, {lots} lots "
            f"(built in {built:.1f} s)"
        )
        print(f"{'page':<44} {'median ms':>10} {'max ms':>8} {'queries':>8} {'bytes':>10}")
        for who, urls in (
            (
                "amoi",
                [
                    "/operations/",
                    "/operations/?page=40",
                    "/operations/?q=Op%C3%A9ration%201",
                    "/lots/",
                    "/lots/?page=200",
                    "/lots/export.csv",
                    "/lots/export.xlsx",
                    "/",
                ],
            ),
            ("company", ["/lots/", "/lots/export.xlsx", "/"]),
        ):
            client = app.test_client()
            response = client.post("/connexion", data={"email": emails[who], "password": PASSWORD})
            assert response.status_code == 303, response.status_code
            for url in urls:
                median, worst, queries, size = measure(client, url, db.engine)
                print(
                    f"{who + ' ' + url:<44} {median:>10.1f} {worst:>8.1f} {queries:>8} {size:>10}"
                )


if __name__ == "__main__":
    main()
