"""Loads the demonstration people (``portal.demo.people_data``) on the demo lots: their
candidacies with criteria and proofs' metadata (never a file), the AMOI's decisions under
the default harmonisation rules, the hires and their lives (changes, breaks with their
replacement, ends with the exit situation, the +6-month follow-up when due), and the two
long placements hired in December 2025 on the 2025 census's running operation.

Rows are written directly: the demo shows states, it does not replay the screens. The
caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.demo.people_data import (
    BREAK_REASON,
    DECLARER_BY_MODALITY,
    EARLIER_PEOPLE,
    PEOPLE,
    REFUSAL_REASON,
    DemoPerson,
)
from portal.demo.year_data import EARLIER_MARKETS
from portal.extensions import db
from portal.models import (
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    Lot,
    Market,
    Organisation,
    OrgKind,
    Participant,
    Placement,
    PlacementEvent,
    User,
)
from portal.rules.deadlines import add_months
from portal.rules.eligibility import CRITERIA, DEFAULT_RULES, identity_key
from portal.rules.reporting import ExitFacts, ExitKind, age_band, exit_category

FIRST_PROPOSAL = date(2026, 4, 20)
"""The first demo candidacy; the next ones follow every four days (the demo year's lots
start in April 2026)."""
TODAY = date(2026, 12, 1)
"""The day the demo's story stops: what is after it has not happened yet."""
HIRE_AFTER = timedelta(days=14)
"""From the proposal to the start of the contract."""
BREAK_AFTER = HIRE_AFTER + timedelta(days=21)
"""From the proposal to a break: three weeks into the contract."""


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)


def _hours_lots() -> list[Lot]:
    """The demo year's lots held by a company that carry hours, in a stable order (not the
    earlier year's: only its long placements work there)."""
    return list(
        db.session.scalars(
            select(Lot)
            .join(Organisation, Lot.holder_id == Organisation.id)
            .join(Market, Lot.market_id == Market.id)
            .where(
                Organisation.kind == OrgKind.COMPANY,
                Lot.planned_hours > 0,
                Market.reference.not_in(EARLIER_MARKETS),
            )
            .order_by(Lot.id)
        )
    )


def _earlier_lot(reference: str, number: int) -> Lot | None:
    return db.session.scalars(
        select(Lot).join(Market).where(Market.reference == reference, Lot.number == number)
    ).one_or_none()


def seed_people(orgs: Mapping[str, Organisation], amoi: User) -> dict[str, int]:
    """Forty people on the demo year's lots and the two long placements of the earlier
    year's operation: their candidacies, decisions and placements; the counts added."""
    lots = _hours_lots()
    if not lots:
        return {"people": 0, "placements": 0}
    placements: list[tuple[DemoPerson, Placement]] = []
    candidacies: list[Candidacy] = []
    replaced: tuple[Lot, date] | None = None  # the lot and day of the last break
    for n, spec in enumerate(PEOPLE):
        lot = lots[n % len(lots)]
        proposed = FIRST_PROPOSAL + timedelta(days=4 * n)
        if replaced is not None:  # the replacement: same lot, proposed after the break
            lot, proposed = replaced[0], replaced[1] + timedelta(days=2)
            replaced = None
        if spec.scenario == "broken":
            replaced = (lot, proposed + BREAK_AFTER)
        key = DECLARER_BY_MODALITY[spec.modality]
        declarer = lot.holder if key is None else orgs[key]
        candidacy, placement = _person(spec, lot, declarer, proposed, amoi)
        candidacies.append(candidacy)
        if placement is not None:
            placements.append((spec, placement))
    # a break is replaced by the next person of the list
    for index, (spec, placement) in enumerate(placements):
        if spec.scenario == "broken":
            replacement = placements[index + 1][1]
            placement.replacement_candidacy = replacement.candidacy
    people = len(PEOPLE)
    for reference, number, proposed, spec in EARLIER_PEOPLE:
        lot = _earlier_lot(reference, number)
        if lot is None:
            continue
        key = DECLARER_BY_MODALITY[spec.modality]
        declarer = lot.holder if key is None else orgs[key]
        _candidacy, placement = _person(spec, lot, declarer, proposed, amoi)
        people += 1
        if placement is not None:
            placements.append((spec, placement))
    db.session.flush()
    return {"people": people, "placements": len(placements)}


