"""Shared fixtures: a migrated database per test, an app, CSRF-aware clients.

The suite runs on SQLite always and on PostgreSQL when ``PORTAL_TEST_BACKEND=postgres``
(the Makefile sets it, with ``PORTAL_TEST_DATABASE_URL``, for the second pass).
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, inspect, text

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db

BACKEND = os.environ.get("PORTAL_TEST_BACKEND", "sqlite")
HTMX = {"HX-Request": "true"}
CONFIRMED = {"confirmation": "1"}  # what the confirmation dialog (or step page) adds
TOKEN_RE = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _migrate(uri: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        upgrade()
        _db.engine.dispose()


def _config_dict() -> dict:
    return {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}


def _worker_database(uri: str) -> str:
    """Under pytest-xdist (``make test`` runs one worker per core) each worker gets its own
    PostgreSQL database, ``<name>_<worker>``, created on first use; alone, the URI itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return uri
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    name = f"{url.database}_{worker}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """A database migrated once per session (SQLite file or the PostgreSQL test base)."""
    if BACKEND == "postgres":
        uri = _worker_database(os.environ["PORTAL_TEST_DATABASE_URL"])
        _migrate(uri)
        return uri
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    _migrate(f"sqlite:///{path}")
    return str(path)


class _PostgresReset:
    """Empties what the previous test wrote, in a few milliseconds: one query finds the
    tables holding rows, only those are truncated (the audit triggers bypassed for this
    transaction only), and every sequence restarts at 1. Truncating all the tables each
    time cost 100 ms per test, the largest part of the PostgreSQL pass."""

    def __init__(self, uri: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(uri)
        tables = [t for t in inspect(self.engine).get_table_names() if t != "alembic_version"]
        self.probe = text(
            " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
        )
        self.sequences = text(
            "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
        )

    def __call__(self) -> None:
        with self.engine.begin() as conn:
            dirty = [row[0] for row in conn.execute(self.probe)]
            if dirty:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                quoted = ", ".join(f'"{t}"' for t in dirty)
                conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            conn.execute(self.sequences)


@pytest.fixture(scope="session")
def postgres_reset(database_template):
    reset = _PostgresReset(database_template)
    yield reset
    reset.engine.dispose()


@pytest.fixture
def database_uri(database_template, tmp_path, request) -> str:
    if BACKEND == "postgres":
        request.getfixturevalue("postgres_reset")()
        return database_template
    path = tmp_path / "portal.sqlite"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_uri, tmp_path):
    app = create_app(
        {
            **_config_dict(),
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "PEOPLE_PROOF_FOLDER": str(tmp_path / "proofs"),
            "STATEMENT_UPLOAD_FOLDER": str(tmp_path / "statement-uploads"),
            "DEMO_INSTANCE": False,
        }
    )
    app.test_client_class = Client
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


class Client(FlaskClient):
    """A test client whose requests run in their own context (fresh ``g`` and DB session,
    as in production) and that knows how to send the CSRF token."""

    def open(self, *args, **kwargs):
        _db.session.commit()  # the test's pending objects become visible to the request
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _db.session.commit()  # end the test's snapshot: it sees what the request wrote
        return response

    def csrf_token(self) -> str:
        """The token of this client's session, read from a page like a browser would."""
        for url in ("/compte", "/connexion"):
            page = self.get(url)
            match = TOKEN_RE.search(page.get_data(as_text=True))
            if page.status_code == 200 and match:
                return match.group(1)
        raise AssertionError("no page carried a CSRF token")

    def post_form(self, url: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
        """POST with the CSRF token in the form, as the plain HTML form does."""
        payload = {"csrf_token": self.csrf_token(), **(data or {})}
        headers = {**kwargs.pop("headers", {}), **(HTMX if htmx else {})}
        return self.post(url, data=payload, headers=headers, **kwargs)

    def export(self, url: str):
        """Start an export job as its button does (POST with the CSRF token), then fetch
        its file from the job's page, as the user clicking « Télécharger »: under
        ``JOBS_URL=immediate`` the job has run by the time the POST answers. Returns the
        first answer that is not the expected step (the refusal of the POST, say)."""
        started = self.post_form(url)
        if started.status_code != 303 or not started.location.startswith("/exports/"):
            return started
        status = self.get(started.location)
        if status.status_code != 200:
            return status
        return self.get(started.location + "/fichier")

    def login(self, user, password: str | None = None):
        from tests.factories import PASSWORD

        response = self.post_form(
            "/connexion", {"email": user.email, "password": password or PASSWORD}
        )
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        return response


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def login_as(app):
    """``login_as(user)`` → a new client logged in as that user."""

    def _login(user) -> Client:
        client = app.test_client()
        client.login(user)
        return client

    return _login


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def assert_max_queries(app):
    """``with assert_max_queries(n): client.get(...)`` fails on more than n SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def _guard(limit: int):
        counter = QueryCounter()
        engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        assert counter.count <= limit, f"{counter.count} queries (limit {limit}):\n" + "\n".join(
            counter.statements
        )

    return _guard


def outbox_messages(app) -> list[Path]:
    outbox = Path(app.config["MAIL_OUTBOX"])
    return sorted(outbox.glob("*.eml")) if outbox.exists() else []


def text_of(response) -> str:
    """The response body with HTML entities decoded (French text is full of apostrophes)."""
    import html

    return html.unescape(response.get_data(as_text=True))


def words_of(response) -> str:
    """The text a reader sees: tags removed, every run of spaces (non-breaking ones
    included) turned into one space."""
    import re

    text = re.sub(r"<[^>]+>", " ", text_of(response))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def versioned(obj, data: dict | None = None) -> dict:
    """Form data carrying the version of ``obj`` the user saw, as every form that changes
    an object does (``portal.web.actions``)."""
    return {"version": str(obj.version), **(data or {})}


# --- what a run on SQLite alone does not prove -------------------------------------------

POSTGRES_MISSING = (
    "PostgreSQL was NOT tested (PORTAL_TEST_BACKEND is not postgres). SQLite serialises every "
    "writer, so a concurrency test passes there even against a read-then-increment counter: "
    "the gapless DEV/FAC numbering and the other concurrency guarantees are proven only by "
    "the PostgreSQL pass. Set PORTAL_TEST_DATABASE_URL=postgresql+psycopg://… and run "
    "`make test`."
)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """On SQLite, end with a warning naming the concurrency tests that ran there, where
    they cannot fail for the reason they exist (issue 14)."""
    if BACKEND == "postgres":
        return
    ran = sorted(
        {
            report.nodeid
            for outcome in ("passed", "failed")
            for report in terminalreporter.stats.get(outcome, [])
            if report.when == "call" and "concurrency" in report.keywords
        }
    )
    if not ran:
        return
    tests = "test" if len(ran) == 1 else "tests"
    if os.environ.get("PORTAL_TEST_DATABASE_URL"):
        terminalreporter.write_line(
            f"SQLite pass: {len(ran)} concurrency {tests} will be proven by the PostgreSQL pass."
        )
        return
    terminalreporter.write_sep("!", "PostgreSQL not tested", yellow=True, bold=True)
    terminalreporter.write_line(POSTGRES_MISSING, yellow=True, bold=True)
    terminalreporter.write_line(
        f"{len(ran)} concurrency {tests} ran on SQLite only, which proves nothing about "
        "concurrent transactions:",
        yellow=True,
    )
    for nodeid in ran:
        terminalreporter.write_line(f"  {nodeid}", yellow=True)
