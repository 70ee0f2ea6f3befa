"""Follow-up of the titulaires (issue 11; docs/domain.md §8): the contacts the AMOI logs
with a company on a lot, the escalation and its letters, the meetings and the proposed
penalties; each buyer's settings say which letter steps need its agreement.

Paths to the organisations, for ``portal.access``: contact, escalation, penalty proposal →
lot → market → operation → buyer, and → company; letter and event → escalation; meeting →
its participant organisations, its lot, or its buyer.

A generated :class:`Letter` is immutable (its body, facts, PDF and hash never change): a
flush that would change them raises :class:`ImmutableDocument`; it can only be superseded
by a new letter (``supersedes_id``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    event,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, UTCDateTime, Versioned, utcnow
from portal.rules.deadlines import (
    CONTACT_CHANNEL_LABELS,
    CONTACT_OUTCOME_LABELS,
    ContactChannel,
    ContactOutcome,
)
from portal.rules.followup import LetterKind, MeetingKind
from portal.rules.workflow import status_label

MONEY = Numeric(12, 2)
HOURS = Numeric(8, 2)


class FollowupSettings(db.Model):
    """A buyer's escalation settings: which letter steps need its agreement (default:
    every letter; convention annex 1 §3 « à affiner selon la volonté des maîtres
    d'ouvrage »). No row: the defaults."""

    __tablename__ = "followup_settings"

    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    reminder_needs_agreement: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_needs_agreement: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    buyer: Mapped[Organisation] = relationship()  # noqa: F821


class MarketKickoff(db.Model):
    """Who recorded a market's notification and kick-off meeting, and the AMOI's
    confirmation of its presence (convention art. 4). The dates are the market's own
    (``Market.notification_date``, ``Market.kickoff_date``)."""

    __tablename__ = "market_kickoffs"

    market_id: Mapped[int] = mapped_column(ForeignKey("markets.id"), primary_key=True)
    notified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kickoff_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    amoi_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    amoi_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    market: Mapped[Market] = relationship()  # noqa: F821
    amoi_confirmed_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[amoi_confirmed_by_id]
    )


class Contact(Timestamped, db.Model):
    """One contact of the AMOI with a company about a lot (docs/domain.md §8): the company
    reads it, except ``internal_note`` (the AMOI's own)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    written: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lot: Mapped[Lot] = relationship()  # noqa: F821
    company: Mapped[Organisation] = relationship()  # noqa: F821

    @property
    def channel_label(self) -> str:
        return CONTACT_CHANNEL_LABELS[ContactChannel(self.channel)]

    @property
    def outcome_label(self) -> str:
        return CONTACT_OUTCOME_LABELS[ContactOutcome(self.outcome)]

    @property
    def successful(self) -> bool:
        return self.outcome in (ContactOutcome.REACHED, ContactOutcome.COMMITMENT)


class Escalation(Timestamped, Versioned, db.Model):
    """The escalation with a company on a lot (machine ``escalation`` of
    ``rules.workflow``): reminder letter, registered letter, penalties; resolved at any
    step with a reason. One open at a time per lot and company (the service checks)."""

    __tablename__ = "escalations"
    __table_args__ = (
        # One open escalation per lot and company, even when two AMOI users act at once.
        Index(
            "uq_escalations_open",
            "lot_id",
            "company_id",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
    )
    NOUN = "Cette relance"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="none", index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    notice_kind: Mapped[str | None] = mapped_column(String(20))
    """The registered letter proposed: ``formal_notice`` or ``penalties``."""
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolution_reason: Mapped[str] = mapped_column(Text, default="")

    lot: Mapped[Lot] = relationship()  # noqa: F821
    company: Mapped[Organisation] = relationship()  # noqa: F821
    events: Mapped[list[EscalationEvent]] = relationship(
        back_populates="escalation", order_by="EscalationEvent.id"
    )
    letters: Mapped[list[Letter]] = relationship(back_populates="escalation", order_by="Letter.id")

    @property
    def status_label(self) -> str:
        return status_label("escalation", self.status)

    def current_letter(self, kind: str | tuple[str, ...]) -> Letter | None:
        """The latest letter of ``kind`` not superseded."""
        kinds = (kind,) if isinstance(kind, str) else kind
        superseded = {letter.supersedes_id for letter in self.letters if letter.supersedes_id}
        live = [x for x in self.letters if x.kind in kinds and x.id not in superseded]
        return live[-1] if live else None


class EscalationEvent(db.Model):
    """One step of an escalation's timeline: a proposal, the buyer's decision and its
    comment, a letter, a resolution (the audit trail keeps the same, for the AMOI)."""

    __tablename__ = "escalation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    escalation: Mapped[Escalation] = relationship(back_populates="events")
    actor_org: Mapped[Organisation | None] = relationship()  # noqa: F821


class ImmutableDocument(Exception):
    """A generated letter was about to change: it can only be superseded."""


IMMUTABLE_FIELDS = (
    "kind",
    "escalation_id",
    "dated_on",
    "deadline",
    "body",
    "facts",
    "pdf",
    "sha256",
)


class Letter(Timestamped, db.Model):
    """A generated letter of an escalation, stored as an immutable document: its PDF and
    the SHA-256 of it, the facts printed (company, market, hours, deadline) and the body.
    The AMOI records its sending (the buyer, for a registered letter, and its receipt)."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    dated_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    sent_on: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)

    escalation: Mapped[Escalation] = relationship(back_populates="letters")
    generated_by: Mapped[User | None] = relationship()  # noqa: F821

    @property
    def kind_label(self) -> str:
        return LetterKind(self.kind).label

    @property
    def registered(self) -> bool:
        return LetterKind(self.kind).registered


