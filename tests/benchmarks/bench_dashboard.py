"""Benchmark of the dashboard and the observatory (issue 12; prints numbers).

    .venv/bin/python -m tests.benchmarks.bench_dashboard [--backend sqlite]

Takes the department-scale dataset of ``tests.benchmarks.dataset`` (2,000 operations,
10,000 lots, 30,000 people, about 500,000 hour lines; cached by
``tests.benchmarks.databases``). Then, as the AMOI, the CCVG, a commune and a company,
times the home page (each lot's stored progress summed), ``/tableau-de-bord/?annee=2026``
and the semester page (median of 5, SQL query
count).
Not a test: numbers depend on the machine. Target (issue 12): dashboard under 300 ms.
"""

from __future__ import annotations

import argparse

from tests.benchmarks import databases
from tests.benchmarks.bench_lists import measure
from tests.benchmarks.dataset import Shape


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    shape = Shape()
    uri = databases.backend_url(args.backend, shape)
    manifest = databases.prepare(uri, shape)

    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if not manifest["counts"].get("hour_lines"):
            raise SystemExit("the cached dataset has no people: rerun with --rebuild")
        print(f"{'page':<52} {'median ms':>10} {'max ms':>8} {'queries':>8}")
        for who, urls in (
            (
                "amoi",
                [
                    "/",
                    "/tableau-de-bord/?annee=2026",
                    "/observatoire/semestre?annee=2026&semestre=1",
                ],
            ),
            ("ccvg", ["/", "/tableau-de-bord/?annee=2026"]),
            ("commune", ["/", "/tableau-de-bord/?annee=2026"]),
            ("company", ["/", "/tableau-de-bord/?annee=2026"]),
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
