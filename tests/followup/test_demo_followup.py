"""The demonstration follow-up (issue 11): a full escalation history, a reminder whose
deadline is past, a decided penalty, meetings of each kind."""

from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from portal.demo import seed_demo
from portal.extensions import db as _db
from portal.models import Contact, Escalation, Letter, Meeting, PenaltyProposal
from portal.rules.followup import MeetingKind


def test_the_demo_tells_each_story_of_the_follow_up(app, db):
    seed_demo()
    escalations = {e.status: e for e in _db.session.scalars(select(Escalation))}
    done = escalations["resolved"]
    assert len([c for c in _db.session.scalars(select(Contact)) if c.lot_id == done.lot_id]) == 3
    assert sorted(x.kind for x in done.letters) == ["formal_notice", "reminder"]
    notice = done.current_letter("formal_notice")
    assert notice.sent_on and notice.received_on
    assert (
        "Lettre recommandée avec accusé de réception"
        in PdfReader(BytesIO(notice.pdf)).pages[0].extract_text()
    )
    assert _db.session.scalar(select(Meeting).where(Meeting.escalation_id == done.id))
    late = escalations["reminder_letter"]
    reminder = late.current_letter("reminder")
    assert reminder.sent_on and reminder.deadline.isoformat() == "2026-11-04"
    decided = _db.session.scalars(select(PenaltyProposal)).one()
    assert decided.status == "decided" and decided.decision_reason
    kinds = set(_db.session.scalars(select(Meeting.kind)))
    assert kinds == {k.value for k in MeetingKind}
    assert _db.session.scalar(select(Letter.sha256).limit(1))
