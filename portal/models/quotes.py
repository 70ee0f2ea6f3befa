"""Quotes (*devis*) and invoices (*factures*) of the AMOI, the convention's avenants and
the gapless number series (convention art. 7 and annexe 2; docs/domain.md §1 and 4).

A quote and its invoices reach their buyer through ``buyer_id`` (the operation's buyer,
the CCVG for a pilotage quote), so that ``portal.access`` scopes them in one step.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, UTCDateTime, Versioned
from portal.rules.tariffs import Billing
from portal.rules.workflow import QuoteStatus, status_label

MONEY = Numeric(12, 2)


class QuoteKind(enum.StrEnum):
    OPERATION = "operation"
    PILOTAGE = "pilotage"

    @property
    def label(self) -> str:
        return {"operation": "Devis d'opération", "pilotage": "Devis de pilotage annuel"}[self]


class Amendment(Timestamped, db.Model):
    """An *avenant* to the framework convention that adds a period (a renewal), so that
    quotes can be dated in it (docs/domain.md §1: renewed only by avenant). It may bring a new
    price grid (``grid``, plain data read by ``rules.tariffs.grid_from_data``) in force from
    ``grid_from`` (convention: prices change only by avenant; docs/domain.md §4)."""

    __tablename__ = "amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    signed_on: Mapped[date | None] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    grid: Mapped[dict | None] = mapped_column(JSON)
    grid_from: Mapped[date | None] = mapped_column(Date)


class ConventionTermination(Timestamped, db.Model):
    """A termination of the convention for breach (art. 6): notice given on a day by one
    party, effective 3 months later (``rules.deadlines.notice_end``); the periods end the
    day before (``rules.deadlines.periods_after_termination``). Recorded by an AMOI admin;
    a withdrawn notice is kept with its withdrawal date (nothing is deleted)."""

    __tablename__ = "convention_terminations"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_given_on: Mapped[date] = mapped_column(Date)
    effective_on: Mapped[date] = mapped_column(Date)
    given_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class NumberSeries(db.Model):
    """The last number used per series and year (``DEV``, ``FAC``): incremented in the
    transaction that uses it, so a rolled-back submission leaves no gap."""

    __tablename__ = "number_series"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Quote(Timestamped, db.Model):
    __tablename__ = "quotes"
    NOUN = "Ce devis"
    PRONOUN = "il"
    __table_args__ = (UniqueConstraint("number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=QuoteKind.OPERATION.value)
    number: Mapped[str | None] = mapped_column(String(20))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"), index=True)
    pilotage_year: Mapped[int | None] = mapped_column(Integer)
    quote_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=QuoteStatus.DRAFT.value, index=True)
    sourced_siae: Mapped[int] = mapped_column(Integer, default=0)
    grid_code: Mapped[str] = mapped_column(String(40), default="")
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    revision_of_id: Mapped[int | None] = mapped_column(ForeignKey("quotes.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    report_delivered_on: Mapped[date | None] = mapped_column(Date)
    # Chorus Pro references of the buyer (recorded by the CCVG or the AMOI, copied onto
    # each invoice when it is issued): the receiving structure's SIRET, its service code
    # and the commitment number (*numéro d'engagement*).
    chorus_siret: Mapped[str] = mapped_column(String(14), default="")
    service_code: Mapped[str] = mapped_column(String(100), default="")
    commitment_number: Mapped[str] = mapped_column(String(50), default="")
    last_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    buyer: Mapped[Organisation] = relationship(foreign_keys=[buyer_id])  # noqa: F821
    operation: Mapped[Operation | None] = relationship()  # noqa: F821
    lines: Mapped[list[QuoteLineRow]] = relationship(
        back_populates="quote", order_by="QuoteLineRow.position", cascade="all, delete-orphan"
    )
    invoices: Mapped[list[Invoice]] = relationship(back_populates="quote", order_by="Invoice.id")
    revision_of: Mapped[Quote | None] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])  # noqa: F821
    last_changed_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[last_changed_by_id]
    )

    @property
    def status_label(self) -> str:
        if self.is_pilotage and self.status == QuoteStatus.INVOICED_BALANCE:
            return "Facturé"  # no deposit on a pilotage quote: nothing is a "balance"
        return status_label("quote", self.status)

    @property
    def kind_label(self) -> str:
        return QuoteKind(self.kind).label

    @property
    def is_approved(self) -> bool:
        """Validated by the CCVG (whatever has been invoiced since)."""
        return self.status in APPROVED_STATUSES

    @property
    def is_pilotage(self) -> bool:
        return self.kind == QuoteKind.PILOTAGE

    @property
    def title(self) -> str:
        if self.is_pilotage:
            return f"Pilotage annuel {self.pilotage_year}"
        return self.operation.name if self.operation else "Devis"

    @property
    def display_number(self) -> str:
        return self.number or f"Brouillon n°{self.id}"

    def __repr__(self) -> str:
        return f"<Quote {self.id} {self.number or 'draft'} {self.status}>"


APPROVED_STATUSES = frozenset(
    {
        QuoteStatus.APPROVED,
        QuoteStatus.INVOICED_DEPOSIT,
        QuoteStatus.INVOICED_BALANCE,
        QuoteStatus.SETTLED,
    }
)


class QuoteLineRow(db.Model):
    """A stored quote line: generated from ``rules.tariffs`` (never retyped) or manual
    (days × day rate, with a justification). ``billing`` says when it is invoiced; a line
    invoiced on its own (a reserved market's year, a pilotage part) keeps the invoice that
    billed it (``invoice_id``)."""

    __tablename__ = "quote_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    unit: Mapped[str] = mapped_column(String(20))
    unit_amount: Mapped[Decimal] = mapped_column(MONEY)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    justification: Mapped[str] = mapped_column(Text, default="")
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"))
    share_id: Mapped[int | None] = mapped_column(ForeignKey("subcontractor_shares.id"))
    market_id: Mapped[int | None] = mapped_column(ForeignKey("markets.id"))
    billing: Mapped[str] = mapped_column(String(20), default=Billing.SPLIT.value)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    pilotage_year: Mapped[int | None] = mapped_column(Integer)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))

    quote: Mapped[Quote] = relationship(back_populates="lines")
    invoice: Mapped[Invoice | None] = relationship(foreign_keys=[invoice_id])

    @property
    def billed_separately(self) -> bool:
        """Invoiced on its own (yearly or on the annual report), not 50/50."""
        return self.billing != Billing.SPLIT

    @property
    def needs_input(self) -> bool:
        """A manual line still waiting for its days or its justification."""
        return self.manual and (not self.quantity or not self.justification.strip())


class InvoiceKind(enum.StrEnum):
    DEPOSIT = "deposit"
    BALANCE = "balance"
    FULL = "full"
    ANNUAL = "annual"

    @property
    def label(self) -> str:
        return INVOICE_KIND_LABELS[self]


INVOICE_KIND_LABELS = {
    InvoiceKind.DEPOSIT: "Acompte de 50 % à la validation du devis",
    InvoiceKind.BALANCE: "Solde à la remise du bilan final",
    InvoiceKind.FULL: "Pilotage annuel, à la remise du bilan annuel",
    InvoiceKind.ANNUAL: "Suivi annuel du marché réservé, à la remise du bilan annuel",
}


class InvoiceStatus(enum.StrEnum):
    ISSUED = "issued"
    PAID = "paid"

    @property
    def label(self) -> str:
        return {"issued": "Émise", "paid": "Payée"}[self]


class Invoice(Timestamped, Versioned, db.Model):
    __tablename__ = "invoices"
    NOUN = "Cette facture"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    share: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default=InvoiceStatus.ISSUED.value, index=True)
    paid_on: Mapped[date | None] = mapped_column(Date)
    # Everything the invoice prints is frozen when it is issued, so that a later change of
    # the settings, an organisation or the quote's references never changes it.
    due_date: Mapped[date | None] = mapped_column(Date)
    payment_terms: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0.00"))
    vat_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    payee: Mapped[dict] = mapped_column(JSON, default=dict)
    billed_to: Mapped[str] = mapped_column(String(200))
    billed_address: Mapped[str] = mapped_column(Text, default="")
    billed_siret: Mapped[str] = mapped_column(String(14), default="")
    commune: Mapped[str] = mapped_column(String(200), default="")
    service_code: Mapped[str] = mapped_column(String(100), default="")
    commitment_number: Mapped[str] = mapped_column(String(50), default="")
    quote: Mapped[Quote] = relationship(back_populates="invoices")
    buyer: Mapped[Organisation] = relationship()  # noqa: F821
    billed_lines: Mapped[list[QuoteLineRow]] = relationship(
        foreign_keys="QuoteLineRow.invoice_id", viewonly=True, overlaps="invoice"
    )

    @property
    def kind_label(self) -> str:
        return InvoiceKind(self.kind).label

    @property
    def status_label(self) -> str:
        return InvoiceStatus(self.status).label

    @property
    def amount_due(self) -> Decimal:
        """What the CCVG pays: the net amount plus the VAT frozen at issue (none when the
        payee is not subject to VAT)."""
        return self.amount + (self.vat_amount or Decimal("0.00"))

    def __repr__(self) -> str:
        return f"<Invoice {self.number} {self.amount}>"