@event.listens_for(Session, "before_flush")
def _letters_are_immutable(session, flush_context, instances) -> None:
    for obj in session.dirty:
        if isinstance(obj, Letter):
            state = inspect(obj)
            changed = [name for name in IMMUTABLE_FIELDS if state.attrs[name].history.has_changes()]
            if changed:
                raise ImmutableDocument(
                    "Une lettre générée ne peut pas être modifiée : générez-en une nouvelle "
                    "qui la remplace."
                )
    for obj in session.deleted:
        if isinstance(obj, Letter):
            raise ImmutableDocument("Une lettre générée ne peut pas être supprimée.")


class Meeting(Timestamped, db.Model):
    """A meeting of one of the 8 kinds (issue 11), with its participant organisations and
    its minutes, which the AMOI may share with them."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"), index=True)
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lot: Mapped[Lot | None] = relationship()  # noqa: F821
    buyer: Mapped[Organisation | None] = relationship()  # noqa: F821
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return MeetingKind(self.kind).label


class MeetingParticipant(db.Model):
    """An organisation that took part in a meeting."""

    __tablename__ = "meeting_participants"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    organisation: Mapped[Organisation] = relationship()  # noqa: F821


class PenaltyProposal(Timestamped, Versioned, db.Model):
    """The AMOI's proposed penalty for a lot's missing hours, with the CCAP formula and
    every figure used, frozen; the buyer decides the amount (possibly zero) with a reason.
    The portal never applies a penalty (convention art. 4; docs/domain.md §8)."""

    __tablename__ = "penalty_proposals"
    NOUN = "Cette proposition de pénalités"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"))
    as_of: Mapped[date] = mapped_column(Date)
    planned_hours: Mapped[Decimal] = mapped_column(HOURS)
    validated_hours: Mapped[Decimal] = mapped_column(HOURS)
    missing_hours: Mapped[Decimal] = mapped_column(HOURS)
    penalty_kind: Mapped[str] = mapped_column(String(20))
    penalty_value: Mapped[Decimal | None] = mapped_column(MONEY)
    penalty_cap: Mapped[Decimal | None] = mapped_column(MONEY)
    smic_hourly: Mapped[Decimal] = mapped_column(MONEY)
    formula: Mapped[str] = mapped_column(Text)
    proposed_amount: Mapped[Decimal] = mapped_column(MONEY)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    decided_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lot: Mapped[Lot] = relationship()  # noqa: F821
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])  # noqa: F821

    @property
    def status_label(self) -> str:
        return "Décidée par l'acheteur" if self.status == "decided" else "Proposée à l'acheteur"
