"""Issue 5's journey: the AMOI builds and submits a quote, a CCVG user approves it, the
deposit invoice PDF downloads."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import login, logout

OPERATION = "Entretien des espaces verts communaux"  # Vourles' reserved market (demo)


def nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


def test_quote_from_draft_to_deposit_invoice(page):
    login(page, "charge.mission@sud-ouest-emploi.example")
    nav(page).get_by_role("link", name="Devis").click()
    page.get_by_role("link", name="Créer un devis").click()
    page.get_by_label("Type de devis").select_option("operation")
    page.get_by_label("Opération", exact=True).select_option(label=OPERATION)
    page.get_by_label(re.compile("Nombre de SIAE distinctes sourcées")).fill("2")
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Devis Brouillon n°")
    lines = page.locator("#lignes").locator("xpath=..")
    expect(lines).to_contain_text("Benchmarking / sourcing")
    expect(lines).to_contain_text("2\u202f900,00\u00a0€")  # 250 + 2 × 200 + 250 + 500 + 500 + 1 000
    page.get_by_role("button", name="Soumettre à la CCVG").click()
    dialog = page.get_by_role("dialog", name=re.compile("Soumettre le devis"))
    expect(dialog).to_contain_text("le figera à 2\u202f900,00\u00a0€")
    dialog.get_by_role("button", name="Soumettre le devis").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"Devis DEV-\d{4}-\d{4}"))
    number = heading.inner_text().removeprefix("Devis ").strip()
    expect(page.get_by_text("Soumis").first).to_be_visible()
    logout(page)

    login(page, "commande.publique@ccvg.example")
    nav(page).get_by_role("link", name="Devis").click()
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name=re.compile(r"^Valider le devis \(")).click()
    dialog = page.get_by_role("dialog", name=f"Valider le devis {number} ?")
    # 50 % of the 1 900,00 € fixed part, computed by the server (htmx posts the confirmed
    # form); the 1 000,00 € of the market's year is invoiced on its annual report.
    expect(dialog).to_contain_text("émettra la facture d'acompte de 950,00\u00a0€")
    dialog.get_by_role("button", name="Valider le devis").click()
    expect(page.get_by_text("Acompte facturé").first).to_be_visible()
    invoice_link = page.get_by_role("link", name=re.compile(r"FAC-\d{4}-\d{4} \(PDF\)"))
    expect(invoice_link).to_be_visible()
    with page.expect_download() as download_info:
        invoice_link.click()
    download = download_info.value
    assert re.fullmatch(r"FAC-\d{4}-\d{4}\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
