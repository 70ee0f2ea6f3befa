"""Operations, markets, lots, their hour calculations and TCE subcontractor shares
(docs/domain.md §2 and §3; convention art. 3 and 4).

Every row reaches its buyer through one chain that ``portal.access`` knows:
lot → market → operation → buyer.
"""

from __future__ import annotations

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
from portal.models.base import Timestamped, UTCDateTime, Versioned, trigram_index, utcnow
from portal.rules.hours import TRADES
from portal.rules.markets import LegalBasis, PenaltyKind, PurchaseNature, describe_penalty
from portal.rules.workflow import OperationStatus, SplitStatus, status_label

MONEY = Numeric(12, 2)
HOURS = Numeric(8, 2)


class Operation(Timestamped, Versioned, db.Model):
    """An *opération*: a building project or a service bought by one buyer."""

    __tablename__ = "operations"
    __table_args__ = (trigram_index("operations", "name"),)
    NOUN = "Cette opération"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    nature: Mapped[str] = mapped_column(String(20), default=PurchaseNature.WORKS.value)
    description: Mapped[str] = mapped_column(Text, default="")
    is_tce: Mapped[bool] = mapped_column(Boolean, default=False)
    general_contractor_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    tce_hours: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(
        String(20), default=OperationStatus.PREPARATION.value, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    buyer: Mapped[Organisation] = relationship(foreign_keys=[buyer_id])  # noqa: F821
    general_contractor: Mapped[Organisation | None] = relationship(  # noqa: F821
        foreign_keys=[general_contractor_id]
    )
    markets: Mapped[list[Market]] = relationship(
        back_populates="operation", order_by="Market.reference"
    )
    shares: Mapped[list[SubcontractorShare]] = relationship(
        back_populates="operation", order_by="SubcontractorShare.id"
    )

    @property
    def nature_label(self) -> str:
        return PurchaseNature(self.nature).label

    @property
    def status_label(self) -> str:
        return status_label("operation", self.status)

    @property
    def year(self) -> int | None:
        """The operation's year for filters: its start, else its creation."""
        if self.start_date:
            return self.start_date.year
        return self.created_at.year if self.created_at else None

    def __repr__(self) -> str:
        return f"<Operation {self.id} {self.name!r}>"


class Market(Timestamped, Versioned, db.Model):
    """A *marché* of an operation, with the legal basis of its clause."""

    __tablename__ = "markets"
    __table_args__ = (trigram_index("markets", "reference"),)
    NOUN = "Ce marché"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(
        String(30), default=LegalBasis.EXECUTION_CONDITION.value, index=True
    )
    notification_date: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    kickoff_date: Mapped[date | None] = mapped_column(Date)

    operation: Mapped[Operation] = relationship(back_populates="markets")
    lots: Mapped[list[Lot]] = relationship(back_populates="market", order_by="Lot.number")

    @property
    def legal_basis_label(self) -> str:
        return LegalBasis(self.legal_basis).label

    @property
    def is_reserved(self) -> bool:
        return LegalBasis(self.legal_basis).is_reserved

    def __repr__(self) -> str:
        return f"<Market {self.id} {self.reference!r}>"


class Lot(Timestamped, Versioned, db.Model):
    """A *lot* of a market, awarded to a holder (*titulaire*), with its planned hours."""

    __tablename__ = "lots"
    NOUN = "Ce lot"
    __table_args__ = (UniqueConstraint("market_id", "number"), trigram_index("lots", "title"))

    id: Mapped[int] = mapped_column(primary_key=True)
    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    trade: Mapped[str] = mapped_column(String(40))
    amount_excl_tax: Mapped[Decimal] = mapped_column(MONEY)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    award_criterion: Mapped[bool] = mapped_column(Boolean, default=False)
    planned_hours: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    penalty_kind: Mapped[str] = mapped_column(String(20), default=PenaltyKind.NONE.value)
    penalty_value: Mapped[Decimal | None] = mapped_column(MONEY)
    penalty_cap: Mapped[Decimal | None] = mapped_column(MONEY)

    market: Mapped[Market] = relationship(back_populates="lots")
    holder: Mapped[Organisation | None] = relationship()  # noqa: F821
    calculations: Mapped[list[HoursRecord]] = relationship(
        back_populates="lot", order_by="HoursRecord.id.desc()"
    )

    @property
    def trade_label(self) -> str:
        trade = TRADES.get(self.trade)
        return trade.label if trade else self.trade

    @property
    def penalty_text(self) -> str:
        return describe_penalty(self.penalty_kind, self.penalty_value, self.penalty_cap)

    @property
    def label(self) -> str:
        return f"Lot {self.number} – {self.title}"

    def __repr__(self) -> str:
        return f"<Lot {self.id} n°{self.number}>"


class HoursRecord(db.Model):
    """One frozen hour calculation of a lot: every parameter used, the result, the author
    and the date (docs/domain.md §3). Recalculating adds a record; the latest one is in force."""

    __tablename__ = "hours_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    trade: Mapped[str] = mapped_column(String(40))
    amount_excl_tax: Mapped[Decimal] = mapped_column(MONEY)
    labour_share: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    hourly_cost: Mapped[Decimal] = mapped_column(MONEY)
    rate: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    rounding: Mapped[str] = mapped_column(String(20))
    raw_hours: Mapped[Decimal] = mapped_column(HOURS)
    planned_hours: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    lot: Mapped[Lot] = relationship(back_populates="calculations")
    author: Mapped[User | None] = relationship()  # noqa: F821

    def same_inputs(self, other: dict) -> bool:
        """True when ``other`` (the values of a new calculation) changes nothing."""
        return all(getattr(self, key) == value for key, value in other.items())


class SubcontractorShare(Timestamped, db.Model):
    """A subcontractor's share of a TCE operation's global hours; priced as one lot
    (docs/domain.md §2 and 3: the split adds up exactly to the global volume)."""

    __tablename__ = "subcontractor_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    trade: Mapped[str] = mapped_column(String(40))
    amount_excl_tax: Mapped[Decimal] = mapped_column(MONEY)
    hours: Mapped[int | None] = mapped_column(Integer)

    operation: Mapped[Operation] = relationship(back_populates="shares")
    company: Mapped[Organisation] = relationship()  # noqa: F821

    @property
    def trade_label(self) -> str:
        trade = TRADES.get(self.trade)
        return trade.label if trade else self.trade


class TceSplit(Timestamped, db.Model):
    """The split of a TCE operation's global hours between its trades (the shares): the AMOI
    proposes, the general contractor accepts or comments, the AMOI then the buyer validate
    (docs/domain.md §2; ``rules.workflow`` machine ``split``). One per TCE operation; the quote is
    built from the validated split and cannot be submitted before."""

    __tablename__ = "tce_splits"
    NOUN = "Cette répartition"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operations.id"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=SplitStatus.DRAFT.value)
    contractor_comment: Mapped[str] = mapped_column(Text, default="")
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    amoi_validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    amoi_validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    buyer_validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    buyer_validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    operation: Mapped[Operation] = relationship()
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])  # noqa: F821
    amoi_validated_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[amoi_validated_by_id]
    )
    buyer_validated_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[buyer_validated_by_id]
    )
    last_changed_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[last_changed_by_id]
    )

    @property
    def status_label(self) -> str:
        return status_label("split", self.status)

    @property
    def is_validated(self) -> bool:
        return self.status == SplitStatus.VALIDATED
