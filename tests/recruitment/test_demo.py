"""The demonstration pre-recruitment (portal/demo/recruitment.py)."""

from sqlalchemy import func, select

from portal.demo import seed_demo
from portal.models import Application, InfoSession, JobOffer, Organisation, OrgKind, User
from portal.rules.workflow import ApplicationStatus


def test_three_offers_two_prescribers_candidates_at_every_stage_one_session(app, db):
    seed_demo()
    assert sorted(db.session.scalars(select(JobOffer.status))) == ["draft", "filled", "open"]
    prescribers = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.PRESCRIBER.value)
    ).all()
    assert len(prescribers) == 2
    for org in prescribers:
        assert db.session.scalar(select(func.count(User.id)).where(User.organisation_id == org.id))
    applications = db.session.scalars(select(Application)).all()
    assert len(applications) == 15
    assert {a.status for a in applications} == {s.value for s in ApplicationStatus}
    assert {a.prescriber_id for a in applications} == {o.id for o in prescribers}
    sessions = db.session.scalars(select(InfoSession)).all()
    assert len(sessions) == 1 and sessions[0].invites
    assert any(i.attended for i in sessions[0].invites)
    open_offer = db.session.scalar(select(JobOffer).where(JobOffer.status == "open"))
    assert len(open_offer.diffusions) == 3
