"""The hire and the placement's life: refused without an eligible decision, then changes,
break with a replacement, end with the exit situation, +6-month follow-up (docs/domain.md §6;
convention annex 2)."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.models import Candidacy, Placement, PlacementEvent
from portal.people import services
from portal.refusals import Refused
from tests.conftest import CONFIRMED, versioned, words_of
from tests.people.builders import amoi_user, decide, make_candidacy, make_placement

HIRE = {
    "contract_type": "cdd",
    "start_date": "14/12/2026",
    "planned_end": "13/06/2027",
    "weekly_hours": "35",
}


def test_a_hire_without_an_eligible_decision_is_refused(app, db, login_as):
    candidacy = make_candidacy()
    client = login_as(candidacy.submitted_by)
    response = client.post_form(
        f"/candidatures/{candidacy.id}/embauche", versioned(candidacy, {**HIRE, **CONFIRMED})
    )
    assert response.status_code == 409
    assert "l'AMOI n'a pas validé l'éligibilité" in words_of(response)
    assert db.session.scalar(select(func.count(Placement.id))) == 0


def test_a_hire_after_a_refusal_is_refused_by_the_service_too(app, db):
    candidacy = make_candidacy()
    decide(candidacy, eligible=False)
    with pytest.raises(Refused, match="pas validé"):
        services.hire(
            candidacy,
            candidacy.submitted_by,
            contract_type="cdd",
            start_date=date(2026, 12, 14),
            planned_end=None,
            weekly_hours=Decimal("35"),
        )


def test_the_declarer_confirms_the_hire(app, db, login_as):
    candidacy = make_candidacy()
    decide(candidacy)
    client = login_as(candidacy.submitted_by)
    url = f"/candidatures/{candidacy.id}/embauche"
    candidacy = db.session.get(Candidacy, candidacy.id)
    step = client.post_form(url, versioned(candidacy, HIRE))
    assert step.status_code == 200 and "Confirmer l'embauche" in words_of(step)
    assert db.session.scalar(select(func.count(Placement.id))) == 0
    done = client.post_form(url, versioned(candidacy, {**HIRE, **CONFIRMED}))
    assert done.status_code == 303, words_of(done)[:1500]
    placement = db.session.scalars(select(Placement)).one()
    assert (placement.status, placement.start_date, placement.weekly_hours) == (
        "active",
        date(2026, 12, 14),
        Decimal("35"),
    )
    assert placement.employer_id == candidacy.declarer_id
    assert db.session.get(Candidacy, candidacy.id).status == "hired"


def test_a_start_outside_the_validity_is_refused(app, db, login_as):
    candidacy = make_candidacy()
    decide(candidacy, day=date(2026, 12, 3))
    candidacy = db.session.get(Candidacy, candidacy.id)
    response = login_as(candidacy.submitted_by).post_form(
        f"/candidatures/{candidacy.id}/embauche",
        versioned(candidacy, {**HIRE, "start_date": "01/01/2030", **CONFIRMED}),
    )
    assert response.status_code == 422
    assert "en dehors de la période d'éligibilité" in words_of(response)


def test_a_change_of_end_and_hours_is_dated(app, db, login_as):
    placement = make_placement()
    response = login_as(placement.candidacy.submitted_by).post_form(
        f"/embauches/{placement.id}/modification",
        versioned(
            placement,
            {"effective_on": "01/02/2027", "planned_end": "30/09/2027", "weekly_hours": "28"},
        ),
    )
    assert response.status_code == 303, words_of(response)[:1500]
    db.session.refresh(placement)
    assert (placement.planned_end, placement.weekly_hours) == (date(2027, 9, 30), Decimal("28"))
    event = db.session.scalars(select(PlacementEvent).where(PlacementEvent.kind == "change")).one()
    assert event.effective_on == date(2027, 2, 1)


def test_a_break_then_a_linked_replacement(app, db, login_as):
    placement = make_placement()
    client = login_as(placement.candidacy.submitted_by)
    response = client.post_form(
        f"/embauches/{placement.id}/rupture",
        versioned(
            placement, {"kind": "abandon", "day": "10/01/2027", "reason": "Départ", **CONFIRMED}
        ),
    )
    assert response.status_code == 303, words_of(response)[:1500]
    db.session.refresh(placement)
    assert (placement.status, placement.ended_on, placement.break_kind) == (
        "broken",
        date(2027, 1, 10),
        "abandon",
    )
    page = client.get(f"/candidatures/{placement.candidacy_id}")
    assert "Proposer un remplaçant" in words_of(page)
    form = client.get(f"/candidatures/nouvelle?remplace={placement.id}")
    assert f'<option selected value="lot-{placement.lot_id}">' in form.get_data(as_text=True)
    from tests.people.test_candidacies import FORM

    created = client.post_form(
        f"/candidatures/nouvelle?remplace={placement.id}",
        {**FORM, "target": f"lot-{placement.lot_id}", "last_name": "Remplaçant"},
    )
    assert created.status_code == 303, words_of(created)[:1500]
    db.session.refresh(placement)
    replacement = db.session.get(Candidacy, placement.replacement_candidacy_id)
    assert replacement.lot_id == placement.lot_id
    assert replacement.replaces.id == placement.id


def test_the_end_records_the_exit_and_the_followup_falls_due(app, db, login_as):
    placement = make_placement()
    response = login_as(placement.candidacy.submitted_by).post_form(
        f"/embauches/{placement.id}/fin",
        versioned(
            placement,
            {"day": "13/06/2027", "exit_kind": "cdd", "duration_months": "8", **CONFIRMED},
        ),
    )
    assert response.status_code == 303, words_of(response)[:1500]
    db.session.refresh(placement)
    assert (placement.status, placement.exit_category) == ("ended", "durable")
    assert placement.followup_due_on == date(2027, 12, 13)
    due = db.session.scalars(services.followups_due(date(2027, 12, 13))).all()
    assert due == [placement]
    assert db.session.scalars(services.followups_due(date(2027, 12, 12))).all() == []
    amoi = login_as(amoi_user())
    recorded = amoi.post_form(
        f"/embauches/{placement.id}/situation-6-mois",
        versioned(placement, {"day": "14/12/2027", "exit_kind": "job_seeking"}),
    )
    assert recorded.status_code == 303, words_of(recorded)[:1500]
    db.session.refresh(placement)
    assert placement.followup_category == "other"
    assert db.session.scalars(services.followups_due(date(2028, 1, 1))).all() == []


def test_a_cdd_exit_needs_its_length(app, db, login_as):
    placement = make_placement()
    response = login_as(placement.candidacy.submitted_by).post_form(
        f"/embauches/{placement.id}/fin",
        versioned(placement, {"day": "13/06/2027", "exit_kind": "cdd", **CONFIRMED}),
    )
    assert response.status_code == 422
    assert "Indiquez la durée du CDD" in words_of(response)


def test_an_ended_placement_cannot_change(app, db, login_as):
    placement = make_placement()
    services.end_placement(
        placement, amoi_user(), day=date(2027, 1, 1), exit_kind="job_seeking", duration_months=None
    )
    db.session.commit()
    response = login_as(placement.candidacy.submitted_by).post_form(
        f"/embauches/{placement.id}/modification",
        versioned(placement, {"effective_on": "01/02/2027", "weekly_hours": "20"}),
    )
    assert response.status_code == 409


def test_the_placement_and_hire_pages_are_audited(app, db, login_as):
    from portal.models import AuditEvent

    placement = make_placement()
    client = login_as(placement.candidacy.submitted_by)
    assert client.get(f"/embauches/{placement.id}/modification").status_code == 200
    other = make_candidacy()
    decide(other)
    assert login_as(other.submitted_by).get(f"/candidatures/{other.id}/embauche").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "placement.viewed" in actions
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "candidacy.viewed", AuditEvent.detail == "hire_page"
            )
        )
        == 1
    )
