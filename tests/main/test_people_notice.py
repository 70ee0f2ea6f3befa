"""The information notice for the people proposed on a lot (RGPD art. 13 and 14)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.conftest import words_of
from tests.personas import build_world


@pytest.mark.parametrize("persona", ["facilitator", "company", "structure"])
def test_the_amoi_and_the_declarers_read_the_notice(login_as, persona):
    world = build_world()
    response = login_as(world.users[persona]).get("/information-des-personnes")
    text = words_of(response)
    assert response.status_code == 200
    assert "Vos données personnelles" in text
    assert "Nous ne demandons jamais votre numéro de sécurité sociale." in text
    assert "puis 3 ans après la fin de votre dernier contrat" in text
    assert "jamais votre nom" in text
    assert "/information-des-personnes.pdf" in response.get_data(as_text=True)


@pytest.mark.parametrize("persona", ["buyer_ccvg", "buyer_commune"])
def test_buyers_do_not_print_it(login_as, persona):
    world = build_world()
    client = login_as(world.users[persona])
    assert client.get("/information-des-personnes").status_code == 403
    assert client.get("/information-des-personnes.pdf").status_code == 403


def test_the_notice_follows_the_settings(app, login_as):
    world = build_world()
    app.config["PEOPLE_RETENTION_YEARS"] = 5
    app.config["LEGAL_CONTACT"] = "donnees@amoi.example"
    text = words_of(login_as(world.users["company"]).get("/information-des-personnes"))
    assert "puis 5 ans après la fin" in text
    assert "donnees@amoi.example" in text
    app.config["LEGAL_CONTACT"] = None
    text = words_of(login_as(world.users["facilitator"]).get("/information-des-personnes"))
    assert "(à compléter par l'AMO Insertion)" in text


def test_the_pdf_prints_the_same_notice(app, login_as):
    world = build_world()
    app.config["LEGAL_CONTACT"] = "donnees@amoi.example"
    response = login_as(world.users["structure"]).get("/information-des-personnes.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "information-donnees-personnelles.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "Vos données personnelles" in text
    assert "sécurité sociale" in text
    assert "donnees@amoi.example" in text
    assert "CNIL" in text


def test_the_public_personal_data_page_points_to_the_retention(client):
    text = words_of(client.get("/donnees-personnelles"))
    assert "puis 3 ans après la fin du dernier" in text


def test_the_proposal_form_points_to_the_notice(login_as):
    world = build_world()
    html = login_as(world.users["company"]).get("/candidatures/nouvelle").get_data(as_text=True)
    assert 'href="/information-des-personnes"' in html
