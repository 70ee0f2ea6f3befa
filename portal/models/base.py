"""Column types and mixins shared by every model."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (models and views; never in rules)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (portable to SQLite), returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


def assign(obj: object, values: Mapping[str, object]) -> list[str]:
    """Set every attribute of ``values`` on ``obj``; the names of those whose value
    changed, in the order of ``values`` (audit lines name the fields, never their values).

    Every value is set, changed or not, so that a new object gets them all (an unset
    attribute reads None before the flush); SQLAlchemy writes only real changes."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name, value in values.items():
        setattr(obj, name, value)
    return changed
