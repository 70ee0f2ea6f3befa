"""Who sees and does what in the people area (docs/permissions.md; docs/domain.md §5).

- The AMOI: everything.
- A company or structure: the people it proposed (its candidacies) and their placements
  on its own lots; never a criterion code of health data (RQTH: ``can_see_health_data``),
  never another declarer's person (404 through the scope rules).
- Buyers: no row at all, hence no name; they read counts per lot
  (``portal.people.queries.lot_counts``) on the lots they see.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from portal.access import Role, is_facilitator, predicate, scope_rule
from portal.models import (
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    Participant,
    Placement,
    PlacementEvent,
    User,
)
from portal.rules.workflow import CandidacyStatus, PlacementStatus

DECLARERS = (Role.COMPANY, Role.STRUCTURE)


def _own_candidacy_ids(user: User) -> Select:
    return select(Candidacy.id).where(Candidacy.declarer_id == user.organisation_id)


@scope_rule(Candidacy)
def _candidacies(stmt: Select, user: User) -> Select:
    """A company or structure: the candidacies it made (or the AMOI made on its behalf)."""
    if user.role in DECLARERS:
        return stmt.where(Candidacy.declarer_id == user.organisation_id)
    return stmt.where(False)


@scope_rule(Participant)
def _participants(stmt: Select, user: User) -> Select:
    """A company or structure: the people it proposed; buyers: nobody (counts only)."""
    if user.role in DECLARERS:
        proposed = select(Candidacy.participant_id).where(
            Candidacy.declarer_id == user.organisation_id
        )
        return stmt.where(Participant.id.in_(proposed))
    return stmt.where(False)


@scope_rule(Placement)
def _placements(stmt: Select, user: User) -> Select:
    """A company or structure: the placements it declared (on its own lots or shares)."""
    if user.role in DECLARERS:
        return stmt.where(Placement.employer_id == user.organisation_id)
    return stmt.where(False)


@scope_rule(EligibilityDecision)
def _decisions(stmt: Select, user: User) -> Select:
    """A decision follows its candidacy."""
    if user.role in DECLARERS:
        return stmt.where(EligibilityDecision.candidacy_id.in_(_own_candidacy_ids(user)))
    return stmt.where(False)


@scope_rule(CandidacyCriterion)
def _criteria(stmt: Select, user: User) -> Select:
    """A criterion follows its candidacy."""
    if user.role in DECLARERS:
        return stmt.where(CandidacyCriterion.candidacy_id.in_(_own_candidacy_ids(user)))
    return stmt.where(False)


@scope_rule(PlacementEvent)
def _placement_events(stmt: Select, user: User) -> Select:
    """An event follows its placement."""
    if user.role in DECLARERS:
        own = select(Placement.id).where(Placement.employer_id == user.organisation_id)
        return stmt.where(PlacementEvent.placement_id.in_(own))
    return stmt.where(False)


# --- predicates -----------------------------------------------------------------------------


@predicate
def can_propose_candidacy(user: User | None) -> bool:
    """Companies (for a lot they hold or a TCE share they carry), structures (for a lot they
    work on) and the AMOI on anyone's behalf propose people (convention annex 1 §3)."""
    return user is not None and user.role in (Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE)


@predicate
def can_decide_eligibility(user: User | None, candidacy: Candidacy | None = None) -> bool:
    """Only the AMOI judges eligibility, on a pending candidacy (convention annex 1 §3)."""
    if not is_facilitator(user):
        return False
    return candidacy is None or candidacy.status == CandidacyStatus.PENDING


@predicate
def can_see_health_data(user: User | None) -> bool:
    """Only AMOI users ever see that a person has a health-data criterion (RQTH; GDPR
    art. 9; docs/domain.md §5)."""
    return is_facilitator(user)


@predicate
def can_see_proofs(user: User | None) -> bool:
    """Proof files are served to the AMOI only, until it decides (docs/domain.md §5)."""
    return is_facilitator(user)


@predicate
def can_upload_proof(user: User | None, candidacy: Candidacy) -> bool:
    """The declarer (or the AMOI) adds proofs while the candidacy awaits the decision."""
    return (
        user is not None
        and candidacy.status == CandidacyStatus.PENDING
        and (is_facilitator(user) or candidacy.declarer_id == user.organisation_id)
    )


@predicate
def can_confirm_hire(user: User | None, candidacy: Candidacy) -> bool:
    """The declarer (or the AMOI for it) confirms the actual start of an eligible
    candidacy (docs/domain.md §6)."""
    return (
        user is not None
        and candidacy.status == CandidacyStatus.ELIGIBLE
        and (is_facilitator(user) or candidacy.declarer_id == user.organisation_id)
    )


@predicate
def can_manage_placement(user: User | None, placement: Placement) -> bool:
    """The employer (or the AMOI) records changes, a break or the end of an active
    placement (convention annex 2)."""
    return (
        user is not None
        and placement.status == PlacementStatus.ACTIVE
        and (is_facilitator(user) or placement.employer_id == user.organisation_id)
    )


@predicate
def can_record_followup(user: User | None, placement: Placement) -> bool:
    """The AMOI records the +6-month situation of an ended placement (docs/domain.md §6)."""
    return is_facilitator(user) and placement.status != PlacementStatus.ACTIVE


@predicate
def can_manage_eligibility_rules(user: User | None) -> bool:
    """A new version of the harmonisation rules is recorded by an AMOI admin, like the
    avenants (convention annex 1 §3)."""
    return is_facilitator(user) and bool(user and user.is_admin)
