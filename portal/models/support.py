"""The SIAE's commitments of support on a reserved market (from the technical memo of its
offer) and the actions it did against them (annexe 2; docs/domain.md §9.1).

Path to the organisation, for ``portal.access``: a commitment → its market → operation →
buyer, and the SIAE holding the lot (``organisation_id``); an action → its commitment.
People concerned by an action are a count only, never names (docs/gdpr-record.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, Versioned
from portal.rules.support import COMMITMENT_KINDS


class SupportCommitment(Timestamped, Versioned, db.Model):
    """« Entretiens individuels de suivi : 12 entretiens par an » – one commitment of
    support of the SIAE holding a lot of a reserved market."""

    __tablename__ = "support_commitments"
    NOUN = "Cet engagement"

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    target: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    unit: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    market: Mapped[Market] = relationship()  # noqa: F821
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    actions: Mapped[list[SupportAction]] = relationship(
        back_populates="commitment", order_by="SupportAction.day"
    )

    @property
    def kind_label(self) -> str:
        return COMMITMENT_KINDS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<SupportCommitment {self.id} {self.label!r}>"


class SupportAction(Timestamped, Versioned, db.Model):
    """An action done against a commitment: its day, quantity, people concerned (a count
    only) and a short description."""

    __tablename__ = "support_actions"
    NOUN = "Cette action"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("support_commitments.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    people: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    commitment: Mapped[SupportCommitment] = relationship(back_populates="actions")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])  # noqa: F821

    def __repr__(self) -> str:
        return f"<SupportAction {self.id} {self.day} {self.quantity}>"
