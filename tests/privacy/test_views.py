"""A person's rights in the portal: the AMOI's page, the export (JSON, PDF) and the erasure
(docs/gdpr-record.md §9)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.models import AuditEvent, Participant
from tests.conftest import CONFIRMED, text_of, versioned, words_of
from tests.personas import build_world
from tests.privacy.builders import make_file


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("persona", ["company", "structure", "buyer_ccvg", "buyer_commune"])
def test_only_the_amoi_reaches_a_persons_rights(login_as, world, persona, db):
    person = make_file(world.company if persona == "company" else world.structure)
    client = login_as(world.users[persona])
    base = f"/personnes/{person.id}/donnees"
    for url in (base, base + ".json", base + ".pdf"):
        assert client.get(url).status_code == 403
    erase = client.post_form(
        f"/personnes/{person.id}/effacer", versioned(person, {"reason": "other", **CONFIRMED})
    )
    assert erase.status_code == 403
    db.session.refresh(person)
    assert person.anonymised_at is None
    assert _events(db, "participant.exported") == []


def test_an_unknown_person_is_a_404(login_as, world):
    client = login_as(world.users["facilitator"])
    assert client.get("/personnes/999999/donnees.json").status_code == 404


def test_the_page_says_how_long_the_identity_is_kept(login_as, world, db):
    person = make_file(world.company, status="ended", ended_on=date(2025, 9, 30))
    client = login_as(world.users["facilitator"])
    text = words_of(client.get(f"/personnes/{person.id}/donnees"))
    assert "Camille FICTIF-EXEMPLE" in text
    assert "Jusqu'au 30/09/2028, puis anonymisation automatique." in text
    running = make_file(world.company)
    assert "Tant qu'un contrat est en cours." in words_of(
        client.get(f"/personnes/{running.id}/donnees")
    )
    assert len(_events(db, "participant.privacy_viewed")) == 2


def test_the_json_export_holds_the_whole_file_and_is_audited(login_as, world, db):
    person = make_file(world.company)
    response = login_as(world.users["facilitator"]).get(f"/personnes/{person.id}/donnees.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert f"donnees-personne-{person.id}.json" in response.headers["Content-Disposition"]
    data = response.json
    assert data["personne"]["nom"] == "Fictif-Exemple"
    assert data["personne"]["date_de_naissance"] == "1990-08-14"
    [candidacy] = data["candidatures"]
    assert {c["code"] for c in candidacy["criteres"]} == {"rsa", "disabled_worker"}
    assert candidacy["referent_de_parcours"]["nom"] == "Mme Conseillère Fictive"
    assert candidacy["decision"]["resultat"] == "Éligible"
    [placement] = data["contrats"]
    assert placement["heures_hebdomadaires"] == "35.00"
    [event] = _events(db, "participant.exported")
    assert (event.object_type, event.object_id, event.detail) == (
        "Participant",
        str(person.id),
        "format=json",
    )
    assert event.actor_id == world.users["facilitator"].id


def test_the_pdf_export_prints_the_file_and_is_audited(login_as, world, db):
    person = make_file(world.company)
    response = login_as(world.users["facilitator"]).get(f"/personnes/{person.id}/donnees.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(response.data)).pages
    )
    assert "Fictif-Exemple" in text
    assert "Travailleur handicapé (RQTH)" in text
    assert "(vu, non conservé)" in text
    [event] = _events(db, "participant.exported")
    assert event.detail == "format=pdf"


def test_erasure_asks_first_then_anonymises_and_audits(login_as, world, db):
    person = make_file(world.company)
    client = login_as(world.users["facilitator"])
    url = f"/personnes/{person.id}/effacer"
    asked = client.post_form(url, versioned(person, {"reason": "erasure_request"}))
    assert asked.status_code == 200
    assert "Cette action ne peut pas être annulée." in text_of(asked)
    db.session.refresh(person)
    assert person.anonymised_at is None
    done = client.post_form(url, versioned(person, {"reason": "erasure_request", **CONFIRMED}))
    assert done.status_code == 303
    db.session.expire_all()
    person = db.session.get(Participant, person.id)
    assert person.anonymised_at is not None
    assert (person.last_name, person.first_name, person.birth_date) == ("", "", None)
    [event] = _events(db, "participant.anonymised")
    assert event.detail.startswith("reason=erasure_request ")
    assert event.actor_id == world.users["facilitator"].id
    page = words_of(client.get(f"/personnes/{person.id}/donnees"))
    assert f"Personne anonymisée n° {person.id}" in page
    assert "Effacer les données personnelles" not in page
    # a second erasure is refused: nothing left to erase
    again = client.post_form(url, versioned(person, {"reason": "other", **CONFIRMED}))
    assert again.status_code == 409
    assert "déjà effacées" in text_of(again)
    assert len(_events(db, "participant.anonymised")) == 1


def test_erasure_needs_a_reason(login_as, world, db):
    person = make_file(world.company)
    client = login_as(world.users["facilitator"])
    refused = client.post_form(f"/personnes/{person.id}/effacer", versioned(person, CONFIRMED))
    assert refused.status_code == 422
    assert "Choisissez le motif de l'effacement." in text_of(refused)
    db.session.refresh(person)
    assert person.anonymised_at is None


def test_erasure_on_a_stale_page_is_refused(login_as, world, db):
    person = make_file(world.company)
    client = login_as(world.users["facilitator"])
    data = {"version": str(person.version - 1), "reason": "other", **CONFIRMED}
    assert client.post_form(f"/personnes/{person.id}/effacer", data).status_code == 409
    db.session.refresh(person)
    assert person.anonymised_at is None
