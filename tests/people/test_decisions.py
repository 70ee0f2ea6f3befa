"""The AMOI's work queue and decisions, the declarer's notification, and the versioned
harmonisation rules (docs/domain.md §5; convention annex 1 §3)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.clock import today
from portal.models import AuditEvent, Candidacy, EligibilityDecision, EligibilityRules
from portal.people import services
from portal.rules.eligibility import HarmonisationRules
from tests.conftest import HTMX, outbox_messages, text_of, versioned, words_of
from tests.factories import make_org, make_user
from tests.people.builders import amoi_user, decide, identity, make_candidacy


def test_the_queue_lists_pending_candidacies_oldest_first(app, db, login_as):
    first = make_candidacy()
    second = make_candidacy()
    decided = make_candidacy()
    decide(decided)
    first.submitted_at, second.submitted_at = second.submitted_at, first.submitted_at
    db.session.commit()
    page = login_as(amoi_user()).get("/candidatures/a-decider")
    text = words_of(page)
    assert page.status_code == 200
    assert text.index(second.participant.display_name) < text.index(first.participant.display_name)
    assert decided.participant.display_name not in text


def test_the_queue_filters_by_declarer_and_my_cases_with_htmx(app, db, login_as):
    me = amoi_user()
    mine = make_candidacy()
    other = make_candidacy()
    mine.participant.amoi_referent_id = me.id
    db.session.commit()
    client = login_as(me)
    fragment = client.get(f"/candidatures/a-decider?declarant={other.declarer_id}", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True)
    assert other.participant.display_name in text_of(fragment)
    assert mine.participant.display_name not in text_of(fragment)
    mes = client.get("/candidatures/a-decider?mes=1", headers=HTMX)
    assert mine.participant.display_name in text_of(mes)
    assert other.participant.display_name not in text_of(mes)


def test_an_eligible_decision_sets_validity_hours_and_notifies_the_declarer(app, db, login_as):
    candidacy = make_candidacy()
    make_user(candidacy.declarer, email="rh@entreprise.test")
    response = login_as(amoi_user()).post_form(
        f"/candidatures/{candidacy.id}/decision",
        versioned(
            candidacy, {"outcome": "eligible", "retained": ["rsa"], "countable_hours": "120"}
        ),
    )
    assert response.status_code == 303, words_of(response)[:1500]
    decision = db.session.scalars(select(EligibilityDecision)).one()
    assert decision.eligible and decision.countable_hours == Decimal("120")
    assert decision.eligible_from == decision.decided_on == today()
    assert decision.eligible_until == services.rules_on(decision.decided_on)[1].eligible_until(
        decision.decided_on
    )
    assert decision.criteria_codes == ["rsa"]
    assert decision.rules_id is None and decision.rules_applied["eligibility_months"] == 24
    assert db.session.get(Candidacy, candidacy.id).status == "eligible"
    messages = [m.read_text() for m in outbox_messages(app)]
    assert any("rh@entreprise.test" in m for m in messages)
    assert all(candidacy.participant.last_name not in m for m in messages)
    assert (
        db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "candidacy.decided")
        )
        .one()
        .startswith("eligible=1")
    )


def test_a_refusal_needs_a_reason_written_for_the_declarer(app, db, login_as):
    candidacy = make_candidacy()
    client = login_as(amoi_user())
    url = f"/candidatures/{candidacy.id}/decision"
    refused = client.post_form(url, versioned(candidacy, {"outcome": "ineligible"}))
    assert refused.status_code == 422
    assert "Motivez la décision" in words_of(refused)
    ok = client.post_form(
        url,
        versioned(candidacy, {"outcome": "ineligible", "reason": "Aucun justificatif récent."}),
    )
    assert ok.status_code == 303
    page = login_as(candidacy.submitted_by).get(f"/candidatures/{candidacy.id}")
    assert "Aucun justificatif récent." in words_of(page)
    assert "notification de validation" not in words_of(page).lower()


def test_a_stale_proof_is_flagged_on_the_decision_page(app, db, login_as):
    candidacy = make_candidacy()
    row = candidacy.criteria[0]
    row.proof_date = date(2020, 1, 1)
    db.session.commit()
    page = login_as(amoi_user()).get(f"/candidatures/{candidacy.id}/decision")
    assert "Justificatif de plus de 3 mois" in words_of(page)


def test_an_earlier_valid_decision_is_shown_and_its_period_kept(app, db, login_as):
    who = identity(last_name="Martin", first_name="Paul")
    first = make_candidacy(who=who)
    earlier = decide(first, day=date(2026, 1, 10))
    again = make_candidacy(
        who=identity(last_name="MARTIN", first_name="paul", birth_date=who.birth_date)
    )
    assert again.participant_id == first.participant_id
    page = login_as(amoi_user()).get(f"/candidatures/{again.id}/decision")
    assert "Décision antérieure encore valable" in words_of(page)
    second = decide(again, day=date(2026, 12, 3))
    assert second.earlier_decision_id == earlier.id
    assert (second.eligible_from, second.eligible_until) == (
        date(2026, 1, 10),
        date(2028, 1, 9),
    )


def test_a_second_decision_is_refused(app, db, login_as):
    candidacy = make_candidacy()
    decide(candidacy)
    response = login_as(amoi_user()).post_form(
        f"/candidatures/{candidacy.id}/decision",
        versioned(
            db.session.get(Candidacy, candidacy.id), {"outcome": "ineligible", "reason": "x"}
        ),
    )
    assert response.status_code == 409


def test_a_stale_version_answers_409(app, db, login_as):
    candidacy = make_candidacy()
    response = login_as(amoi_user()).post_form(
        f"/candidatures/{candidacy.id}/decision",
        {"version": "99", "outcome": "eligible", "retained": ["rsa"], "countable_hours": "1"},
    )
    assert response.status_code == 409


# --- rules versions -------------------------------------------------------------------------


def test_an_admin_records_a_version_and_old_decisions_keep_theirs(app, db, login_as):
    old = decide(make_candidacy(), day=date(2026, 3, 1))
    admin = login_as(amoi_user(is_admin=True))
    response = admin.post_form(
        "/personnes/regles",
        {
            "effective_from": "01/06/2026",
            "criteria": ["rsa", "long_term_jobseeker"],
            "proof_max_age_months": "6",
            "eligibility_months": "18",
            "cdi_cap_months": "12",
        },
    )
    assert response.status_code == 303, words_of(response)[:1500]
    version = db.session.scalars(select(EligibilityRules)).one()
    assert version.eligibility_months == 18
    new = decide(make_candidacy(), day=date(2026, 12, 3))
    assert new.rules_id == version.id and new.rules_applied["eligibility_months"] == 18
    assert new.eligible_until == date(2028, 6, 2)
    db.session.refresh(old)
    assert old.rules_id is None and old.rules_applied["eligibility_months"] == 24
    assert old.eligible_until == date(2028, 2, 29)
    assert old.applied_rules == HarmonisationRules()


def test_a_criterion_switched_off_cannot_be_retained(app, db):
    services.record_rules_version(
        amoi_user(is_admin=True),
        HarmonisationRules(date(2026, 1, 1), criteria=frozenset({"long_term_jobseeker"})),
        "",
    )
    db.session.commit()
    candidacy = make_candidacy(criteria=("rsa",))
    import pytest

    from portal.refusals import Refused

    with pytest.raises(Refused, match="pas accepté"):
        decide(candidacy, day=date(2026, 12, 3))


def test_only_an_admin_records_rules(app, login_as):
    assert login_as(amoi_user()).get("/personnes/regles").status_code == 403
    assert login_as(make_user(make_org())).get("/personnes/regles").status_code == 403


def test_two_versions_on_the_same_day_are_refused(app, db, login_as):
    admin = login_as(amoi_user(is_admin=True))
    data = {
        "effective_from": "01/06/2026",
        "criteria": ["rsa"],
        "proof_max_age_months": "3",
        "eligibility_months": "24",
    }
    assert admin.post_form("/personnes/regles", data).status_code == 303
    again = admin.post_form("/personnes/regles", data)
    assert again.status_code == 422
    assert "commence déjà à cette date" in words_of(again)
