"""Benchmark of the list pages in-process (prints numbers); the exports, jobs since issue
16, are timed by ``tests.benchmarks.bench_jobs``.

    .venv/bin/python -m tests.benchmarks.bench_lists [--operations 2000] [--backend sqlite]

It uses the dataset of ``bench_serve`` (``tests.benchmarks.dataset``, cached by
``tests.benchmarks.databases``; PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` is set and
``--backend postgres``), logs in as the AMOI and as a company through the test client, and
times each page with its SQL query count. Not a test: numbers depend on the machine; the
query counts should not grow with the data. The served figures come from ``bench_serve``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import event

from tests.benchmarks import databases
from tests.benchmarks.dataset import Shape


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
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    shape = Shape(operations=args.operations, lots=5 * args.operations)
    uri = databases.backend_url(args.backend, shape)
    manifest = databases.prepare(uri, shape)

    from portal import create_app
    from portal.extensions import db

    config = {
        "SQLALCHEMY_DATABASE_URI": uri,
        "PAGE_SIZE": 25,
        "WTF_CSRF_ENABLED": False,
    }
    app = create_app(config)
    with app.app_context():
        print(f"database: {args.backend}, {manifest['counts']}")
        print(f"{'page':<44} {'median ms':>10} {'max ms':>8} {'queries':>8} {'bytes':>10}")
        for who, urls in (
            (
                "amoi",
                [
                    "/operations/",
                    "/operations/?page=40",
                    "/operations/?q=%C3%A9cole",
                    "/lots/",
                    "/lots/?page=200",
                    "/",
                ],
            ),
            ("company", ["/lots/", "/"]),
        ):
            client = app.test_client()
            email = manifest["users"][who]
            response = client.post(
                "/connexion", data={"email": email, "password": manifest["password"]}
            )
            assert response.status_code == 303, response.status_code
            for url in urls:
                median, worst, queries, size = measure(client, url, db.engine)
                print(
                    f"{who + ' ' + url:<44} {median:>10.1f} {worst:>8.1f} {queries:>8} {size:>10}"
                )


if __name__ == "__main__":
    main()
