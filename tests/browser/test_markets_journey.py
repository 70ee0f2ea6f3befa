"""Issue 4's journey: a commune declares a purchase, the AMOI retains it, creates the
operation, a market and a lot with the hours calculator, assigns a holder; the holder
logs in and sees its lot."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, logout

TITLE = "Rénovation du groupe scolaire (parcours navigateur)"
HOLDER = "Bâtiments Démo du Garon (entreprise fictive)"


def nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


def test_from_census_to_the_holder_seeing_its_lot(page):
    # 1. A commune declares an upcoming purchase.
    login(page, "marches@vourles.example")
    nav(page).get_by_role("link", name="Recensement").click()
    page.get_by_role("link", name="Déclarer un achat").click()
    page.get_by_label("Intitulé de l'achat").fill(TITLE)
    page.get_by_label("Nature de l'achat").select_option("works")
    page.get_by_label("Montant estimé (€ HT)").fill("1 200 000")
    page.get_by_label("Date de publication prévue").fill("2027-02-15")
    page.get_by_role("button", name="Déclarer l'achat").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    logout(page)

    # 2. The AMOI retains it and turns it into an operation.
    login(page, "charge.mission@sud-ouest-emploi.example")
    nav(page).get_by_role("link", name="Recensement").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Donner l'avis de l'AMOI").click()
    page.get_by_label("Avis de l'AMOI").select_option("retain")
    page.get_by_label("Base juridique recommandée").select_option("execution_condition")
    page.get_by_label("Commentaire motivé").fill("Travaux de second œuvre : clause adaptée.")
    page.get_by_role("button", name="Enregistrer l'avis").click()
    page.get_by_role("button", name="Créer l'opération").click()
    dialog = page.get_by_role("dialog", name=f"Créer l'opération « {TITLE} » ?")
    expect(dialog).to_contain_text("pour la commune de Vourles")
    dialog.get_by_role("button", name="Créer l'opération").click()
    expect(page).to_have_url(re.compile(r"/operations/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    # 3. A market (the recommended basis is pre-selected) and a lot with the calculator.
    page.get_by_role("link", name="Ajouter un marché").click()
    expect(page.get_by_label("Fondement juridique de la clause")).to_have_value(
        "execution_condition"
    )
    page.get_by_label("Référence du marché").fill("2027-VOU-001")
    page.get_by_label("Objet du marché").fill("Travaux de rénovation")
    page.get_by_role("button", name="Créer le marché").click()
    expect(page).to_have_url(re.compile(r"/marches/\d+/lots/nouveau$"))
    page.get_by_label("Intitulé du lot").fill("Peinture intérieure")
    page.get_by_label("Corps d'état").select_option("interior_painting")
    # choosing the trade proposes its labour share (70 %), through htmx
    expect(page.get_by_label("Part de main-d'œuvre (%)")).to_have_value("70")
    page.get_by_label("Montant HT du lot (€)").fill("300 000")
    result = page.locator("#calc-result")
    # 300 000 × 70 % ÷ 35 × 5 % = 300 h → the first bracket, 1,5 days
    expect(result).to_contain_text("Heures prévues : 300\u00a0h")
    expect(result).to_contain_text("750,00\u00a0€")
    page.get_by_label("Taux d'insertion (%)").fill("abc")
    expect(result).to_contain_text("n'est pas un nombre valide")
    page.get_by_label("Taux d'insertion (%)").fill("5")
    expect(result).to_contain_text("Heures prévues : 300\u00a0h")
    page.get_by_label("Titulaire").select_option(label=HOLDER)
    page.get_by_role("button", name="Créer le lot").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lot 1 – Peinture intérieure")
    expect(page.get_by_text("En vigueur", exact=True)).to_be_visible()
    logout(page)

    # 4. The holder sees its lot, and not the operation page.
    login(page, "contact@batiments-demo.example")
    with page.expect_navigation():  # htmx (deferred) must run before the search is typed
        nav(page).get_by_role("link", name="Mes lots").click()
    page.get_by_label("Rechercher (opération, lot, marché)").fill("parcours navigateur")
    link = page.get_by_role("link", name="Lot 1 – Peinture intérieure")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_text("300\u00a0h").first).to_be_visible()
    expect(page.get_by_role("link", name="Modifier le lot")).to_have_count(0)
