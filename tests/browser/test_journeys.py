"""One journey per role, and the facilitator admin's company + invitation journey."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.demo import USERS
from tests.browser.conftest import login, logout
from tests.factories import valid_siret

ROLE_LOGINS = {
    "facilitator_admin": ("admin@sud-ouest-emploi.example", "Comptes"),
    "facilitator": ("charge.mission@sud-ouest-emploi.example", "Organisations"),
    "buyer_ccvg": ("commande.publique@ccvg.example", "Communes membres"),
    "buyer_commune": ("marches@vourles.example", "Mon organisation"),
    "company": ("contact@batiments-demo.example", "Mon organisation"),
    "structure": ("contact@geiq-demo.example", "Mon organisation"),
}


def nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


@pytest.mark.parametrize("persona", ROLE_LOGINS)
def test_role_journey(page, persona):
    email, landmark = ROLE_LOGINS[persona]
    name = next(u.name for u in USERS if u.email == email)
    login(page, email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bonjour {name}")
    expect(page.get_by_text(landmark).first).to_be_visible()
    expect(page.get_by_text("Instance de démonstration")).to_be_visible()
    if persona != "facilitator_admin":
        expect(page.get_by_role("link", name="Journal d'audit")).to_have_count(0)
    logout(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/connexion\?next=/$"))


def test_admin_creates_company_and_invites_a_user(page, browser, base_url):
    login(page, "admin@sud-ouest-emploi.example")
    nav(page).get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Créer une organisation").click()
    page.get_by_label("Type d'organisation").select_option("company")
    page.get_by_label("Nom").fill("Charpentes du Garon (test navigateur)")
    siret = page.get_by_label("SIRET")
    siret.fill("12345678900000")
    siret.blur()  # field validation on change, through htmx
    error = page.locator("#siret-error")
    expect(error).to_contain_text("clé de contrôle est fausse")
    expect(siret).to_have_attribute("aria-invalid", "true")
    # the whole form, submitted with the wrong SIRET, stays on the page with a summary
    page.get_by_role("button", name="Créer l'organisation").click()
    expect(page.locator(".error-summary")).to_be_visible()
    good = valid_siret(90210)
    page.get_by_label("SIRET").fill(good)
    page.get_by_role("button", name="Créer l'organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Charpentes du Garon (test navigateur)"
    )
    expect(page.get_by_text(f"{good[:3]} {good[3:6]} {good[6:9]} {good[9:]}")).to_be_visible()

    page.get_by_role("link", name="Inviter une personne").click()
    page.get_by_label("Prénom et nom").fill("Paul Charpentier")
    page.get_by_label("Adresse e-mail professionnelle").fill("paul@charpentes-test.example")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    link_field = page.get_by_label("Lien à transmettre")
    expect(link_field).to_be_visible()
    link = link_field.input_value()
    assert "/compte/mot-de-passe/" in link

    invited_context = browser.new_context(base_url=base_url, locale="fr-FR")
    invited = invited_context.new_page()
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text("Choisir votre mot de passe")
    invited.get_by_label("Nouveau mot de passe").fill("court")
    invited.get_by_label("Confirmez le mot de passe").fill("court")
    invited.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(invited.get_by_text("au moins 12 caractères").first).to_be_visible()
    secret = "les charpentes tiennent la vallée"
    invited.get_by_label("Nouveau mot de passe").fill(secret)
    invited.get_by_label("Confirmez le mot de passe").fill(secret)
    invited.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(invited.get_by_text("Votre mot de passe est enregistré")).to_be_visible()
    login(invited, "paul@charpentes-test.example", secret)
    expect(invited.get_by_role("heading", level=1)).to_have_text("Bonjour Paul Charpentier")
    expect(invited.get_by_text("Charpentes du Garon (test navigateur)").first).to_be_visible()
    invited_context.close()


def test_organisation_search_updates_without_reload(page):
    login(page, "charge.mission@sud-ouest-emploi.example")
    with page.expect_navigation():  # htmx (deferred) must run before the search is typed
        nav(page).get_by_role("link", name="Organisations").click()
    page.get_by_label("Rechercher (nom ou SIRET)").fill("GEIQ")
    results = page.locator("#org-results")
    expect(results).to_contain_text("GEIQ BTP Démo")
    expect(results).not_to_contain_text("Commune de Brignais")
    expect(page).to_have_url(re.compile(r"q=GEIQ"))
