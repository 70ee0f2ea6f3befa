"""The demonstration people (portal/demo/people.py): forty fictitious people across every
modality, criterion, contract type and status, on lots their declarer may work on, and the
two long placements of the earlier year's operation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal.demo import seed_demo
from portal.demo.people import TODAY
from portal.demo.people_data import EARLIER_PEOPLE, PEOPLE
from portal.demo.year_data import EARLIER_MARKETS
from portal.models import (
    Application,
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    Lot,
    Market,
    Organisation,
    Participant,
    Placement,
)
from portal.rules.eligibility import CRITERIA, ContractType, Modality
from portal.rules.reporting import ExitCategory
from portal.rules.workflow import CandidacyStatus, PlacementStatus

FICTITIOUS = {"Exemple", "Fictif", "Démo", "Essai", "Modèle", "Témoin", "Maquette", "Prototype"}


def test_forty_fictitious_people_cover_every_case(app, db):
    seed_demo()
    people = db.session.scalars(select(Participant)).all()
    retained = db.session.scalar(  # the demo's candidates retained on a job offer (issue 13)
        select(func.count(Application.id)).where(Application.candidacy_id.is_not(None))
    )
    assert len(PEOPLE) == 40 and len(EARLIER_PEOPLE) == 2 and retained == 3
    assert len(people) == len(PEOPLE) + len(EARLIER_PEOPLE) + retained
    assert {p.last_name for p in people} <= FICTITIOUS

    def values(column):
        return set(db.session.scalars(select(column).distinct()))

    assert values(Candidacy.modality) == {m.value for m in Modality}
    assert values(Candidacy.contract_type) == {c.value for c in ContractType}
    assert values(CandidacyCriterion.code) == set(CRITERIA)
    assert values(Candidacy.status) == {s.value for s in CandidacyStatus}
    assert values(Placement.status) == {s.value for s in PlacementStatus}
    assert values(Placement.exit_category) - {None} == {c.value for c in ExitCategory}
    assert db.session.scalar(select(func.count()).where(EligibilityDecision.eligible.is_(False)))


def test_breaks_are_replaced_and_proofs_are_never_files(app, db):
    seed_demo()
    broken = db.session.scalars(select(Placement).where(Placement.status == "broken")).all()
    assert broken
    for placement in broken:
        replacement = placement.replacement_candidacy
        assert replacement is not None
        assert replacement.lot_id == placement.lot_id
        assert replacement.participant_id != placement.participant_id
        assert placement.break_reason and placement.ended_on
    assert not db.session.scalar(
        select(func.count()).where(CandidacyCriterion.proof_file.is_not(None))
    )
    # an RQTH proof is seen, never kept
    rqth = db.session.scalars(
        select(CandidacyCriterion).where(CandidacyCriterion.code == "disabled_worker")
    ).all()
    assert rqth and all(c.proof_seen and not c.proof_sha256 for c in rqth)


def test_declarers_follow_the_modality_and_hires_follow_a_decision(app, db):
    seed_demo()
    for candidacy in db.session.scalars(select(Candidacy)):
        declarer = candidacy.declarer
        if candidacy.modality == "direct_hire":
            assert declarer.id == candidacy.lot.holder_id
        else:
            assert declarer.kind == "structure"
    for placement in db.session.scalars(select(Placement)):
        assert placement.decision is not None and placement.decision.eligible
        assert placement.decision.decided_on < placement.start_date
        assert placement.employer_id == placement.candidacy.declarer_id


def test_the_directory_lists_the_demo_structures(app, db):
    seed_demo()
    ai = db.session.scalars(select(Organisation).where(Organisation.structure_kind == "AI")).one()
    assert (ai.commune, ai.postal_code) == ("Chaponost", "69630")
    assert "proprete" in ai.trades


def test_the_earlier_operation_keeps_two_long_placements_running(app, db):
    seed_demo()
    earlier = db.session.scalars(
        select(Placement).join(Lot).join(Market).where(Market.reference.in_(EARLIER_MARKETS))
    ).all()
    assert len(earlier) == len(EARLIER_PEOPLE) == 2
    for placement in earlier:
        assert placement.status == "active"
        assert (placement.start_date.year, placement.start_date.month) == (2025, 12)
        assert placement.planned_end >= date(2027, 6, 1)  # 18 to 24 months
        assert placement.contract_type in ("cddi", "professionalisation")
        assert placement.employer.kind == "structure"
        operation = placement.lot.market.operation
        assert operation.start_date < placement.start_date < TODAY < operation.end_date
    # the forty people of the demo year are never hired on the earlier year's lots
    others = db.session.scalars(
        select(Candidacy).join(Lot).join(Market).where(Market.reference.in_(EARLIER_MARKETS))
    ).all()
    assert len(others) == len(EARLIER_PEOPLE)
