"""Where one page's time goes (issue 15): one request in-process under cProfile, its SQL
statements counted and timed, the slowest ones explained by the database.

    .venv/bin/python -m tests.benchmarks.bench_profile [--backend sqlite|postgres]
        [--role amoi] [--operations 2000] [--top 25] [--explain 3] PATH [PATH…]

It uses the dataset of ``bench_serve`` (``tests.benchmarks.databases``, built if missing)
and the default configuration with the same database; the request is made once to warm
the caches, then measured. On PostgreSQL the slowest statements are run again under
``EXPLAIN (ANALYZE, BUFFERS)``; on SQLite under ``EXPLAIN QUERY PLAN``. Not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from dataclasses import dataclass

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


def profile_page(app, client, path: str, top: int, explained: int) -> None:
    from portal.extensions import db

    client.get(path)  # warm: compiled statements, templates, the identity of the user
    with app.app_context():
        engine = db.engine
    with SqlLog(engine) as log:
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        response = client.get(path)
        profiler.disable()
        total = (time.perf_counter() - started) * 1000
    sql_ms = sum(s.ms for s in log.statements)
    print(f"\n=== {path}: HTTP {response.status_code}, {len(response.get_data())} bytes")
    print(
        f"    {total:.0f} ms under cProfile, {len(log.statements)} statements, "
        f"{sql_ms:.0f} ms in the database driver"
    )
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    stats.sort_stats("tottime").print_stats(top // 2)
    print(out.getvalue())
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
        profile_page(app, client, path, args.top, args.explain)


if __name__ == "__main__":
    main()
