"""Anonymising a person's file (docs/gdpr-record.md §8; ``portal.rules.retention``).

Every column of the people tables is classified here: kept (what the reports count and
what the portal needs to hold the rows together) or removed (names, birth date, the
duplicate key, free text). A new column must be classified before it can hold a value:
``tests/privacy`` fails on an unclassified one, and :func:`anonymise_participant` refuses
it (``rules.retention.UnclassifiedField``) rather than keep it by mistake.

The birth date goes entirely: the birth year is a column of its own and every candidacy
keeps the age band it was proposed in, so the reports by age keep their figures.

Services: they take the acting user (``None`` for the nightly command), change the
session, record the audit line (ids and codes, never a value) and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models import (
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    Participant,
    Placement,
    PlacementEvent,
    User,
)
from portal.people import proofs
from portal.rules import retention
from portal.rules.retention import PersonDates, Treatment
from portal.rules.workflow import PlacementStatus

K, B = Treatment.KEEP, Treatment.BLANK

# Bookkeeping every row has: kept (ids, versions, timestamps, who changed it).
_BOOKKEEPING = {"id": K, "version": K, "created_at": K, "updated_at": K, "last_changed_by_id": K}

POLICY: dict[type, dict[str, Treatment]] = {
    Participant: {
        **_BOOKKEEPING,
        "last_name": B,
        "first_name": B,
        "birth_date": B,  # the year stays in birth_year, the band on each candidacy
        "match_key": B,  # derived from the names: no more duplicate matching
        "notes": B,
        "sex": K,
        "birth_year": K,
        "qualification": K,
        "commune": K,
        "postal_code": K,
        "qpv_resident": K,
        "amoi_referent_id": K,
        "merged_into_id": K,
        "anonymised_at": K,  # set by the anonymisation itself
        "created_by_id": K,
    },
    Candidacy: {
        **_BOOKKEEPING,
        "participant_id": K,
        "lot_id": K,
        "share_id": K,
        "declarer_id": K,
        "submitted_by_id": K,
        "entered_by_amoi": K,
        "status": K,
        "submitted_at": K,
        "modality": K,
        "contract_type": K,
        "planned_start": K,
        "weekly_hours": K,
        "job_title": B,  # free text
        "referent_kind": K,
        "referent_organisation": K,  # an organisation (« Mission locale de … »), not a person
        "age_band": K,
        "referent_name": B,  # a third person
        "withdrawal_reason": B,
        "matched_existing": K,
    },
    CandidacyCriterion: {
        "id": K,
        "candidacy_id": K,
        "code": K,
        "proof_type": K,
        "proof_date": K,
        "proof_file": B,  # the file itself is deleted with the commit
        "proof_content_type": K,
        "proof_size": K,
        "proof_sha256": K,
        "proof_seen": K,
        "proof_deleted_at": K,
        "retained": K,
        "checked_by_id": K,
        "checked_at": K,
    },
    EligibilityDecision: {
        "id": K,
        "created_at": K,
        "updated_at": K,
        "candidacy_id": K,
        "participant_id": K,
        "eligible": K,
        "decided_on": K,
        "decided_by_id": K,
        "eligible_from": K,
        "eligible_until": K,
        "countable_hours": K,
        "criteria_codes": K,
        "rules_id": K,
        "rules_applied": K,
        "earlier_decision_id": K,
        "reason": B,  # written for the declarer, may name the person
    },
    Placement: {
        **_BOOKKEEPING,
        "candidacy_id": K,
        "participant_id": K,
        "replacement_candidacy_id": K,
        "decision_id": K,
        "lot_id": K,
        "share_id": K,
        "employer_id": K,
        "status": K,
        "modality": K,
        "contract_type": K,
        "start_date": K,
        "planned_end": K,
        "weekly_hours": K,
        "ended_on": K,
        "break_kind": K,
        "exit_kind": K,
        "exit_duration_months": K,
        "exit_category": K,
        "followup_due_on": K,
        "followup_kind": K,
        "followup_duration_months": K,
        "followup_category": K,
        "followup_recorded_on": K,
        "break_reason": B,
    },
    PlacementEvent: {
        "id": K,
        "placement_id": K,
        "kind": K,
        "effective_on": K,
        "planned_end": K,
        "weekly_hours": K,
        "detail": K,  # a code (« hours », « end »…), never prose
        "reason": B,
        "recorded_by_id": K,
        "created_at": K,
    },
}
"""What anonymising does to each column of the people tables (docs/gdpr-record.md §5 and
§8)."""

REASONS = {
    "retention": "Durée de conservation écoulée",
    "erasure_request": "Demande d'effacement de la personne (RGPD, article 17)",
    "objection": "Opposition de la personne (RGPD, article 21)",
    "entered_by_mistake": "Personne enregistrée par erreur",
    "other": "Autre motif",
}
"""Why a file was anonymised: a code in the audit line (never the person's words)."""


def _blank_row(row: object) -> list[str]:
    """Apply the policy to one row; the names of the columns that changed."""
    policy = POLICY[type(row)]
    columns = {c.key: c for c in type(row).__table__.columns}  # type: ignore[attr-defined]
    values = {name: getattr(row, name) for name in columns}
    blanked = retention.anonymise(values, policy)
    changed = []
    for name, value in blanked.items():
        if value == "" and columns[name].nullable:
            value = None  # an optional text is absent, not empty (a key never matches "")
        if value != values[name]:
            setattr(row, name, value)
            changed.append(name)
    return changed


def _rows_of(participant: Participant) -> Iterable[object]:
    yield participant
    for candidacy in participant.candidacies:
        yield candidacy
        yield from candidacy.criteria
        if candidacy.decision is not None:
            yield candidacy.decision
    for placement in participant.placements:
        yield placement
        yield from placement.events


ERASURE_HOOKS: list = []
"""Functions ``(participant, actor, now) -> int`` called when a person's file is anonymised,
registered by the areas that hold more of that person (``portal.recruitment``: the
applications that led to its candidacies, their CV deleted); each returns the number of
rows it blanked, queues file deletions with the commit and never commits."""


def anonymise_participant(
    participant: Participant, actor: User | None, reason: str, now: datetime
) -> bool:
    """Remove the identity and the free text of a person's file, keep everything the
    reports count (docs/gdpr-record.md §8). Idempotent: an anonymised file is left alone
    (False). The proof files still waiting for a decision are deleted with the commit.
    One audit line, ``participant.anonymised``, with the reason's code and the number of
    rows touched, never a value."""
    if reason not in REASONS:
        raise ValueError(f"unknown anonymisation reason {reason!r}")
    if participant.anonymised_at is not None:
        return False
    proof_files = []
    rows = 0
    for row in _rows_of(participant):
        if isinstance(row, CandidacyCriterion) and row.proof_file:
            proof_files.append(row.proof_file)
        if _blank_row(row):
            rows += 1
    for hook in ERASURE_HOOKS:
        rows += hook(participant, actor, now)
    participant.anonymised_at = now
    for name in proof_files:
        _delete_proof_on_commit(name)
    audit.record(
        "participant.anonymised",
        participant,
        actor=actor,
        detail=f"reason={reason} rows={rows} proofs={len(proof_files)}",
    )
    return True


def _delete_proof_on_commit(name: str) -> None:
    # The people area owns the proof storage (outside static/, random names).
    proofs.delete_on_commit(name)


# -- retention ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expired:
    participant_id: int
    kept_until: date


def person_dates(participant_ids: Iterable[int] | None = None) -> dict[int, PersonDates]:
    """The dates that decide each person's retention (``rules.retention.PersonDates``),
    for the files not anonymised yet (or those of ``participant_ids``): three queries,
    whatever the number of people."""
    wanted = select(Participant.id).where(Participant.anonymised_at.is_(None))
    if participant_ids is not None:
        wanted = wanted.where(Participant.id.in_(list(participant_ids)))
    ends: dict[int, list[date | None]] = defaultdict(list)
    activity: dict[int, list[date]] = defaultdict(list)
    ids = list(db.session.scalars(wanted))
    for chunk in _chunks(ids, 500):
        placements = db.session.execute(
            select(
                Placement.participant_id,
                Placement.status,
                Placement.ended_on,
                Placement.planned_end,
                Placement.start_date,
                Placement.followup_recorded_on,
            ).where(Placement.participant_id.in_(chunk))
        )
        for pid, status, ended_on, planned_end, start, followup in placements:
            if status == PlacementStatus.ACTIVE:
                ends[pid].append(None)
            else:
                ends[pid].append(ended_on or planned_end or start)
            if followup:
                activity[pid].append(followup)
        for pid, submitted_at in db.session.execute(
            select(Candidacy.participant_id, Candidacy.submitted_at).where(
                Candidacy.participant_id.in_(chunk)
            )
        ):
            activity[pid].append(submitted_at.date())
        for pid, decided_on in db.session.execute(
            select(EligibilityDecision.participant_id, EligibilityDecision.decided_on).where(
                EligibilityDecision.participant_id.in_(chunk)
            )
        ):
            activity[pid].append(decided_on)
    return {
        pid: PersonDates(placement_ends=tuple(ends[pid]), activity=tuple(activity[pid]))
        for pid in ids
    }


def _chunks(ids: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def expired(today: date, years: int) -> list[Expired]:
    """The files whose identity must be anonymised on ``today``, oldest first
    (``rules.retention.identity_expired``)."""
    found = []
    for pid, dates in person_dates().items():
        until = retention.identity_kept_until(dates, years)
        if until is not None and today > until:
            found.append(Expired(pid, until))
    return sorted(found, key=lambda e: (e.kept_until, e.participant_id))


def anonymise_expired(today: date, now: datetime, years: int) -> list[Expired]:
    """Anonymise every expired file (``flask anonymise-expired``); what was done."""
    done = []
    for item in expired(today, years):
        participant = db.session.get(Participant, item.participant_id)
        if participant is not None and anonymise_participant(participant, None, "retention", now):
            done.append(item)
    return done


def kept_until(participant: Participant, years: int) -> date | None:
    """The last day this person's identity is kept (None: a placement is running)."""
    dates = person_dates([participant.id]).get(participant.id)
    return None if dates is None else retention.identity_kept_until(dates, years)
