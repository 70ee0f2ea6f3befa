"""Issue 13's journey: the AMOI opens an offer on a lot, a prescriber positions a
candidate, the AMOI preselects and presents, the company retains, the AMOI validates the
eligibility and the hire appears on the lot. axe runs on every page reached."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import Lot, Organisation
from tests.browser.conftest import login, logout
from tests.browser.test_people_journey import accessible, nav

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AMOI = "charge.mission@sud-ouest-emploi.example"
COMPANY = "contact@batiments-demo.example"
PRESCRIBER = "referente@ml-demo.example"


def _company_lot(live_app) -> int:
    with live_app.app_context():
        return db.session.scalar(
            select(Lot.id)
            .join(Organisation, Lot.holder_id == Organisation.id)
            .where(Organisation.name.like("Bâtiments Démo%"), Lot.planned_hours > 0)
            .order_by(Lot.id)
            .limit(1)
        )


def test_an_offer_from_diffusion_to_the_hire_on_the_lot(page, live_app):
    lot_id = _company_lot(live_app)

    # 1. The AMOI writes an offer from the lot's page and opens it.
    login(page, AMOI)
    page.get_by_role("link", name="Offres d'emploi et pré-recrutement").click()
    accessible(page)
    page.goto(f"/lots/{lot_id}")
    page.get_by_role("link", name="Rédiger une offre").click()
    page.get_by_label("Intitulé du poste").fill("Coffreur ou coffreuse (parcours)")
    page.get_by_label("Métier (appellation ROME)").fill("Coffreur / Coffreuse")
    page.get_by_label("Nombre de postes").fill("1")
    page.locator("#contract_type").select_option("cdd")
    page.get_by_label("Heures par semaine").fill("35")
    page.get_by_label("Lieu de travail").fill("Brignais")
    accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer l'offre").click()
    expect(page.get_by_text("L'offre est enregistrée en brouillon")).to_be_visible()
    offer_url = page.url
    assert re.search(r"/offres/\d+$", offer_url)
    page.get_by_role("button", name="Ouvrir l'offre").click()
    page.get_by_role("dialog").get_by_role("button", name="Ouvrir l'offre").click()
    expect(page.get_by_text("L'offre est maintenant « Ouverte »")).to_be_visible()
    accessible(page)
    logout(page)

    # 2. A prescriber finds it among the open offers and positions a candidate with a CV.
    login(page, PRESCRIBER)
    nav(page).get_by_role("link", name="Offres d'emploi").click()
    accessible(page)
    page.get_by_role("link", name="Coffreur ou coffreuse (parcours)").click()
    page.get_by_role("link", name="Positionner un candidat").click()
    page.locator("#last_name").fill("Parcours-Complet")
    page.locator("#first_name").fill("Rémi")
    page.get_by_label("Date de naissance").fill("1993-06-15")
    page.get_by_label("Homme").check()
    page.get_by_label("Commune de résidence").fill("Givors")
    page.get_by_label("Code postal").fill("69700")
    page.get_by_label("Niveau de qualification").select_option("level_3")
    page.get_by_label("Bénéficiaire du RSA").check()
    page.get_by_label("Référent de parcours : nom").fill("Claire Référente")
    page.get_by_label("Référent de parcours : adresse électronique").fill(
        "referente@ml-demo.example"
    )
    page.get_by_label("CV (PDF, facultatif)").set_input_files(
        files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    accessible(page)
    page.get_by_role("button", name="Positionner le candidat").click()
    expect(page.get_by_text("Le candidat est positionné")).to_be_visible()
    application_url = page.url
    assert re.search(r"/candidats/\d+$", application_url)
    accessible(page)
    logout(page)

    # 3. The AMOI preselects from its board, then presents the candidate to the company.
    login(page, AMOI)
    page.goto(offer_url)
    page.get_by_role("link", name="Suivi des candidats").click()
    accessible(page)
    page.get_by_role("link", name="Rémi PARCOURS-COMPLET").click()
    page.get_by_label("Date de l'entretien").fill(date.today().isoformat())
    page.get_by_label("Bilan de l'entretien").fill("Motivé, expérience de coffrage.")
    page.get_by_role("button", name="Présélectionner").click()
    expect(page.get_by_text("Le candidat est présélectionné")).to_be_visible()
    page.get_by_label("Note de l'AMOI pour l'entreprise").fill("Deux ans de chantier.")
    page.get_by_role("button", name="Présenter à l'entreprise").click()
    expect(page.get_by_text("Le candidat est présenté à l'entreprise")).to_be_visible()
    accessible(page)
    logout(page)

    # 4. The company reads the presented candidate (the AMOI's note, the CV) and retains.
    login(page, COMPANY)
    page.goto(application_url)
    expect(page.get_by_text("Deux ans de chantier.")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le CV (PDF)")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Retenu", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Retenir le candidat").click()
    expect(page.get_by_text("Le candidat est retenu")).to_be_visible()
    logout(page)

    # 5. The AMOI decides the eligibility of the candidacy created from it, and the hire.
    login(page, AMOI)
    page.goto(application_url)
    page.get_by_role("link", name=re.compile("éligibilité et embauche")).click()
    page.get_by_role("link", name="Décider de l'éligibilité").click()
    page.get_by_label("Éligible", exact=True).check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("La décision est enregistrée")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Confirmer l'embauche").click()
    page.get_by_label("Date d'embauche").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Confirmer l'embauche").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirmer l'embauche").click()
    expect(page.get_by_text("L'embauche est confirmée")).to_be_visible()

    # 6. The hire appears on the lot.
    page.goto(f"/lots/{lot_id}")
    page.get_by_role("link", name="Personnes embauchées sur ce lot").click()
    expect(page.get_by_text("Rémi PARCOURS-COMPLET").first).to_be_visible()
    accessible(page)
