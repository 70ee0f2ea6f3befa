"""People files for the privacy tests, built from the models (the people area's services
make them in the application; here only the rows matter)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from portal.extensions import db
from portal.models import (
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    Participant,
    Placement,
    PlacementEvent,
)
from portal.rules.eligibility import DEFAULT_RULES
from tests.factories import make_lot, make_market, make_operation, make_org


def make_file(
    declarer=None,
    *,
    lot=None,
    last_name="Fictif-Exemple",
    first_name="Camille",
    birth_date=date(1990, 8, 14),
    sex="F",
    status="active",
    start=date(2025, 3, 3),
    ended_on=None,
    submitted=datetime(2025, 2, 1, 9, 0, tzinfo=UTC),
    eligible=True,
    hired=True,
    criteria=("rsa", "disabled_worker"),
    qualification="level_3",
    commune="Givors",
    modality="direct_hire",
    contract_type="cdd",
    weekly_hours=Decimal("35.00"),
    age_band="26_49",
) -> Participant:
    """A person proposed by ``declarer`` on ``lot``, judged eligible (or not), hired (or
    not), with free text everywhere anonymising must blank."""
    declarer = declarer or make_org("company")
    lot = lot or make_lot(make_market(make_operation()), holder=declarer)
    person = Participant(
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        match_key=f"{last_name}|{first_name}|{birth_date}".lower(),
        notes="Note libre sur Camille",
        sex=sex,
        birth_year=birth_date.year,
        qualification=qualification,
        commune=commune,
        postal_code="69700",
        qpv_resident=True,
    )
    candidacy = Candidacy(
        participant=person,
        lot=lot,
        declarer=declarer,
        status="hired" if hired else ("eligible" if eligible else "ineligible"),
        submitted_at=submitted,
        modality=modality,
        contract_type=contract_type,
        planned_start=start,
        weekly_hours=weekly_hours,
        job_title="Maçon, remplaçant de M. Untel",
        referent_kind="france_travail",
        referent_organisation="France Travail Givors",
        referent_name="Mme Conseillère Fictive",
        age_band=age_band,
    )
    for code in criteria:
        candidacy.criteria.append(
            CandidacyCriterion(
                code=code,
                proof_type="Attestation",
                proof_date=date(2025, 1, 20),
                proof_sha256="ab" * 32,
                proof_seen=code == "disabled_worker",
                retained=True,
            )
        )
    db.session.add_all([person, candidacy])
    db.session.flush()
    decision = EligibilityDecision(
        candidacy=candidacy,
        participant=person,
        eligible=eligible,
        decided_on=submitted.date(),
        eligible_from=submitted.date() if eligible else None,
        eligible_until=date(2027, 2, 1) if eligible else None,
        countable_hours=Decimal("400.00") if eligible else None,
        criteria_codes=list(criteria) if eligible else [],
        rules_applied=DEFAULT_RULES.to_data(),
        reason="" if eligible else "Camille n'a pas de justificatif récent",
    )
    db.session.add(decision)
    if hired:
        placement = Placement(
            candidacy=candidacy,
            participant=person,
            decision=decision,
            lot=lot,
            employer=declarer,
            status=status,
            modality=modality,
            contract_type=contract_type,
            start_date=start,
            planned_end=date(2025, 9, 30),
            weekly_hours=weekly_hours,
            ended_on=ended_on,
            break_kind="rupture" if status == "broken" else None,
            break_reason="Camille a déménagé" if status == "broken" else "",
            exit_kind="cdi" if status == "ended" else None,
            exit_category="durable" if status == "ended" else None,
        )
        placement.events.append(
            PlacementEvent(kind="start", effective_on=start, weekly_hours=weekly_hours)
        )
        if ended_on:
            placement.events.append(
                PlacementEvent(kind="end", effective_on=ended_on, reason="Fin, dit Camille")
            )
        db.session.add(placement)
    db.session.commit()
    return person
