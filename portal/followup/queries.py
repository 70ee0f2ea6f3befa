"""The work queues of the follow-up (issue 11): the AMOI's « À faire » and what waits for a
buyer's agreement. One query per block, in the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from portal.access import scoped
from portal.extensions import db
from portal.models import (
    Contact,
    Escalation,
    Letter,
    Lot,
    Market,
    MarketKickoff,
    Meeting,
    PenaltyProposal,
    User,
)
from portal.rules.followup import DEADLINE_WARNING_DAYS, LetterKind, deadline_state
from portal.rules.workflow import EscalationStatus

E = EscalationStatus
WAITING_FOR_BUYER = (E.REMINDER_PROPOSED.value, E.NOTICE_PROPOSED.value)
LIMIT = 50


def _lot_options():
    return (joinedload(Lot.market).joinedload(Market.operation), joinedload(Lot.holder))


def _escalation_options():
    return (
        joinedload(Escalation.lot).joinedload(Lot.market).joinedload(Market.operation),
        joinedload(Escalation.company),
    )


def first_contacts(user: User) -> list[Lot]:
    """Lots of a notified market whose holder has no contact logged yet."""
    contacted = exists().where(Contact.lot_id == Lot.id, Contact.company_id == Lot.holder_id)
    return list(
        db.session.scalars(
            scoped(Lot, user)
            .join(Market, Lot.market_id == Market.id)
            .where(Market.notification_date.is_not(None), Lot.holder_id.is_not(None), ~contacted)
            .options(*_lot_options())
            .order_by(Market.notification_date, Lot.id)
            .limit(LIMIT)
        )
    )


@dataclass
class Deadline:
    letter: Letter
    state: object = field(default=None)


def deadlines(user: User, today: date) -> list[Deadline]:
    """Reminder letters sent, still in force (not superseded, escalation at that step),
    whose deadline is passed or within 7 days."""
    superseded = select(Letter.supersedes_id).where(Letter.supersedes_id.is_not(None))
    rows = db.session.scalars(
        scoped(Letter, user)
        .join(Escalation, Letter.escalation_id == Escalation.id)
        .where(
            Letter.kind == LetterKind.REMINDER.value,
            Letter.sent_on.is_not(None),
            Letter.id.not_in(superseded),
            Escalation.status == E.REMINDER_LETTER.value,
            Letter.deadline <= today + timedelta(days=DEADLINE_WARNING_DAYS),
        )
        .options(joinedload(Letter.escalation).options(*_escalation_options()))
        .order_by(Letter.deadline)
        .limit(LIMIT)
    )
    return [Deadline(letter, deadline_state(letter.deadline, today)) for letter in rows]


def letters_to_write(user: User) -> list[Escalation]:
    """Escalations whose letter step is open (agreed, or without agreement required) and
    whose current letter is not generated or not sent yet."""
    reminder_sent = exists().where(
        Letter.escalation_id == Escalation.id,
        Letter.sent_on.is_not(None),
        Letter.kind == LetterKind.REMINDER.value,
    )
    registered_sent = exists().where(
        Letter.escalation_id == Escalation.id,
        Letter.sent_on.is_not(None),
        Letter.kind != LetterKind.REMINDER.value,
    )
    return list(
        db.session.scalars(
            scoped(Escalation, user)
            .where(
                ((Escalation.status == E.REMINDER_LETTER.value) & ~reminder_sent)
                | ((Escalation.status == E.FORMAL_NOTICE.value) & ~registered_sent)
            )
            .options(*_escalation_options())
            .order_by(Escalation.id)
            .limit(LIMIT)
        )
    )


def waiting_for_buyer(user: User) -> list[Escalation]:
    """Letter steps proposed to the buyer, waiting for its agreement."""
    return list(
        db.session.scalars(
            scoped(Escalation, user)
            .where(Escalation.status.in_(WAITING_FOR_BUYER))
            .options(*_escalation_options())
            .order_by(Escalation.updated_at)
            .limit(LIMIT)
        )
    )


def penalties_waiting(user: User) -> list[PenaltyProposal]:
    return list(
        db.session.scalars(
            scoped(PenaltyProposal, user)
            .where(PenaltyProposal.status == "proposed")
            .options(joinedload(PenaltyProposal.lot).options(*_lot_options()))
            .order_by(PenaltyProposal.id)
            .limit(LIMIT)
        )
    )


def meetings_due(user: User, today: date) -> list[Meeting]:
    """Meetings planned and not held yet, up to 7 days ahead (and those overdue)."""
    return list(
        db.session.scalars(
            scoped(Meeting, user)
            .where(
                Meeting.held.is_(False),
                Meeting.day <= today + timedelta(days=DEADLINE_WARNING_DAYS),
            )
            .order_by(Meeting.day)
            .limit(LIMIT)
        )
    )


def kickoffs_to_confirm(user: User) -> list[Market]:
    """Kick-off meetings the buyer set, whose AMOI presence is not confirmed yet."""
    confirmed = exists().where(
        MarketKickoff.market_id == Market.id, MarketKickoff.amoi_confirmed_at.is_not(None)
    )
    return list(
        db.session.scalars(
            scoped(Market, user)
            .where(Market.kickoff_date.is_not(None), ~confirmed)
            .options(joinedload(Market.operation))
            .order_by(Market.kickoff_date)
            .limit(LIMIT)
        )
    )
