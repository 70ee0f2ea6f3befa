"""The follow-up's pages and actions (issue 11): notification and kick-off, the buyer's
decision and its comment, versions, letters a company may read, meetings and their
minutes, the buyer's settings, the work queue."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.access import scoped
from portal.extensions import db as _db
from portal.followup import services
from portal.models import AuditEvent, Letter, Meeting, OrganisationReferent, OrgKind
from portal.refusals import Refused
from tests.conftest import CONFIRMED, outbox_messages, text_of, words_of
from tests.factories import make_org, make_user
from tests.followup.builders import DAY, amoi, escalation_at, held_lot


def test_a_notified_market_tells_the_referent_and_asks_for_a_first_contact(app, db, login_as):
    lot = held_lot()
    referent = amoi()
    _db.session.add(OrganisationReferent(organisation_id=lot.holder_id, user_id=referent.id))
    _db.session.commit()
    buyer = login_as(make_user(lot.market.operation.buyer))
    market = lot.market
    page = buyer.get(f"/suivi/marches/{market.id}")
    assert "Marquer le marché notifié" in text_of(page)
    answer = buyer.post_form(
        f"/suivi/marches/{market.id}/notification",
        {"version": str(market.version), "day": "2026-12-01"},
    )
    assert answer.status_code == 303
    mails = [p.read_text() for p in outbox_messages(app)]
    assert any(referent.email in m and "premier contact" in m for m in mails)
    amoi_client = login_as(referent)
    queue = words_of(amoi_client.get("/suivi/"))
    assert f"{lot.holder.name} – {market.reference}" in queue
    assert "Premier contact à prendre" in words_of(amoi_client.get(f"/suivi/lots/{lot.id}"))
    _db.session.refresh(market)
    kickoff = buyer.post_form(
        f"/suivi/marches/{market.id}/lancement",
        {"version": str(market.version), "day": "2026-12-10"},
    )
    assert kickoff.status_code == 303
    assert "présence à confirmer" in words_of(amoi_client.get("/suivi/"))
    assert amoi_client.post_form(f"/suivi/marches/{market.id}/presence").status_code == 303
    assert "présence à confirmer" not in words_of(amoi_client.get("/suivi/"))
    actions = set(_db.session.scalars(select(AuditEvent.action)))
    assert {"market.notified", "market.kickoff_recorded", "market.kickoff_confirmed"} <= actions


def test_the_buyer_declines_with_a_comment_only(app, db, login_as):
    lot = held_lot()
    escalation, _ = escalation_at(lot, amoi(), "reminder_proposed")
    client = login_as(make_user(lot.market.operation.buyer))
    url = f"/suivi/relances/{escalation.id}/refus"
    version = {"version": str(escalation.version)}
    bare = client.post_form(url, {**CONFIRMED, **version})
    assert bare.status_code == 409
    assert "le commentaire est obligatoire" in text_of(bare)
    stale = client.post_form(url, {**CONFIRMED, "version": "99", "comment": "Non"})
    assert stale.status_code == 409 and "Rechargez la page" in text_of(stale)
    asked = client.post_form(url, {**version, "comment": "Attendons la fin du mois"})
    assert asked.status_code == 200 and "Refuser la lettre de relance ?" in text_of(asked)
    done = client.post_form(url, {**CONFIRMED, **version, "comment": "Attendons la fin du mois"})
    assert done.status_code == 303
    _db.session.refresh(escalation)
    assert escalation.status == "none"
    page = words_of(client.get(f"/suivi/relances/{escalation.id}"))
    assert "Refus de l'acheteur" in page and "Attendons la fin du mois" in page


def test_a_sent_letter_cannot_be_superseded(app, db):
    lot = held_lot()
    user = amoi()
    escalation, letter = escalation_at(lot, user, "sent")
    with pytest.raises(Refused, match="déjà envoyée"):
        services.generate_letter(escalation, user, "reminder", DAY, "Autre")
    with pytest.raises(Refused, match="déjà enregistré"):
        services.record_sent(letter, user, DAY)


def test_a_company_reads_its_registered_letter_once_sent_only(app, db, login_as):
    lot = held_lot()
    user = amoi()
    escalation, reminder = escalation_at(lot, user, "sent")
    buyer = make_user(lot.market.operation.buyer)
    services.start_registered(escalation, user, reminder.deadline + timedelta(days=1), "penalties")
    services.decide(escalation, buyer, True, "")
    notice = services.generate_letter(escalation, user, "penalties", DAY, "Pénalités.")
    _db.session.commit()
    company = make_user(lot.holder)
    assert notice not in _db.session.scalars(scoped(Letter, company)).all()
    client = login_as(company)
    assert client.get(f"/suivi/lettres/{notice.id}.pdf").status_code == 404
    buyer_client = login_as(buyer)
    sent = buyer_client.post_form(f"/suivi/lettres/{notice.id}/envoi", {"day": "2027-01-05"})
    assert sent.status_code == 303
    assert client.get(f"/suivi/lettres/{notice.id}.pdf").data.startswith(b"%PDF")
    received = buyer_client.post_form(
        f"/suivi/lettres/{notice.id}/reception", {"day": "2027-01-04"}
    )
    assert received.status_code == 409 and "ne peut pas le précéder" in text_of(received)


def test_the_queue_flags_a_passed_deadline_and_offers_the_registered_letter(app, db, login_as):
    lot = held_lot()
    user = amoi()
    escalation, _ = escalation_at(lot, user, "sent", day=date(2026, 11, 2))  # deadline 16/11
    client = login_as(user)
    queue = words_of(client.get("/suivi/"))
    assert "réponse attendue au 16/11/2026 (Délai dépassé sans réponse)" in queue
    page = words_of(client.get(f"/suivi/relances/{escalation.id}"))
    assert "Proposer la lettre recommandée à l'acheteur" in page


def test_meetings_minutes_are_shared_with_participants_only(app, db, login_as):
    lot = held_lot()
    user = amoi()
    client = login_as(user)
    created = client.post_form(
        "/suivi/reunions/nouvelle",
        {
            "kind": "siae_midyear",
            "day": "2026-12-02",
            "lot": str(lot.id),
            "buyer": "0",
            "participants": [str(lot.holder_id)],
            "minutes": "Point sur les heures réalisées.",
        },
    )
    assert created.status_code == 303
    meeting = _db.session.scalars(select(Meeting)).one()
    company = login_as(make_user(lot.holder))
    assert "pas encore partagé" in text_of(company.get(f"/suivi/reunions/{meeting.id}"))
    shared = client.post_form(
        f"/suivi/reunions/{meeting.id}/compte-rendu",
        {"held": "y", "minutes": "Point sur les heures réalisées.", "minutes_shared": "y"},
    )
    assert shared.status_code == 303
    assert "Point sur les heures réalisées." in text_of(
        company.get(f"/suivi/reunions/{meeting.id}")
    )
    other = login_as(make_user(make_org(OrgKind.COMPANY)))
    assert other.get(f"/suivi/reunions/{meeting.id}").status_code == 404
    listing = words_of(client.get("/suivi/reunions/"))
    assert "Point individuel SIAE en cours d'année" in listing
    assert "Réunion de sensibilisation des services : 0 sur 1" in listing


def test_a_buyer_chooses_which_letters_need_its_agreement(app, db, login_as):
    lot = held_lot()
    buyer_org = lot.market.operation.buyer
    client = login_as(make_user(buyer_org))
    assert client.post_form(f"/suivi/parametres/{buyer_org.id}", {}).status_code == 303
    settings = services.agreement_settings(buyer_org)
    assert not settings.reminder_letter and not settings.registered_letter
    amoi_client = login_as(amoi())
    assert amoi_client.post_form(f"/suivi/parametres/{buyer_org.id}", {}).status_code == 403
    assert "sans accord" in words_of(amoi_client.get(f"/suivi/parametres/{buyer_org.id}"))


def test_the_queue_reads_in_few_statements(app, db, login_as, assert_max_queries):
    user = amoi()
    for _ in range(4):
        escalation_at(held_lot(), user, "sent")
        escalation_at(held_lot(), user, "reminder_proposed")
    client = login_as(user)
    with assert_max_queries(14):
        assert client.get("/suivi/").status_code == 200


def test_the_penalty_form_refuses_a_bad_smic(app, db, login_as):
    lot = held_lot()
    client = login_as(amoi())
    answer = client.post_form(f"/suivi/lots/{lot.id}/penalites", {"smic": "douze"})
    assert answer.status_code == 422
    assert "n'est pas un nombre valide" in text_of(answer)
    ok = client.post_form(f"/suivi/lots/{lot.id}/penalites", {"as_of": "", "smic": "12,02"})
    assert ok.status_code == 409  # the lot has no end date: the date must be given
    assert "Indiquez la date de calcul" in text_of(ok)
    dated = client.post_form(f"/suivi/lots/{lot.id}/penalites", {"as_of": "2027-06-30"})
    assert dated.status_code == 303
    page = words_of(client.get(f"/suivi/lots/{lot.id}"))
    assert "300 h manquantes" in page and "18 000,00 €" in page
    assert _db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "penalty.proposed"))


def test_the_meetings_list_pages_and_htmx_gets_the_list_only(app, db, login_as):
    user = amoi()
    lot = held_lot()
    for n in range(30):
        services.create_meeting(
            user, participants=[lot.holder_id], kind="pilotage", day=date(2026, 1, 1 + n)
        )
    _db.session.commit()
    client = login_as(user)
    first = words_of(client.get("/suivi/reunions/"))
    assert "Page suivante" in first
    fragment = client.get("/suivi/reunions/?page=2", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Réunion de suivi du pilotage" in words_of(fragment)


def test_the_escalation_page_reads_in_few_statements(app, db, login_as, assert_max_queries):
    lot = held_lot()
    user = amoi()
    escalation, _ = escalation_at(lot, user, "sent")
    for n in range(5):
        services.log_contact(
            lot,
            user,
            day=date(2027, 2, 1 + n),
            channel="phone",
            written=False,
            outcome="not_reached",
            note="",
            internal_note="",
        )
    _db.session.commit()
    client = login_as(user)
    with assert_max_queries(20):
        assert client.get(f"/suivi/relances/{escalation.id}").status_code == 200
