"""Column types and mixins shared by every model."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship
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


class Versioned:
    """A row two people may change at once (issue 14, « one way to act »): its ``version``
    is a SQLAlchemy ``version_id_col``, carried by the forms that change it and checked by
    ``portal.web.actions``; ``last_changed_by`` names who wrote last, for the 409 page
    (``portal.database`` sets it on every flush of a changed row inside a request)."""

    NOUN = "Cet élément"  # how a 409 names the object: « Cette opération a été modifiée… »
    FEMININE = False
    PRONOUN = "il"

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    last_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @declared_attr
    def last_changed_by(cls):
        return relationship("User", foreign_keys=f"{cls.__name__}.last_changed_by_id")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


def assign(obj: object, values: Mapping[str, object]) -> list[str]:
    """Set every attribute of ``values`` on ``obj``; the names of those whose value
    changed, in the order of ``values`` (audit lines name the fields, never their values).

    Every value is set, changed or not, so that a new object gets them all (an unset
    attribute reads None before the flush); SQLAlchemy writes only real changes."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name, value in values.items():
        setattr(obj, name, value)
    return changed


POSTGRESQL_ONLY = {"only_on": "postgresql"}  # ``Index.info`` of an index SQLite does not have


def trigram_index(table: str, column: str) -> Index:
    """A ``pg_trgm`` GIN index on ``column`` for the ``ILIKE '%…%'`` searches of the lists
    (PostgreSQL only: migration ``0009_lots_search``; SQLite scans, docs/performance.md)."""
    return Index(
        f"ix_{table}_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
        info=POSTGRESQL_ONLY,
    )


def include_in_schema(dialect: str):
    """The ``include_object`` hook of the migrations' comparison with the models: an index
    declared for PostgreSQL only is not expected in another database."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        only_on = getattr(obj, "info", {}).get("only_on")
        return only_on is None or only_on == dialect

    return include
