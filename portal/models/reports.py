"""Reports (*bilans*): an operation's annual and final reports, the territory's annual
report (the pilotage report) and a reserved market's annual report (convention art. 5 and
7, annexe 2; docs/domain.md §9).

A report is a draft until the AMOI delivers it: then its ``figures`` (plain JSON data of
``rules.indicators.indicators_data``) and its text are frozen, and a later statement
changes nothing; a new version (``revision`` + 1, ``supersedes_id``) may be issued and
says which one it replaces. ``version`` is the optimistic lock of every versioned form
(``Versioned``), not the report's version number.

Path to the organisation, for ``portal.access``: report → operation → buyer (a territory
report: the CCVG; a reserved market's: market → operation → buyer).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, UTCDateTime, Versioned
from portal.rules.workflow import ReportStatus, status_label


class ReportKind(enum.StrEnum):
    """The four kinds of report (convention art. 5, annexe 2; docs/domain.md §9)."""

    OPERATION_ANNUAL = "operation_annual"
    OPERATION_FINAL = "operation_final"
    TERRITORY_ANNUAL = "territory_annual"
    RESERVED_ANNUAL = "reserved_annual"

    @property
    def label(self) -> str:
        return REPORT_KIND_LABELS[self]


REPORT_KIND_LABELS = {
    ReportKind.OPERATION_ANNUAL: "Bilan annuel de l'opération",
    ReportKind.OPERATION_FINAL: "Bilan final de l'opération",
    ReportKind.TERRITORY_ANNUAL: "Bilan annuel du territoire (pilotage)",
    ReportKind.RESERVED_ANNUAL: "Bilan annuel du marché réservé",
}

TEXT_FIELDS = {
    "pathways": "Parcours des personnes",
    "company_relation": "Relation avec l'entreprise",
    "actions": "Actions menées",
}
"""The AMOI's qualitative interpretation (indicator 7), field → French label."""


class Report(Timestamped, Versioned, db.Model):
    """One version of a report of one kind for one operation (or market, or the
    territory) and one year (None for a final report)."""

    __tablename__ = "reports"
    NOUN = "Ce bilan"
    FEMININE = False
    PRONOUN = "il"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"), index=True)
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.DRAFT.value, index=True)
    pathways: Mapped[str] = mapped_column(Text, default="")
    company_relation: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[dict | None] = mapped_column(JSON)
    """Frozen at delivery: the figures every page and document of a delivered report reads."""
    delivered_on: Mapped[date | None] = mapped_column(Date)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    operation: Mapped[Operation | None] = relationship()  # noqa: F821
    market: Mapped[Market | None] = relationship()  # noqa: F821
    delivered_by: Mapped[User | None] = relationship(foreign_keys=[delivered_by_id])  # noqa: F821
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    supersedes: Mapped[Report | None] = relationship(remote_side=[id])
    invoice: Mapped[Invoice | None] = relationship()  # noqa: F821

    @property
    def status_label(self) -> str:
        return status_label("report", self.status)

    @property
    def kind_label(self) -> str:
        return ReportKind(self.kind).label

    @property
    def is_delivered(self) -> bool:
        return self.status == ReportStatus.DELIVERED.value

    @property
    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.kind} {self.year} v{self.revision} {self.status}>"
