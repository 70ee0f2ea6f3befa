"""Who sees and does what in the follow-up of the titulaires (docs/permissions.md;
docs/domain.md §8).

- The AMOI: everything (it logs contacts, proposes and writes letters, proposes penalties).
- A buyer: the follow-up of its own lots (the CCVG: its communes' too): contacts without
  the AMOI's internal notes, escalations, letters, meetings, penalty proposals; it agrees
  to the letter steps its settings submit to it and decides the penalties.
- A company: its own contacts (without internal notes), its escalations and the letters
  sent to it, the meetings it took part in; never another company's.
- A structure: the meetings it took part in.
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from portal.access import Role, buyer_org_ids, is_facilitator, predicate, scope_rule, scoped
from portal.models import (
    Contact,
    Escalation,
    EscalationEvent,
    FollowupSettings,
    Letter,
    Lot,
    Market,
    MarketKickoff,
    Meeting,
    MeetingParticipant,
    PenaltyProposal,
    User,
)
from portal.rules.workflow import EscalationStatus

E = EscalationStatus


def _lot_ids(user: User) -> Select:
    return scoped(Lot, user).with_only_columns(Lot.id)


@scope_rule(Contact)
def _contacts(stmt: Select, user: User) -> Select:
    """A buyer: the contacts on its lots. A company: its own. A structure: none."""
    if user.role is Role.BUYER:
        return stmt.where(Contact.lot_id.in_(_lot_ids(user)))
    if user.role is Role.COMPANY:
        return stmt.where(Contact.company_id == user.organisation_id)
    return stmt.where(False)


@scope_rule(Escalation)
def _escalations(stmt: Select, user: User) -> Select:
    """A buyer: the escalations on its lots. A company: its own. A structure: none."""
    if user.role is Role.BUYER:
        return stmt.where(Escalation.lot_id.in_(_lot_ids(user)))
    if user.role is Role.COMPANY:
        return stmt.where(Escalation.company_id == user.organisation_id)
    return stmt.where(False)


def _escalation_ids(user: User) -> Select:
    return scoped(Escalation, user).with_only_columns(Escalation.id)


@scope_rule(EscalationEvent)
def _events(stmt: Select, user: User) -> Select:
    """An escalation's timeline follows the escalation."""
    return stmt.where(EscalationEvent.escalation_id.in_(_escalation_ids(user)))


@scope_rule(Letter)
def _letters(stmt: Select, user: User) -> Select:
    """A buyer: the letters of its escalations. A company: the letters sent to it only
    (a draft of a registered letter waits for the buyer)."""
    stmt = stmt.where(Letter.escalation_id.in_(_escalation_ids(user)))
    if user.role is Role.COMPANY:
        return stmt.where(Letter.sent_on.is_not(None))
    return stmt


def _meeting_ids_of(user: User) -> Select:
    return select(MeetingParticipant.meeting_id).where(
        MeetingParticipant.organisation_id == user.organisation_id
    )


@scope_rule(Meeting)
def _meetings(stmt: Select, user: User) -> Select:
    """A participant organisation sees the meeting; a buyer also the meetings of its lots
    and those held for it (pilotage)."""
    mine = Meeting.id.in_(_meeting_ids_of(user))
    if user.role is Role.BUYER:
        buyers = buyer_org_ids(user.organisation)
        return stmt.where(
            or_(mine, Meeting.lot_id.in_(_lot_ids(user)), Meeting.buyer_id.in_(buyers))
        )
    return stmt.where(mine)


@scope_rule(MeetingParticipant)
def _participants(stmt: Select, user: User) -> Select:
    """The participants of a meeting one may see."""
    meetings = scoped(Meeting, user).with_only_columns(Meeting.id)
    return stmt.where(MeetingParticipant.meeting_id.in_(meetings))


@scope_rule(PenaltyProposal)
def _penalties(stmt: Select, user: User) -> Select:
    """Buyers: the proposals on their lots, which they decide. Companies: none (a proposal
    is the buyer's to decide; the registered letter tells the company)."""
    if user.role is Role.BUYER:
        return stmt.where(PenaltyProposal.lot_id.in_(_lot_ids(user)))
    return stmt.where(False)


@scope_rule(FollowupSettings)
def _settings(stmt: Select, user: User) -> Select:
    """A buyer reads its own settings (the CCVG: its communes' too)."""
    if user.role is Role.BUYER:
        return stmt.where(FollowupSettings.buyer_id.in_(buyer_org_ids(user.organisation)))
    return stmt.where(False)


@scope_rule(MarketKickoff)
def _kickoffs(stmt: Select, user: User) -> Select:
    """A market's kick-off record follows the market (buyers)."""
    markets = scoped(Market, user).with_only_columns(Market.id)
    return stmt.where(MarketKickoff.market_id.in_(markets))


# --- predicates ------------------------------------------------------------------------------


@predicate
def can_follow_up(user: User | None) -> bool:
    """The AMOI logs contacts, proposes letters, writes them and proposes penalties
    (convention annex 1 §1 and §3)."""
    return is_facilitator(user)


def _buyer_of(user: User | None, lot: Lot) -> bool:
    """The lot's own buyer, or the CCVG for a commune's lot."""
    if user is None or user.role is not Role.BUYER:
        return False
    return lot.market.operation.buyer_id in buyer_org_ids(user.organisation)


@predicate
def can_decide_step(user: User | None, escalation: Escalation) -> bool:
    """The lot's buyer accepts or declines a letter step proposed to it (its settings
    submit it to its agreement; docs/domain.md §8)."""
    return escalation.status in (E.REMINDER_PROPOSED, E.NOTICE_PROPOSED) and _buyer_of(
        user, escalation.lot
    )


@predicate
def can_record_registered_letter(user: User | None, letter: Letter) -> bool:
    """The buyer sends the registered letter on its letterhead and records the sending
    and the receipt; the AMOI records the reminder letter it sends itself."""
    if letter.registered:
        return _buyer_of(user, letter.escalation.lot) or is_facilitator(user)
    return is_facilitator(user)


@predicate
def can_decide_penalty(user: User | None, proposal: PenaltyProposal) -> bool:
    """The lot's buyer decides the penalty (amount, possibly zero, and reason); the portal
    never applies it (convention art. 4)."""
    return proposal.status == "proposed" and _buyer_of(user, proposal.lot)


@predicate
def can_edit_followup_settings(user: User | None, buyer_id: int) -> bool:
    """A buyer's agreement settings: the buyer itself (the CCVG for its communes too) or
    an AMOI admin."""
    if user is None:
        return False
    if is_facilitator(user):
        return bool(user.is_admin)
    return user.role is Role.BUYER and buyer_id in buyer_org_ids(user.organisation)


@predicate
def can_notify_market(user: User | None, market: Market) -> bool:
    """The market's buyer marks it notified and records its kick-off meeting (art. 4)."""
    return (
        user is not None
        and user.role is Role.BUYER
        and market.operation.buyer_id in buyer_org_ids(user.organisation)
    )
