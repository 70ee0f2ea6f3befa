"""The review of the monthly statements (convention art. 4; docs/domain.md §7; issue 10):
the AMOI's queue, « Valider tout », the proposed refusals with their reasons, the lot's
buyer's decision, what the submitter sees, scoping between buyers, audit and e-mails."""

from __future__ import annotations

import email
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.access import scoped
from portal.extensions import db as _db
from portal.models import AuditEvent, HourLine, HourStatement, OrgKind, User
from portal.models.base import utcnow
from portal.statements import review
from portal.statements.queries import validated_hours_by_lot
from tests.conftest import CONFIRMED, outbox_messages, text_of, versioned, words_of
from tests.factories import make_ccvg_with_communes, make_org, make_user
from tests.people.builders import amoi_user
from tests.statements.builders import (
    buyer_lot,
    proposed_statement,
    submitted_statement,
)


def _actions(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _mail(path) -> str:
    """An outbox message: its recipient and its decoded body."""
    message = email.message_from_bytes(path.read_bytes())
    body = message.get_payload(decode=True).decode("utf-8")
    return f"To: {message['To']}\nSubject: {message['Subject']}\n{body}"


def _world():
    ccvg, (commune, other_commune) = make_ccvg_with_communes("Alpha", "Beta")
    structure = make_org(OrgKind.STRUCTURE)
    return ccvg, commune, other_commune, structure, make_user(structure)


def test_the_queue_lists_submitted_statements_oldest_first_with_filters(
    app, db, login_as, assert_max_queries
):
    _ccvg, commune, _, structure, uploader = _world()
    other = make_org(OrgKind.STRUCTURE, name="Deuxième structure")
    later = submitted_statement(structure, uploader, [buyer_lot(commune)], month="03/2027")
    earlier = submitted_statement(other, make_user(other), [buyer_lot(commune)], month="01/2027")
    for i in range(3):
        submitted_statement(structure, uploader, [buyer_lot(commune)], month=f"0{4 + i}/2027")
    client = login_as(amoi_user())
    with assert_max_queries(12):
        response = client.get("/releves/a-valider")
    assert response.status_code == 200
    page = words_of(response)
    assert page.index("Janvier 2027") < page.index("Mars 2027")
    assert "5 relevés à valider" in page
    only = words_of(client.get(f"/releves/a-valider?organisation={other.id}"))
    assert "Deuxième structure" in only and "Mars 2027" not in only
    month = words_of(client.get("/releves/a-valider?mois=2027-03"))
    assert "Mars 2027" in month and "Janvier 2027" not in month
    assert earlier.id and later.id
    home = words_of(client.get("/"))
    assert "5 relevés d'heures à valider" in home
    assert "/releves/a-valider" in client.get("/releves/").get_data(as_text=True)


def test_validate_all_validates_every_line_and_tells_the_submitter(app, db, login_as):
    _, commune, _, structure, uploader = _world()
    statement = submitted_statement(structure, uploader, [buyer_lot(commune), buyer_lot(commune)])
    client = login_as(amoi_user())
    url = f"/releves/{statement.id}/validation"
    asked = client.post_form(url, versioned(statement))
    assert asked.status_code == 200 and "Valider tout le relevé" in text_of(asked)
    assert _db.session.get(HourStatement, statement.id).status == "submitted"
    before = set(outbox_messages(app))
    response = client.post_form(url, versioned(statement, CONFIRMED))
    assert response.status_code == 303
    _db.session.expire_all()
    statement = _db.session.get(HourStatement, statement.id)
    assert statement.status == "validated"
    assert {line.status for line in statement.lines} == {"validated"}
    assert len(_actions("statement.validated")) == 1
    messages = [m for m in outbox_messages(app) if m not in before]
    bodies = [_mail(message) for message in messages]
    assert any(uploader.email in body for body in bodies)
    assert all("validé" in body and "MARTIN" not in body for body in bodies)
    # a second validation is refused: the statement is no longer submitted
    again = client.post_form(url, versioned(statement, CONFIRMED))
    assert again.status_code == 409


def test_a_stale_form_answers_409(app, db, login_as):
    _, commune, _, structure, uploader = _world()
    statement = submitted_statement(structure, uploader, [buyer_lot(commune)])
    client = login_as(amoi_user())
    stale = {"version": str(statement.version - 1 or 99), **CONFIRMED}
    response = client.post_form(f"/releves/{statement.id}/validation", stale)
    assert response.status_code == 409
    assert "Rechargez la page" in text_of(response)
    assert _db.session.get(HourStatement, statement.id).status == "submitted"


def test_a_proposed_refusal_needs_a_reason_in_french(app, db, login_as):
    _, commune, _, structure, uploader = _world()
    statement = submitted_statement(structure, uploader, [buyer_lot(commune), buyer_lot(commune)])
    line = statement.lines[0]
    client = login_as(amoi_user())
    url = f"/releves/{statement.id}/refus"
    empty = client.post_form(url, versioned(statement, {"refuser": str(line.id), **CONFIRMED}))
    assert empty.status_code == 422
    assert "Indiquez le motif du refus proposé pour cette ligne." in text_of(empty)
    nothing = client.post_form(url, versioned(statement, CONFIRMED))
    assert nothing.status_code == 422
    assert "Cochez au moins une ligne à refuser" in text_of(nothing)
    _db.session.expire_all()
    assert _db.session.get(HourStatement, statement.id).status == "submitted"


def test_the_amoi_proposes_and_the_lots_buyer_confirms_the_refusal(app, db, login_as):
    ccvg, commune, other_commune, structure, uploader = _world()
    refused_lot, kept_lot = buyer_lot(commune), buyer_lot(commune)
    statement = submitted_statement(structure, uploader, [refused_lot, kept_lot])
    target, kept = statement.lines
    buyer = make_user(commune)
    make_user(ccvg)
    amoi = login_as(amoi_user())
    reviewed = amoi.get(f"/releves/{statement.id}/examen")
    assert reviewed.status_code == 200 and "MARTIN" in text_of(reviewed)
    before = set(outbox_messages(app))
    reason = "Heures le dimanche, hors des pratiques du chantier"
    response = amoi.post_form(
        f"/releves/{statement.id}/refus",
        versioned(
            statement, {"refuser": str(target.id), f"motif-{target.id}": reason, **CONFIRMED}
        ),
    )
    assert response.status_code == 303
    _db.session.expire_all()
    statement = _db.session.get(HourStatement, statement.id)
    target, kept = statement.lines
    assert statement.status == "refusal_proposed"
    assert (target.status, target.refusal_reason) == ("refusal_proposed", reason)
    assert kept.status == "validated"
    # the commune (the lot's buyer) is told, without a name
    mails = [m for m in outbox_messages(app) if m not in before]
    assert mails and all("MARTIN" not in _mail(m) for m in mails)
    assert any(buyer.email in _mail(m) for m in mails)
    # only the lot's buyer sees it: no name, the hours, the lot, the employer, the reason
    commune_client = login_as(buyer)
    home = words_of(commune_client.get("/"))
    assert "1 ligne d'heures dont l'AMOI propose le refus" in home
    page = commune_client.get("/releves/refus-a-decider")
    assert page.status_code == 200
    words = words_of(page)
    assert reason in words and structure.name in words and "100 h" in words.replace(",00", "")
    assert "MARTIN" not in words and "Prénom0" not in words
    for outsider in (make_user(other_commune), make_user(ccvg)):
        other_page = words_of(login_as(outsider).get("/releves/refus-a-decider"))
        assert reason not in other_page
        denied = login_as(outsider).post_form(
            f"/releves/lignes/{target.id}/decision",
            versioned(target, {"decision": "confirmer", "commentaire": "Non", **CONFIRMED}),
        )
        assert denied.status_code == 404
    # the comment is required
    missing = commune_client.post_form(
        f"/releves/lignes/{target.id}/decision",
        versioned(target, {"decision": "confirmer", "commentaire": " ", **CONFIRMED}),
    )
    assert missing.status_code == 422
    assert "Indiquez un commentaire pour expliquer votre décision." in text_of(missing)
    before = set(outbox_messages(app))
    decided = commune_client.post_form(
        f"/releves/lignes/{target.id}/decision",
        versioned(
            target, {"decision": "confirmer", "commentaire": "Confirmé en bureau", **CONFIRMED}
        ),
    )
    assert decided.status_code == 303
    _db.session.expire_all()
    statement = _db.session.get(HourStatement, statement.id)
    target = _db.session.get(HourLine, target.id)
    assert (target.status, target.buyer_decision, target.buyer_comment) == (
        "refused",
        "confirmed",
        "Confirmé en bureau",
    )
    assert statement.status == "validated"  # no line pending, one still counts
    assert validated_hours_by_lot([refused_lot.id, kept_lot.id]) == {kept_lot.id: Decimal("101")}
    assert len(_actions("hour_line.refusal_confirmed")) == 1
    assert len(_actions("statement.settled")) == 1
    mails = [m for m in outbox_messages(app) if m not in before]
    recipients = " ".join(_mail(m) for m in mails)
    assert uploader.email in recipients and "MARTIN" not in recipients
    # the submitter sees the outcome and the reasons
    show = words_of(login_as(uploader).get(f"/releves/{statement.id}"))
    assert reason in show and "Refus confirmé" in show and "Confirmé en bureau" in show
    assert "Heures validées 101" in show.replace(",00", "")


def test_the_buyer_overturns_a_refusal_and_the_line_counts(app, db, login_as):
    _, commune, _, structure, uploader = _world()
    statement, [line] = proposed_statement(structure, uploader, commune, lines=1)
    client = login_as(make_user(commune))
    response = client.post_form(
        f"/releves/lignes/{line.id}/decision",
        versioned(line, {"decision": "ecarter", "commentaire": "Pratique habituelle", **CONFIRMED}),
    )
    assert response.status_code == 303
    _db.session.expire_all()
    line = _db.session.get(HourLine, line.id)
    assert (line.status, line.buyer_decision) == ("validated", "overturned")
    assert _db.session.get(HourStatement, statement.id).status == "validated"
    assert validated_hours_by_lot([line.placement.lot_id]) == {
        line.placement.lot_id: Decimal("100")
    }
    # decided: no second decision, even with the fresh version
    again = client.post_form(
        f"/releves/lignes/{line.id}/decision",
        versioned(line, {"decision": "confirmer", "commentaire": "Finalement non", **CONFIRMED}),
    )
    assert again.status_code == 409


def test_every_line_refused_refuses_the_statement(app, db, login_as):
    _, commune, _, structure, uploader = _world()
    statement, [line] = proposed_statement(structure, uploader, commune, lines=1)
    client = login_as(make_user(commune))
    client.post_form(
        f"/releves/lignes/{line.id}/decision",
        versioned(line, {"decision": "confirmer", "commentaire": "D'accord", **CONFIRMED}),
    )
    _db.session.expire_all()
    assert _db.session.get(HourStatement, statement.id).status == "refused"


def test_the_ccvg_decides_the_lines_of_its_own_lots_only(app, db, login_as):
    ccvg, commune, _, structure, uploader = _world()
    ccvg_user, commune_user = make_user(ccvg), make_user(commune)
    _, [own] = proposed_statement(structure, uploader, ccvg, lines=1)
    _, [communes] = proposed_statement(structure, uploader, commune, lines=1, month="02/2027")
    assert [line.id for line in _db.session.scalars(scoped(HourLine, ccvg_user))] == [own.id]
    assert [line.id for line in _db.session.scalars(scoped(HourLine, commune_user))] == [
        communes.id
    ]
    response = login_as(ccvg_user).post_form(
        f"/releves/lignes/{own.id}/decision",
        versioned(own, {"decision": "ecarter", "commentaire": "Conforme", **CONFIRMED}),
    )
    assert response.status_code == 303


def test_buyers_never_see_lines_outside_the_refusal_workflow(app, db):
    _, commune, _, structure, uploader = _world()
    submitted_statement(structure, uploader, [buyer_lot(commune)])
    assert _db.session.scalars(scoped(HourLine, make_user(commune))).all() == []
    assert _db.session.scalars(scoped(HourStatement, make_user(commune))).all() == []


def test_structures_and_companies_do_not_see_each_others_review(app, db, login_as):
    _, commune, _, structure, uploader = _world()
    statement, [_line] = proposed_statement(structure, uploader, commune, lines=1)
    other = make_user(make_org(OrgKind.STRUCTURE))
    company = make_user(make_org(OrgKind.COMPANY))
    for user in (other, company):
        assert login_as(user).get(f"/releves/{statement.id}").status_code == 404
        assert _db.session.scalars(scoped(HourLine, user)).all() == []
        assert login_as(user).get("/releves/refus-a-decider").status_code == 403


def test_the_buyers_list_is_paginated_without_n_plus_one(app, db, login_as, assert_max_queries):
    _, commune, _, structure, uploader = _world()
    for month in ("01/2027", "02/2027", "03/2027"):
        proposed_statement(structure, uploader, commune, refused=2, lines=2, month=month)
    client = login_as(make_user(commune))
    with assert_max_queries(10):
        response = client.get("/releves/refus-a-decider")
    assert "6 lignes en attente de décision" in words_of(response)


def test_a_stale_decision_answers_409(app, db, login_as):
    _, commune, _, structure, uploader = _world()
    _, [line] = proposed_statement(structure, uploader, commune, lines=1)
    client = login_as(make_user(commune))
    stale = {"version": str(line.version + 1), "decision": "confirmer", "commentaire": "Oui"}
    response = client.post_form(f"/releves/lignes/{line.id}/decision", {**stale, **CONFIRMED})
    assert response.status_code == 409
    assert "Cette ligne a été modifiée" in text_of(response)
    _db.session.expire_all()
    assert _db.session.get(HourLine, line.id).status == "refusal_proposed"


def test_the_decision_asks_for_confirmation_first(app, db, login_as):
    _, commune, _, structure, uploader = _world()
    _, [line] = proposed_statement(structure, uploader, commune, lines=1)
    client = login_as(make_user(commune))
    asked = client.post_form(
        f"/releves/lignes/{line.id}/decision",
        versioned(line, {"decision": "ecarter", "commentaire": "Conforme"}),
    )
    assert asked.status_code == 200
    assert "ses heures ne compteront jamais" in text_of(asked)
    _db.session.expire_all()
    assert _db.session.get(HourLine, line.id).status == "refusal_proposed"


@pytest.mark.concurrency
def test_two_buyers_deciding_the_last_lines_at_once_settle_the_statement(app, db):
    """The lines of one statement on two communes' lots, decided at the same moment: the
    second decision sees the first one (the statement's row is locked) and settles it."""
    _, commune, other_commune, structure, uploader = _world()
    statement = submitted_statement(
        structure, uploader, [buyer_lot(commune), buyer_lot(other_commune)]
    )
    chosen = {line.id: "Hors pratiques" for line in statement.lines}
    lines = review.propose_refusal(statement, amoi_user(), utcnow(), chosen)
    db.session.commit()
    deciders = {lines[0].id: make_user(commune).id, lines[1].id: make_user(other_commune).id}
    statement_id = statement.id
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def decide(line_id: int, user_id: int) -> None:
        with app.app_context():
            try:
                line = _db.session.get(HourLine, line_id)
                user = _db.session.get(User, user_id)
                barrier.wait(timeout=10)
                review.decide(line, user, utcnow(), confirm=False, comment="Conforme")
                _db.session.commit()
            except BaseException as error:  # reported to the main thread below
                errors.append(error)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=decide, args=item) for item in deciders.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    _db.session.expire_all()
    assert _db.session.get(HourStatement, statement_id).status == "validated"
