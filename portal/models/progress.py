"""Each lot's progress as last computed (docs/domain.md §7.4): what every home page,
the dashboard and the follow-up work queue read instead of summing the hour lines again.

One row per lot, written by ``portal.statements.progress_store``: in the transaction that
changes what the progress depends on (a line validated or refused, a lot's planned hours
or dates, a placement), and each night for the new day. ``basis`` names what the row was
computed for (the day, the tolerance, the due day): a row of another basis is stale and the
readers compute that lot again rather than show it. ``data`` holds the whole
``rules.progress.LotProgress`` (``to_data``); the other columns are its figures that the
readers sum or filter in SQL. Never a person: hours and flags only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class StoredLotProgress(db.Model):
    __tablename__ = "lot_progress"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True)
    basis: Mapped[str] = mapped_column(String(40), index=True)
    planned: Mapped[int] = mapped_column(Integer, default=0)
    validated: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    projection: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    behind: Mapped[bool] = mapped_column(Boolean, default=False)
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    data: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LotMonthHours(db.Model):
    """The validated hours of a lot in a month: the dashboard's monthly chart reads these
    instead of the hour lines (kept by ``portal.statements.rollups``)."""

    __tablename__ = "lot_month_hours"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    training_hours: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))


class LotYearPerson(db.Model):
    """The validated hours of a person on a lot in a year: the dashboard counts distinct
    people per buyer and per trade from these (an id, never a name; kept by
    ``portal.statements.rollups``)."""

    __tablename__ = "lot_year_people"

    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    hours: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
    training_hours: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0))
