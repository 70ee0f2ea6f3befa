"""The AMOI corrects duplicate detection: merge two records of one person, split a
candidacy wrongly linked (docs/domain.md §5); both audited."""

from sqlalchemy import func, select

from portal.models import AuditEvent, Candidacy, Participant
from tests.conftest import CONFIRMED, versioned, words_of
from tests.people.builders import amoi_user, decide, identity, make_candidacy


def test_the_amoi_merges_two_records(app, db, login_as):
    first = make_candidacy()
    decide(first)
    second = make_candidacy()
    source = first.participant
    client = login_as(amoi_user())
    step = client.post_form(
        f"/personnes/{source.id}/fusion", versioned(source, {"fiche": str(second.participant_id)})
    )
    assert step.status_code == 200 and "Fusionner la fiche" in words_of(step)
    done = client.post_form(
        f"/personnes/{source.id}/fusion",
        versioned(source, {"fiche": str(second.participant_id), **CONFIRMED}),
    )
    assert done.status_code == 303, words_of(done)[:1500]
    db.session.expire_all()
    assert db.session.get(Candidacy, first.id).participant_id == second.participant_id
    assert db.session.get(Candidacy, first.id).decision.participant_id == second.participant_id
    assert db.session.get(Participant, source.id).merged_into_id == second.participant_id
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "participant.merged")
        )
        == 2
    )


def test_the_amoi_splits_a_wrong_match(app, db, login_as):
    who = identity(last_name="Bernard", first_name="Luc")
    first = make_candidacy(who=who)
    second = make_candidacy(who=identity(last_name="BERNARD", first_name="luc"))
    assert second.matched_existing and second.participant_id == first.participant_id
    client = login_as(amoi_user())
    assert "Séparer" in words_of(client.get(f"/candidatures/{second.id}"))
    done = client.post_form(f"/candidatures/{second.id}/separer", versioned(second, {**CONFIRMED}))
    assert done.status_code == 303, words_of(done)[:1500]
    db.session.expire_all()
    moved = db.session.get(Candidacy, second.id)
    assert moved.participant_id != first.participant_id
    assert moved.participant.last_name == "Bernard"
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "participant.split")
        )
        == 2
    )


def test_a_single_candidacy_cannot_be_split(app, db, login_as):
    candidacy = make_candidacy()
    response = login_as(amoi_user()).post_form(
        f"/candidatures/{candidacy.id}/separer", versioned(candidacy, {**CONFIRMED})
    )
    assert response.status_code == 409
    assert "rien à séparer" in words_of(response)


def test_declarers_cannot_merge(app, login_as):
    candidacy = make_candidacy()
    response = login_as(candidacy.submitted_by).post_form(
        f"/personnes/{candidacy.participant_id}/fusion", {"fiche": "1", **CONFIRMED}
    )
    assert response.status_code == 403
