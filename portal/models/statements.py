"""Monthly hour statements (docs/domain.md §7; convention art. 4 and annex 2).

``HourStatement``: one organisation × month, what a structure uploaded (or a company
typed), its status in ``rules.workflow`` (machine ``statement``). ``HourLine``: one
placement × month, the hours worked and, of them, training hours. A placement has at most
one line per month (unique constraint): the same month never counts twice; a second upload
replaces the lines of a statement that is not validated yet.

No identity column: a line points to a placement (the person is there); hours, months and
statuses are aggregates. Path to the organisation, for ``portal.access``: statement →
organisation; line → statement → organisation.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, UTCDateTime, Versioned
from portal.rules.workflow import StatementStatus, status_label

HOURS = Numeric(8, 2)

SOURCE_LABELS = {"upload": "Fichier déposé", "typed": "Saisie en ligne"}
"""How a statement was entered: a structure's file, or a company's typed lines."""


class HourStatement(Timestamped, Versioned, db.Model):
    """The hours one organisation declares for one month (``month`` is its 1st day)."""

    __tablename__ = "hour_statements"
    __table_args__ = (UniqueConstraint("organisation_id", "month"),)
    NOUN = "Ce relevé"
    FEMININE = False
    PRONOUN = "il"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(
        String(20), default=StatementStatus.SUBMITTED.value, index=True
    )
    source: Mapped[str] = mapped_column(String(10), default="upload")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    entered_by_amoi: Mapped[bool] = mapped_column(default=False)
    uploads: Mapped[int] = mapped_column(Integer, default=0)
    """How many files were confirmed for this month (a re-upload replaces the lines)."""
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the AMOI validated it or proposed to refuse some of its lines."""

    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    submitted_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[submitted_by_id]
    )
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])  # noqa: F821
    lines: Mapped[list[HourLine]] = relationship(
        back_populates="statement", order_by="HourLine.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        return status_label("statement", self.status)

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    def __repr__(self) -> str:
        return f"<HourStatement {self.id} {self.month:%Y-%m} {self.status}>"


BUYER_DECISIONS = {"confirmed": "Refus confirmé", "overturned": "Refus écarté"}
"""What the lot's buyer decided on a refusal the AMOI proposed (convention art. 4)."""


class HourLine(Timestamped, Versioned, db.Model):
    """The hours of one placement in one month, of which training hours; its status follows
    the line machine (``statement_line``): the AMOI validates it or proposes to refuse it
    with a reason, the lot's buyer confirms or overturns the refusal with a comment."""

    __tablename__ = "hour_lines"
    __table_args__ = (
        UniqueConstraint("placement_id", "month"),
        # every figure sums the validated hours of some placements over some months: this
        # index answers those sums without reading the table (docs/performance.md)
        Index(
            "ix_hour_lines_counted", "placement_id", "status", "month", "hours", "training_hours"
        ),
    )
    NOUN = "Cette ligne"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("hour_statements.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    month: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(HOURS)
    training_hours: Mapped[Decimal] = mapped_column(HOURS, default=Decimal(0))
    status: Mapped[str] = mapped_column(
        String(20), default=StatementStatus.SUBMITTED.value, index=True
    )
    source_line: Mapped[int | None] = mapped_column(Integer)
    """The file's line number, to point back to it."""
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    """The AMOI's reason when it proposes to refuse the line."""
    refusal_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    refusal_proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    buyer_decision: Mapped[str] = mapped_column(String(20), default="")
    """``confirmed`` or ``overturned`` once the lot's buyer decided (``BUYER_DECISIONS``)."""
    buyer_comment: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    statement: Mapped[HourStatement] = relationship(back_populates="lines")
    placement: Mapped[Placement] = relationship()  # noqa: F821
    refusal_proposed_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[refusal_proposed_by_id]
    )
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])  # noqa: F821

    @property
    def status_label(self) -> str:
        return status_label("statement_line", self.status)

    @property
    def buyer_decision_label(self) -> str:
        return BUYER_DECISIONS.get(self.buyer_decision, "")

    def __repr__(self) -> str:
        return f"<HourLine {self.id} {self.month:%Y-%m}>"
