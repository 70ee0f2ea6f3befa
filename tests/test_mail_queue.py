"""The outbox queue (issue 14): a message queued in a transaction leaves when it commits and
never when it rolls back; a sending failure is logged and never undoes the commit. The
account service and the workflow notifications go through it."""

from __future__ import annotations

import email
import email.policy
import logging

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.auth import services as accounts
from portal.documents import mail
from portal.models import AccountToken, Organisation, OrgKind, User
from tests.conftest import CONFIRMED, outbox_messages
from tests.factories import make_admin, make_org, make_user
from tests.quotes.builders import make_quote, priced_operation


def _sent(app) -> list[tuple[str, str]]:
    found = []
    for path in outbox_messages(app):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found.append((message["To"], message["Subject"]))
    return found


def test_a_queued_message_leaves_with_the_commit(app, db):
    mail.queue("personne@exemple.example", "Sujet", "Corps")
    assert _sent(app) == []
    assert [m.subject for m in mail.queued()] == ["Sujet"]
    db.session.commit()
    assert _sent(app) == [("personne@exemple.example", "Sujet")]
    assert mail.queued() == []
    db.session.commit()  # sent once, not again at the next commit
    assert len(outbox_messages(app)) == 1


def test_a_rollback_drops_the_queued_messages(app, db):
    make_org(name="Écrite")  # some work in the transaction, as a service would do
    mail.queue("personne@exemple.example", "Annulé", "Corps")
    db.session.rollback()
    assert mail.queued() == []
    db.session.commit()
    assert _sent(app) == []


def test_a_commit_that_fails_sends_nothing(app, db):
    existing = make_user(make_org(), email="deja@exemple.example")
    db.session.add(
        User(organisation_id=existing.organisation_id, name="Doublon", email=existing.email)
    )
    mail.queue("personne@exemple.example", "Jamais", "Corps")
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.commit()
    assert _sent(app) == []


def test_a_sending_failure_is_logged_and_the_commit_stands(app, db, monkeypatch, caplog):
    def smtp_down(*args, **kwargs):
        raise OSError("connexion refusée")

    monkeypatch.setattr(mail, "send_mail", smtp_down)
    db.session.add(Organisation(kind=OrgKind.COMPANY.value, name="Enregistrée", active=True))
    mail.queue("personne@exemple.example", "Perdu", "Corps")
    with caplog.at_level(logging.ERROR):
        db.session.commit()
    assert "e-mail not sent: Perdu" in caplog.text
    db.session.rollback()
    assert db.session.scalar(select(Organisation.id).where(Organisation.name == "Enregistrée"))


def test_a_released_savepoint_waits_for_the_outer_commit(app, db):
    make_org(name="Avant")
    with db.session.begin_nested():
        mail.queue("personne@exemple.example", "Plus tard", "Corps")
    assert _sent(app) == []
    db.session.commit()
    assert _sent(app) == [("personne@exemple.example", "Plus tard")]


def test_the_invitation_mail_leaves_only_with_the_callers_commit(app, db):
    """The account service queues its link mail: the caller's commit sends it, a rollback
    (the invitation abandoned) sends nothing. The link comes from ``PUBLIC_URL``."""
    admin, org = make_admin(), make_org()
    accounts.invite(org, "Abandonnée", "abandon@exemple.example", False, admin)
    db.session.rollback()
    assert _sent(app) == []
    assert db.session.scalar(select(AccountToken.id)) is None
    _user, link = accounts.invite(org, "Invitée", "invitee@exemple.example", False, admin)
    assert _sent(app) == []
    db.session.commit()
    assert _sent(app) == [("invitee@exemple.example", "Votre accès au portail Passerelle")]
    [path] = outbox_messages(app)
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert link.url.startswith(app.config["PUBLIC_URL"] + "/compte/mot-de-passe/")
    assert link.url in message.get_content()


def test_a_refused_quote_action_sends_none_of_the_mails_it_queued(app, db, login_as, monkeypatch):
    """The approval queues two notifications (decision, deposit invoice); a refusal raised
    after them rolls the action back, and neither leaves. Without the refusal, both do."""
    from portal.documents import notifications
    from portal.quotes.services import QuoteRefused
    from tests.factories import make_ccvg_with_communes

    ccvg, (commune,) = make_ccvg_with_communes("Alpha")
    amoi = make_admin()
    approver = make_user(ccvg)
    quote = make_quote(priced_operation(commune), amoi, status="submitted")
    sent_for_submission = len(outbox_messages(app))
    queue_then_refuse = notifications.invoice_issued

    def invoice_issued_then_refused(invoice):
        queue_then_refuse(invoice)
        raise QuoteRefused("Refus simulé après la mise en file des e-mails.")

    monkeypatch.setattr(notifications, "invoice_issued", invoice_issued_then_refused)
    client = login_as(approver)
    url = f"/devis/{quote.id}/valider"
    refused = client.post_form(url, {"version": str(quote.version), **CONFIRMED})
    assert refused.status_code == 409
    assert len(outbox_messages(app)) == sent_for_submission
    monkeypatch.undo()
    db.session.refresh(quote)
    approved = client.post_form(url, {"version": str(quote.version), **CONFIRMED})
    assert approved.status_code == 303
    subjects = [subject for _to, subject in _sent(app)]
    assert any(s.startswith(f"Devis {quote.number} validé") for s in subjects)
    assert any(s.startswith("Facture FAC-") for s in subjects)
