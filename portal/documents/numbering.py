"""Gapless document numbers per series and year (``DEV-2026-0007``, ``FAC-2026-0012``)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db
from portal.models import NumberSeries


def next_number(series: str, year: int) -> str:
    """The next number of ``series`` for ``year`` (``DEV-2026-0007``), without gaps: the
    counter row is incremented inside the caller's transaction (a row lock on PostgreSQL,
    the database write lock on SQLite), so a rolled-back transaction gives its number back
    and two concurrent transactions never share one."""
    bump = (
        update(NumberSeries)
        .where(NumberSeries.series == series, NumberSeries.year == year)
        .values(last=NumberSeries.last + 1)
        .returning(NumberSeries.last)
        .execution_options(synchronize_session=False)
    )
    value = db.session.execute(bump).scalar()
    if value is None:
        # First number of the year: create the counter; if another transaction does it at
        # the same time, ON CONFLICT DO NOTHING waits for it and then leaves its row alone.
        dialect = db.session.get_bind().dialect.name
        insert_fn = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(
            insert_fn(NumberSeries)
            .values(series=series, year=year, last=0)
            .on_conflict_do_nothing(index_elements=["series", "year"])
        )
        value = db.session.execute(bump).scalar_one()
    return f"{series}-{year}-{value:04d}"
