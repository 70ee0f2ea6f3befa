"""Engine set-up: SQLite gets WAL and foreign keys; PostgreSQL needs nothing special."""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models.base import Versioned


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _stamp_author(session: Session, _context, _instances) -> None:
    """A versioned row changed during a request records who changed it (for the « who
    changed it » 409 of ``portal.web.actions``)."""
    if not has_request_context():
        return
    user = g.get("user")
    if user is None:
        return
    for obj in session.dirty:
        if isinstance(obj, Versioned) and session.is_modified(obj, include_collections=False):
            obj.last_changed_by_id = user.id


def register_database(app: Flask) -> None:
    if not event.contains(Session, "before_flush", _stamp_author):
        event.listen(Session, "before_flush", _stamp_author)
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(
            engine, "connect", _sqlite_pragmas
        ):
            event.listen(engine, "connect", _sqlite_pragmas)
