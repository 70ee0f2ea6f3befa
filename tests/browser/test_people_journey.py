"""Issue 9's journey: a company proposes a person with a proof, the AMOI validates, the
company downloads the notification and confirms the hire; a second company gets 404 on
that person's page. axe runs on every page reached."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.browser.test_accessibility import AXE_OPTIONS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
axe = Axe()


def nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


def accessible(page) -> None:
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []


def test_a_company_proposes_the_amoi_validates_the_company_hires(page):
    # 1. The company proposes a person on its lot, then adds a proof.
    login(page, "contact@batiments-demo.example")
    nav(page).get_by_role("link", name="Personnes").click()
    accessible(page)
    page.get_by_role("link", name="Proposer une personne").click()
    expect(page.get_by_text("Ne saisissez jamais le numéro de sécurité sociale")).to_be_visible()
    target = page.get_by_label("Lot ou part TCE")
    first_lot = target.locator("option").nth(1).get_attribute("value")
    target.select_option(first_lot)
    page.locator("#last_name").fill("Navigateur-Testé")
    page.locator("#first_name").fill("Zoé")
    page.get_by_label("Date de naissance").fill("1994-04-12")
    page.get_by_label("Femme").check()
    page.get_by_label("Commune de résidence").fill("Foix")
    page.get_by_label("Code postal").fill("09000")
    page.get_by_label("Niveau de qualification").select_option("level_3")
    page.get_by_label("Bénéficiaire du RSA").check()
    page.get_by_label("Modalité prévue").select_option("direct_hire")
    page.locator("#contract_type").select_option("cdd")
    page.get_by_label("Début prévu").fill("2026-12-14")
    page.locator("#weekly_hours").fill("35")
    page.locator("#job_title").fill("Maçon")
    accessible(page)
    page.get_by_role("button", name="Transmettre la candidature").click()
    expect(page).to_have_url(re.compile(r"/candidatures/\d+$"))
    candidacy_url = page.url
    page.locator("#code").select_option("rsa")
    page.get_by_label("Nature du justificatif").fill("Attestation CAF")
    page.get_by_label("Date du justificatif").fill("2026-11-20")
    page.get_by_label("Fichier (PDF, JPEG ou PNG)").set_input_files(
        files=[{"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Déposer le justificatif").click()
    expect(page.get_by_text("Le justificatif est déposé")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Zoé NAVIGATEUR-TESTÉ").first.click()
    person_url = page.url
    assert re.search(r"/personnes/\d+$", person_url)
    logout(page)

    # 2. The AMOI decides from its queue.
    login(page, "charge.mission@sud-ouest-emploi.example")
    nav(page).get_by_role("link", name="Personnes").click()
    with page.expect_navigation():  # htmx (deferred) must run before the filter changes
        page.get_by_role("link", name="Candidatures à décider").click()
    accessible(page)
    # the demo's own pending candidacies come first (oldest first): filter on the declarer
    page.get_by_label("Déclarant").select_option(
        label="Bâtiments Démo du Garon (entreprise fictive)"
    )
    row = page.get_by_role("row").filter(has_text="NAVIGATEUR-TESTÉ")
    row.get_by_role("link", name=re.compile("Décider")).click()
    expect(page.get_by_role("link", name="Télécharger le justificatif")).to_be_visible()
    accessible(page)
    page.get_by_label("Éligible", exact=True).check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("La décision est enregistrée")).to_be_visible()
    expect(page.get_by_text("fichier supprimé après la décision")).to_be_visible()
    logout(page)

    # 3. The company downloads the notification and confirms the hire.
    login(page, "contact@batiments-demo.example")
    page.goto(candidacy_url)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("notification de validation")).click()
    assert download.value.suggested_filename.startswith("notification-validation-")
    page.get_by_role("link", name="Confirmer l'embauche").click()
    accessible(page)
    page.get_by_label("Date d'embauche").fill("2026-12-14")
    page.get_by_label("Fin prévue").fill("2027-06-13")
    page.get_by_role("button", name="Confirmer l'embauche").click()
    dialog = page.get_by_role("dialog", name=re.compile("Confirmer l'embauche"))
    dialog.get_by_role("button", name="Confirmer l'embauche").click()
    expect(page.get_by_text("L'embauche est confirmée")).to_be_visible()
    expect(page.get_by_role("heading", name="Embauche")).to_be_visible()
    accessible(page)
    logout(page)

    # 4. Another company gets a 404 on that person's page.
    login(page, "contact@electricite-exemple.example")
    response = page.goto(person_url)
    assert response is not None and response.status == 404
