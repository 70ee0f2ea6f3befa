"""Where the benchmark's dataset lives, built once and reused while its parameters match:
a SQLite file under ``instance/bench/`` named after the dataset's key, and, when
``PORTAL_TEST_DATABASE_URL`` is set, a PostgreSQL database ``<its name>_bench`` (created if
missing). Each is migrated with ``flask db upgrade`` as in production, then filled by
``tests.benchmarks.dataset.build``; PostgreSQL is vacuumed and analysed after loading, as
autovacuum would have done on a live base.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url, select, text

from portal.models import Setting
from tests.benchmarks import dataset

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "instance" / "bench"


def sqlite_url(shape: dataset.Shape) -> str:
    digest = hashlib.sha256(shape.key().encode()).hexdigest()[:12]
    return f"sqlite:///{BENCH_DIR / f'bench-{digest}.sqlite'}"


def postgres_url(test_url: str) -> str:
    """``PORTAL_TEST_DATABASE_URL`` with ``_bench`` appended to the database name."""
    url = make_url(test_url)
    return url.set(database=f"{url.database}_bench").render_as_string(hide_password=False)


def backend_url(backend: str, shape: dataset.Shape) -> str:
    """The benchmark database of ``backend`` (``sqlite`` or ``postgres``)."""
    if backend == "sqlite":
        return sqlite_url(shape)
    test_url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not test_url:
        raise SystemExit("the PostgreSQL pass needs PORTAL_TEST_DATABASE_URL")
    return postgres_url(test_url)


def _manifest(url: str) -> dict | None:
    """The manifest of the database at ``url``, or None (missing, empty, not migrated)."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("settings"):
                return None
            table = Setting.__table__
            value = conn.scalar(select(table.c.value).where(table.c.key == dataset.MANIFEST_KEY))
    except Exception:  # the PostgreSQL database does not exist yet
        return None
    finally:
        engine.dispose()
    return json.loads(value) if value else None


def _reset_sqlite(url: str) -> None:
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _reset_postgres(url: str) -> None:
    """Drop and create the benchmark database (the audit table refuses DELETE)."""
    target = make_url(url)
    name = target.database
    if not name or not name.endswith("_bench"):
        raise RuntimeError(f"refusing to drop {name!r}: not a benchmark database")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def migrate(url: str) -> None:
    """``flask db upgrade`` on ``url``, as the deployment section of the README does."""
    env = {**os.environ, "FLASK_APP": "wsgi.py", "PORTAL_SQLALCHEMY_DATABASE_URI": url}
    env.pop("PORTAL_ENV", None)
    flask = Path(sys.executable).parent / "flask"
    done = subprocess.run(
        [str(flask), "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask db upgrade failed:\n{done.stdout}\n{done.stderr}")


def _analyze(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def prepare(url: str, shape: dataset.Shape, rebuild: bool = False) -> dict:
    """The database at ``url`` holding ``shape``'s dataset (built unless cached); its
    manifest."""
    current = None if rebuild else _manifest(url)
    if current and current.get("key") == shape.key():
        print(f"  dataset cached ({current['counts']['operations']} operations), reused")
        migrate(url)  # a migration added since the build (an empty table) applies to it
        store_progress(url)
        return current
    print(f"  building the dataset ({shape.operations} operations, {shape.lots} lots)…")
    postgres = url.startswith("postgresql")
    _reset_postgres(url) if postgres else _reset_sqlite(url)
    migrate(url)
    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        manifest = dataset.build(shape)
        db.engine.dispose()
    store_progress(url)
    if postgres:
        _analyze(url)
    print(f"  built in {manifest['built_seconds']} s: {manifest['counts']}")
    return manifest


def store_progress(url: str) -> None:
    """What the jobs worker does each night: store every lot's progress for today (the
    dataset writes its hour lines in bulk, past the session's hooks). Prints its cost."""
    import time

    from portal import create_app
    from portal.extensions import db
    from portal.models import LotMonthHours
    from portal.statements.progress_store import refresh_stale
    from portal.statements.rollups import rebuild_all

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if db.session.query(LotMonthHours).first() is None:
            started = time.perf_counter()
            lots = rebuild_all()
            print(f"  roll-ups of {lots} lots built in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        count = refresh_stale()
        if count:
            print(
                f"  lots' progress stored for today: {count} in {time.perf_counter() - started:.1f} s"
            )
        db.engine.dispose()
