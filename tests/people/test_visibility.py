"""Who sees what (docs/domain.md §5): the AMOI everything; a declarer its own people,
never a health-data criterion; buyers counts only, never a name; every view audited."""

import io
import re

from pypdf import PdfReader
from sqlalchemy import func, select

from portal.models import AuditEvent, OrgKind
from tests.conftest import HTMX, text_of, words_of
from tests.factories import make_lot, make_market, make_operation, make_org, make_user
from tests.people.builders import amoi_user, decide, make_candidacy, make_placement

RQTH = "Travailleur handicapé"


def _pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_a_declarer_never_sees_a_health_criterion_the_amoi_does(app, db, login_as):
    candidacy = make_candidacy(criteria=("rsa", "disabled_worker"))
    company = login_as(candidacy.submitted_by)
    for url in (f"/candidatures/{candidacy.id}", f"/personnes/{candidacy.participant_id}"):
        page = company.get(url)
        assert page.status_code == 200
        assert "Bénéficiaire du RSA" in words_of(page)
        assert RQTH not in words_of(page) and "RQTH" not in words_of(page).replace(
            "décision MDPH (RQTH) : l'AMOI", ""
        )
    amoi = login_as(amoi_user())
    assert RQTH in words_of(amoi.get(f"/candidatures/{candidacy.id}"))
    assert RQTH in words_of(amoi.get(f"/personnes/{candidacy.participant_id}"))


def test_the_notification_names_the_person_and_never_a_criterion(app, db, login_as):
    candidacy = make_candidacy(criteria=("rsa", "disabled_worker"))
    decide(candidacy)
    response = login_as(candidacy.submitted_by).get(
        f"/candidatures/{candidacy.id}/notification.pdf"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = _pdf_text(response.data)
    assert candidacy.participant.last_name.upper() in text
    assert "Embauche directe" in text and "143 h" in text
    assert "RSA" not in text and "handicap" not in text.lower() and "RQTH" not in text
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "notification.downloaded")
        )
        == 1
    )


def test_no_notification_before_an_eligible_decision(app, login_as):
    candidacy = make_candidacy()
    url = f"/candidatures/{candidacy.id}/notification.pdf"
    assert login_as(candidacy.submitted_by).get(url).status_code == 404


def test_a_declarer_lists_only_its_own_people(app, login_as):
    mine = make_candidacy()
    other = make_candidacy()
    page = login_as(mine.submitted_by).get("/personnes/")
    assert mine.participant.display_name in text_of(page)
    assert other.participant.display_name not in text_of(page)


def test_a_second_company_gets_404_on_the_person(app, login_as):
    candidacy = make_candidacy()
    stranger = make_user(make_org(OrgKind.COMPANY))
    client = login_as(stranger)
    assert client.get(f"/personnes/{candidacy.participant_id}").status_code == 404
    assert client.get(f"/candidatures/{candidacy.id}").status_code == 404


def test_buyers_see_counts_on_their_lots_and_no_name(app, db, login_as):
    buyer = make_org(OrgKind.BUYER)
    lot = make_lot(make_market(make_operation(buyer)), holder=make_org())
    placement = make_placement(lot.holder, lot=lot)
    second = make_placement(lot.holder, lot=lot, modality="geiq")
    elsewhere = make_placement()
    page = login_as(make_user(buyer)).get("/personnes/")
    assert page.status_code == 200
    text = words_of(page)
    for p in (placement, second, elsewhere):
        assert p.participant.last_name.upper() not in text.upper()
        assert p.participant.first_name not in text
    assert "Embauche directe : 1" in text
    assert "Mise à disposition par un GEIQ : 1" in text
    assert "CDD : 2" in text
    assert elsewhere.lot.title not in text
    assert (
        login_as(make_user(buyer)).get(f"/personnes/{placement.participant_id}").status_code == 403
    )


def test_every_view_of_a_person_is_audited_without_values(app, db, login_as):
    candidacy = make_candidacy()
    client = login_as(amoi_user())
    client.get(f"/personnes/{candidacy.participant_id}")
    client.get(f"/candidatures/{candidacy.id}")
    client.get("/personnes/")
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.in_(["participant.viewed", "candidacy.viewed", "participants.listed"])
        )
    ).all()
    assert {e.action for e in events} == {
        "participant.viewed",
        "candidacy.viewed",
        "participants.listed",
    }
    name = candidacy.participant.last_name
    assert all(name not in e.detail and name not in e.object_id for e in events)


def test_the_amoi_searches_people_by_post(app, db, login_as):
    candidacy = make_candidacy()
    client = login_as(amoi_user())
    response = client.post_form(
        "/personnes/recherche", {"q": candidacy.participant.last_name[:6]}, htmx=True
    )
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert candidacy.participant.display_name in text_of(response)
    assert client.get("/personnes/recherche?q=x").status_code == 405
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "participants.searched")
        )
        == 1
    )
    from tests.people.builders import identity

    accented = make_candidacy(who=identity(last_name="Lefèvre-Günther"))
    found = client.post_form("/personnes/recherche", {"q": "lefevre gun"}, htmx=True)
    assert accented.participant.display_name in text_of(found)
    short = client.post_form("/personnes/recherche", {"q": "a"}, htmx=True)
    assert short.status_code == 422


def test_the_people_list_is_one_query_per_page(app, login_as, assert_max_queries):
    company = make_org()
    lot = make_lot(holder=company)
    user = make_user(company)
    for _ in range(5):
        make_candidacy(company, lot=lot, user=user)
    client = login_as(user)
    client.get("/personnes/")
    with assert_max_queries(12):
        assert client.get("/personnes/", headers=HTMX).status_code == 200


def test_the_queue_is_a_few_queries_per_page(app, login_as, assert_max_queries):
    for _ in range(5):
        make_candidacy()
    client = login_as(amoi_user())
    client.get("/candidatures/a-decider")
    with assert_max_queries(14):
        assert client.get("/candidatures/a-decider", headers=HTMX).status_code == 200


def test_the_amoi_reads_a_persons_history_declarers_do_not(app, login_as):
    candidacy = make_candidacy()
    decide(candidacy)
    amoi_page = words_of(login_as(amoi_user()).get(f"/personnes/{candidacy.participant_id}"))
    assert "Historique" in amoi_page
    assert "Candidature proposée" in amoi_page and "Décision d'éligibilité enregistrée" in amoi_page
    company_page = words_of(
        login_as(candidacy.submitted_by).get(f"/personnes/{candidacy.participant_id}")
    )
    assert "Historique" not in company_page
