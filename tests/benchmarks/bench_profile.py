"""Where one page's time goes (issue 15): requests in-process under pyinstrument (sampling), the SQL
statements of one counted and timed, the slowest ones explained by the database.

    .venv/bin/python -m tests.benchmarks.bench_profile [--backend sqlite|postgres]
        [--role amoi] [--operations 2000] [--top 25] [--explain 3] PATH [PATH…]

It uses the dataset of ``bench_serve`` (``tests.benchmarks.databases``, built if missing)
and the default configuration with the same database; the page is requested once to warm
the caches, then timed and profiled over ``--runs`` requests. On PostgreSQL the slowest statements are run again under
``EXPLAIN (ANALYZE, BUFFERS)``; on SQLite under ``EXPLAIN QUERY PLAN``. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass

from pyinstrument import Profiler
from sqlalchemy import event

from tests.benchmarks import databases
from tests.benchmarks.dataset import Shape


@dataclass
class Statement:
    sql: str
    parameters: object
    ms: float


class SqlLog:
    """Every statement the engine runs while it is attached, with its duration."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[Statement] = []

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        ms = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        self.statements.append(Statement(statement, parameters, ms))

    def __enter__(self) -> SqlLog:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def explain(engine, statement: Statement) -> str:
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if engine.dialect.name == "postgresql" else ""
    prefix = prefix or "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement.sql, statement.parameters).all()
        conn.rollback()
    return "\n".join("    " + " | ".join(str(v) for v in row) for row in rows)


def _timed(client, path: str) -> tuple[float, float]:
    """Wall and CPU milliseconds of one request (the test client runs in this thread)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    client.get(path)
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def profile_page(app, client, path: str, top: int, explained: int, runs: int) -> None:
    """``runs`` requests timed, ``runs`` more under pyinstrument (a sampling profiler: unlike
    cProfile it does not inflate code made of many small calls, such as templates and
    babel), one with its SQL."""
    from portal.extensions import db

    client.get(path)  # warm: compiled statements, templates, the identity of the user
    with app.app_context():
        engine = db.engine
    walls, cpus = zip(*(_timed(client, path) for _ in range(runs)), strict=True)
    profiler = Profiler(interval=0.0002)
    with profiler:
        for _ in range(runs):
            client.get(path)
    with SqlLog(engine) as log:
        response = client.get(path)
    sql_ms = sum(s.ms for s in log.statements)
    print(f"\n=== {path}: HTTP {response.status_code}, {len(response.get_data())} bytes")
    print(
        f"    per request (median of {runs}): {statistics.median(walls):.1f} ms wall, "
        f"{statistics.median(cpus):.1f} ms CPU of this thread; {len(log.statements)} "
        f"statements, {sql_ms:.1f} ms wall in the database driver (execute only)"
    )
    for statement in log.statements:
        print(f"    {statement.ms:7.2f} ms  {' '.join(statement.sql.split())[:150]}")
    print(f"pyinstrument over {runs} requests (wall time, sampled):")
    print(profiler.output_text(color=False, show_all=False, short_mode=False))
    print(profiler.output_text(color=False, flat=True)[: 120 * top])
    slowest = sorted(log.statements, key=lambda s: s.ms, reverse=True)
    for statement in slowest[:explained]:
        print(f"--- {statement.ms:.1f} ms: {' '.join(statement.sql.split())[:600]}")
        print(explain(engine, statement))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--role", default="amoi")
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--explain", type=int, default=3)
    parser.add_argument("--htmx", action="store_true", help="send HX-Request: true")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    shape = Shape(operations=args.operations, lots=5 * args.operations)
    url = databases.backend_url(args.backend, shape)
    manifest = databases.prepare(url, shape)

    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    email = manifest["users"][args.role]
    answer = client.post("/connexion", data={"email": email, "password": manifest["password"]})
    if answer.status_code != 303:
        raise SystemExit(f"login of {email}: HTTP {answer.status_code}")
    if args.htmx:
        client.environ_base["HTTP_HX_REQUEST"] = "true"
    for path in args.paths:
        profile_page(app, client, path, args.top, args.explain, args.runs)


if __name__ == "__main__":
    main()
