"""The census of purchases (*recensement des achats*): buyers declare what they will buy,
the AMOI says whether a clause fits and turns retained declarations into operations
(convention art. 3; the yearly census point of the pilotage, docs/domain.md §4.1)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, UTCDateTime, Versioned
from portal.rules.markets import LegalBasis, PurchaseNature
from portal.rules.workflow import DeclarationStatus, status_label


class PurchaseDeclaration(Timestamped, Versioned, db.Model):
    __tablename__ = "purchase_declarations"
    NOUN = "Cette déclaration"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    nature: Mapped[str] = mapped_column(String(20))
    estimated_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    planned_publication: Mapped[date] = mapped_column(Date, index=True)
    contact: Mapped[str] = mapped_column(String(200), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(
        String(20), default=DeclarationStatus.SUBMITTED.value, index=True
    )
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recommended_basis: Mapped[str | None] = mapped_column(String(30))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    converted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    buyer: Mapped[Organisation] = relationship()  # noqa: F821
    declared_by: Mapped[User | None] = relationship(foreign_keys=[declared_by_id])  # noqa: F821
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])  # noqa: F821
    converted_by: Mapped[User | None] = relationship(foreign_keys=[converted_by_id])  # noqa: F821
    operation: Mapped[Operation | None] = relationship()  # noqa: F821

    @property
    def year(self) -> int:
        """The census year: the year of the planned publication."""
        return self.planned_publication.year

    @property
    def nature_label(self) -> str:
        return PurchaseNature(self.nature).label

    @property
    def status_label(self) -> str:
        return status_label("declaration", self.status)

    @property
    def recommended_basis_label(self) -> str:
        return LegalBasis(self.recommended_basis).label if self.recommended_basis else ""

    def __repr__(self) -> str:
        return f"<PurchaseDeclaration {self.id} {self.title!r}>"
