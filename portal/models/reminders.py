"""The log of the monthly statement reminders (docs/domain.md §7; issue 10).

One row per organisation and day a reminder was written to the outbox: the same day, the
command and the AMOI's page send nothing new to that organisation (idempotence, unique
constraint). No personal data: the months and lots reminded, counted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class StatementReminder(db.Model):
    """A reminder of late statements sent to one organisation on ``sent_on``."""

    __tablename__ = "statement_reminders"
    __table_args__ = (UniqueConstraint("organisation_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    months: Mapped[str] = mapped_column(String(400), default="")
    """The late months, ``2026-10 2026-11`` (first days, ISO)."""
    late_count: Mapped[int] = mapped_column(Integer, default=0)
    """How many (lot, month) statements were late."""
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    """The AMOI user who sent it from the page; None: the command (cron)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<StatementReminder {self.organisation_id} {self.sent_on}>"