def _person(
    spec: DemoPerson, lot: Lot, declarer: Organisation, proposed: date, amoi: User
) -> tuple[Candidacy, Placement | None]:
    person = Participant(
        last_name=spec.last_name,
        first_name=spec.first_name,
        birth_date=spec.birth_date,
        match_key=identity_key(spec.last_name, spec.first_name, spec.birth_date),
        sex=spec.sex,
        birth_year=spec.birth_date.year,
        qualification=spec.qualification,
        commune=spec.commune,
        postal_code=spec.postal_code,
        qpv_resident=spec.qpv,
        amoi_referent=amoi,
    )
    start = proposed + HIRE_AFTER
    status = {
        "pending": "pending",
        "refused": "ineligible",
        "eligible": "eligible",
        "withdrawn": "withdrawn",
    }.get(spec.scenario, "hired")
    candidacy = Candidacy(
        participant=person,
        lot=lot,
        declarer=declarer,
        entered_by_amoi=False,
        status=status,
        submitted_at=_at(proposed),
        modality=spec.modality,
        contract_type=spec.contract_type,
        planned_start=start,
        weekly_hours=spec.weekly_hours,
        job_title=spec.job_title,
        referent_kind="plie" if "plie" in spec.criteria else "france_travail",
        referent_organisation="PLIE Sud-Ouest Lyonnais (démonstration)"
        if "plie" in spec.criteria
        else "France Travail (agence de démonstration)",
        referent_name="Conseiller ou conseillère de démonstration",
        age_band=age_band(spec.birth_date, proposed).value,
        withdrawal_reason="Candidature retirée : la personne a trouvé un autre emploi."
        if spec.scenario == "withdrawn"
        else "",
    )
    decided = spec.scenario not in ("pending", "withdrawn")
    for code in spec.criteria:
        candidacy.criteria.append(
            CandidacyCriterion(
                code=code,
                proof_type=CRITERIA[code].proof,
                proof_date=proposed - timedelta(days=20),
                proof_seen=CRITERIA[code].health_data,
                proof_sha256=None,
                retained=(spec.scenario != "refused") if decided else None,
                checked_by=amoi if decided else None,
                checked_at=_at(proposed + timedelta(days=3)) if decided else None,
            )
        )
    db.session.add_all([person, candidacy])
    if not decided:
        return candidacy, None
    decided_on = proposed + timedelta(days=3)
    eligible = spec.scenario != "refused"
    decision = EligibilityDecision(
        candidacy=candidacy,
        participant=person,
        eligible=eligible,
        decided_on=decided_on,
        decided_by=amoi,
        eligible_from=decided_on if eligible else None,
        eligible_until=DEFAULT_RULES.eligible_until(decided_on) if eligible else None,
        countable_hours=min(lot.planned_hours or 0, 600) if eligible else None,
        criteria_codes=list(spec.criteria) if eligible else [],
        rules_applied=DEFAULT_RULES.to_data(),
        reason="" if eligible else REFUSAL_REASON,
    )
    db.session.add(decision)
    if spec.scenario in ("refused", "eligible"):
        return candidacy, None
    return candidacy, _placement(spec, candidacy, decision, lot, declarer, start, amoi)


def _placement(
    spec: DemoPerson,
    candidacy: Candidacy,
    decision: EligibilityDecision,
    lot: Lot,
    employer: Organisation,
    start: date,
    amoi: User,
) -> Placement:
    planned_end = None if spec.contract_type == "cdi" else add_months(start, spec.contract_months)
    placement = Placement(
        candidacy=candidacy,
        participant=candidacy.participant,
        decision=decision,
        lot=lot,
        employer=employer,
        status="active",
        modality=spec.modality,
        contract_type=spec.contract_type,
        start_date=start,
        planned_end=planned_end,
        weekly_hours=spec.weekly_hours,
    )
    placement.events.append(
        PlacementEvent(
            kind="start",
            effective_on=start,
            planned_end=planned_end,
            weekly_hours=spec.weekly_hours,
        )
    )
    if spec.scenario == "broken":
        broken_on = start + BREAK_AFTER - HIRE_AFTER
        placement.status, placement.ended_on = "broken", broken_on
        placement.break_kind, placement.break_reason = "abandon", BREAK_REASON
        placement.events.append(
            PlacementEvent(
                kind="break", effective_on=broken_on, detail="abandon", reason=BREAK_REASON
            )
        )
    elif spec.scenario.startswith("ended:"):
        _end(placement, spec, start)
    elif spec.scenario == "active" and spec.contract_type == "cdd":
        # a change of hours recorded with its date
        changed_on = start + timedelta(days=30)
        placement.events.append(
            PlacementEvent(
                kind="change",
                effective_on=changed_on,
                planned_end=planned_end,
                weekly_hours=spec.weekly_hours,
                detail="hours",
                recorded_by=amoi,
            )
        )
    db.session.add(placement)
    return placement


def _end(placement: Placement, spec: DemoPerson, start: date) -> None:
    _, kind, *months = spec.scenario.split(":")
    duration = int(months[0]) if months else None
    ended_on = min(add_months(start, 3), TODAY - timedelta(days=7))
    category = exit_category(ExitFacts(ExitKind(kind), duration))
    placement.status, placement.ended_on = "ended", ended_on
    placement.exit_kind, placement.exit_duration_months = kind, duration
    placement.exit_category = category.value
    placement.followup_due_on = add_months(ended_on, 6)
    placement.events.append(PlacementEvent(kind="end", effective_on=ended_on, detail=kind))
