"""Proposing a person: by a company, a structure or the AMOI; duplicate detection; no NIR
(docs/domain.md §5)."""

from datetime import date

from sqlalchemy import func, select

from portal.models import AuditEvent, Candidacy, OrgKind, Participant
from tests.conftest import text_of, words_of
from tests.factories import make_lot, make_market, make_operation, make_org, make_user
from tests.people.builders import amoi_user

FORM = {
    "last_name": "Lefèvre-Dupont",
    "first_name": "Élodie",
    "birth_date": "17/05/1990",
    "sex": "F",
    "commune": "Saint-Girons",
    "postal_code": "09200",
    "qpv_resident": "y",
    "qualification": "level_3",
    "criteria": ["rsa", "disabled_worker"],
    "modality": "direct_hire",
    "contract_type": "cdd",
    "planned_start": "14/12/2026",
    "weekly_hours": "35",
    "job_title": "Maçon",
    "referent_kind": "france_travail",
    "referent_organisation": "France Travail Saint-Girons",
    "referent_name": "",
}


def _company_with_lot():
    company = make_org(OrgKind.COMPANY)
    return company, make_lot(holder=company), make_user(company)


def test_the_form_never_asks_for_a_social_security_number(app, login_as):
    _company, _lot, user = _company_with_lot()
    page = login_as(user).get("/candidatures/nouvelle")
    assert page.status_code == 200
    html = text_of(page).lower()
    assert "nir" not in html.replace("nirs", "")
    assert 'name="nir"' not in html
    assert "ne saisissez jamais le numéro de sécurité sociale" in html


def test_a_company_proposes_a_person_on_its_lot(app, db, login_as):
    company, lot, user = _company_with_lot()
    client = login_as(user)
    response = client.post_form("/candidatures/nouvelle", {**FORM, "target": f"lot-{lot.id}"})
    assert response.status_code == 303, words_of(response)[:2000]
    candidacy = db.session.scalars(select(Candidacy)).one()
    assert (candidacy.declarer_id, candidacy.lot_id, candidacy.status) == (
        company.id,
        lot.id,
        "pending",
    )
    assert candidacy.participant.qpv_resident is True
    assert candidacy.age_band == "26_49"
    assert sorted(c.code for c in candidacy.criteria) == ["disabled_worker", "rsa"]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "candidacy.proposed")
    ).one()
    assert event.object_id == str(candidacy.id)
    assert "Lefèvre" not in event.detail and "Élodie" not in event.detail
    page = client.get(f"/candidatures/{candidacy.id}")
    assert "transmise à l'AMOI" in words_of(page)


def test_a_company_cannot_propose_on_a_lot_it_does_not_hold(app, db, login_as):
    _company, _lot, user = _company_with_lot()
    other_lot = make_lot(holder=make_org(OrgKind.COMPANY))
    response = login_as(user).post_form(
        "/candidatures/nouvelle", {**FORM, "target": f"lot-{other_lot.id}"}
    )
    assert response.status_code == 422
    assert "Choisissez un lot ou une part TCE" in words_of(response)
    assert db.session.scalar(select(func.count(Candidacy.id))) == 0


def test_a_structure_proposes_on_a_running_operations_lot(app, db, login_as):
    structure = make_org(OrgKind.STRUCTURE)
    running = make_lot(make_market(make_operation(status="running")), holder=make_org())
    response = login_as(make_user(structure)).post_form(
        "/candidatures/nouvelle",
        {**FORM, "target": f"lot-{running.id}", "modality": "temp_insertion"},
    )
    assert response.status_code == 303, words_of(response)[:1500]
    candidacy = db.session.scalars(select(Candidacy)).one()
    assert candidacy.declarer_id == structure.id


def test_the_amoi_proposes_on_a_declarers_behalf(app, db, login_as):
    company, lot, _user = _company_with_lot()
    response = login_as(amoi_user()).post_form(
        "/candidatures/nouvelle",
        {**FORM, "target": f"lot-{lot.id}", "declarer": str(company.id)},
    )
    assert response.status_code == 303, words_of(response)[:1500]
    candidacy = db.session.scalars(select(Candidacy)).one()
    assert candidacy.declarer_id == company.id and candidacy.entered_by_amoi


def test_the_same_person_is_recognised_and_only_the_amoi_sees_it(app, db, login_as):
    _company, lot, user = _company_with_lot()
    client = login_as(user)
    client.post_form("/candidatures/nouvelle", {**FORM, "target": f"lot-{lot.id}"})
    again = {
        **FORM,
        "target": f"lot-{lot.id}",
        "last_name": "LEFEVRE DUPONT",
        "first_name": "elodie",
        "commune": "Foix",
        "postal_code": "09000",
    }
    assert client.post_form("/candidatures/nouvelle", again).status_code == 303
    assert db.session.scalar(select(func.count(Participant.id))) == 1
    first, second = db.session.scalars(select(Candidacy).order_by(Candidacy.id)).all()
    assert (first.participant_id, first.matched_existing) == (second.participant_id, False)
    assert second.matched_existing
    assert second.participant.commune == "Foix"
    assert "déjà connue" not in words_of(client.get(f"/candidatures/{second.id}")).lower()
    amoi_page = login_as(amoi_user()).get(f"/candidatures/{second.id}")
    assert "Cette personne était déjà connue" in words_of(amoi_page)
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "participant.matched")
        )
        == 1
    )


def test_a_different_birth_date_is_another_person(app, db, login_as):
    _company, lot, user = _company_with_lot()
    client = login_as(user)
    client.post_form("/candidatures/nouvelle", {**FORM, "target": f"lot-{lot.id}"})
    client.post_form(
        "/candidatures/nouvelle",
        {**FORM, "target": f"lot-{lot.id}", "birth_date": "18/05/1990"},
    )
    assert db.session.scalar(select(func.count(Participant.id))) == 2


def test_a_bad_form_answers_422_in_french(app, login_as):
    _company, lot, user = _company_with_lot()
    response = login_as(user).post_form(
        "/candidatures/nouvelle",
        {**FORM, "target": f"lot-{lot.id}", "postal_code": "9200", "last_name": ""},
    )
    assert response.status_code == 422
    text = words_of(response)
    assert "Le code postal compte 5 chiffres." in text
    assert "Saisissez le nom de la personne." in text


def test_identity_stays_out_of_the_url(app, login_as):
    """The planned start is a date, the birth date is posted: nothing personal in URLs."""
    _company, lot, user = _company_with_lot()
    response = login_as(user).post_form(
        "/candidatures/nouvelle", {**FORM, "target": f"lot-{lot.id}"}
    )
    assert "Lef" not in response.location and str(date(1990, 5, 17).year) not in response.location
