"""Who sees and does what in pre-recruitment (docs/permissions.md; docs/domain.md §10).

- The AMOI: everything (offers, board, information sessions, diffusion).
- A company: the offers of the lots it holds (it may write one, the AMOI checks and opens
  it), and only the candidates **presented** for them (name, CV, the AMOI's note).
- A prescriber: the open offers, and only the candidates its organisation proposed, with
  their outcome; never another prescriber's candidate (404 through the scope rules).
- Buyers and structures: nothing (no name ever reaches a buyer).
"""

from __future__ import annotations

from sqlalchemy import Select, select

from portal.access import Role, is_facilitator, predicate, scope_rule
from portal.models import Application, JobOffer, Lot, User
from portal.rules.workflow import ApplicationStatus, OfferStatus

SEEN_BY_COMPANY = (
    ApplicationStatus.PRESENTED.value,
    ApplicationStatus.HIRED.value,
    ApplicationStatus.NOT_RETAINED.value,
)


def _held_lot_ids(user: User) -> Select:
    return select(Lot.id).where(Lot.holder_id == user.organisation_id)


@scope_rule(JobOffer)
def _offers(stmt: Select, user: User) -> Select:
    """A company: the offers of its lots; a prescriber: the open offers and those it
    proposed candidates to; nobody else."""
    if user.role is Role.COMPANY:
        return stmt.where(JobOffer.lot_id.in_(_held_lot_ids(user)))
    if user.role is Role.PRESCRIBER:
        proposed = select(Application.offer_id).where(
            Application.prescriber_id == user.organisation_id
        )
        return stmt.where((JobOffer.status == OfferStatus.OPEN.value) | JobOffer.id.in_(proposed))
    return stmt.where(False)


@scope_rule(Application)
def _applications(stmt: Select, user: User) -> Select:
    """A prescriber: the candidates it proposed; a company: those presented for the offers
    of its lots (a candidate set aside before being presented is never shown to it)."""
    if user.role is Role.PRESCRIBER:
        return stmt.where(Application.prescriber_id == user.organisation_id)
    if user.role is Role.COMPANY:
        offers = select(JobOffer.id).where(JobOffer.lot_id.in_(_held_lot_ids(user)))
        return stmt.where(
            Application.offer_id.in_(offers),
            Application.status.in_(SEEN_BY_COMPANY),
            Application.presented_at.is_not(None),
        )
    return stmt.where(False)


# --- predicates -----------------------------------------------------------------------------


@predicate
def can_write_offer(user: User | None) -> bool:
    """The AMOI, or a company for a lot it holds (convention annexe 1 §1)."""
    return user is not None and user.role in (Role.FACILITATOR, Role.COMPANY)


@predicate
def can_manage_offer(user: User | None) -> bool:
    """Open, diffuse, fill or cancel an offer, run the board: the AMOI."""
    return is_facilitator(user)


@predicate
def can_propose_application(user: User | None, offer: JobOffer) -> bool:
    """A prescriber (or the AMOI on its behalf) positions a candidate on an open offer."""
    return (
        user is not None
        and user.role in (Role.FACILITATOR, Role.PRESCRIBER)
        and offer.status == OfferStatus.OPEN
    )


@predicate
def can_answer_application(user: User | None, application: Application) -> bool:
    """The company holding the lot (or the AMOI for it) answers *retenu* / *non retenu* on a
    presented candidate."""
    if user is None or application.status != ApplicationStatus.PRESENTED:
        return False
    return is_facilitator(user) or (
        user.role is Role.COMPANY and application.offer.lot.holder_id == user.organisation_id
    )


@predicate
def can_read_cv(user: User | None, application: Application) -> bool:
    """The CV: the AMOI, the proposing prescriber, the company once presented."""
    if user is None or not application.cv_file:
        return False
    if is_facilitator(user):
        return True
    if user.role is Role.PRESCRIBER:
        return application.prescriber_id == user.organisation_id
    if user.role is Role.COMPANY:
        return (
            application.presented_at is not None
            and application.offer.lot.holder_id == user.organisation_id
        )
    return False


@predicate
def can_give_feedback(user: User | None, application: Application) -> bool:
    """The post-mission feedback: the proposing prescriber or the AMOI, once asked."""
    if user is None or application.feedback_requested_at is None:
        return False
    return is_facilitator(user) or (
        user.role is Role.PRESCRIBER and application.prescriber_id == user.organisation_id
    )
