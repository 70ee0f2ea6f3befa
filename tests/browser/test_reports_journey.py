"""Issue 12's journey: the AMOI opens an operation's annual report from the home page,
writes its interpretation, delivers it; the CCVG downloads the PDF, which names the
operation's market. axe runs on every page."""

from __future__ import annotations

import re
from io import BytesIO

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import Market, Operation
from tests.browser.conftest import login, logout
from tests.browser.test_people_journey import accessible

AMOI = "charge.mission@sud-ouest-emploi.example"
CCVG = "commande.publique@ccvg.example"
REFERENCE = "2025-CCVG-006"


def _operation_name(live_app) -> str:
    with live_app.app_context():
        return db.session.scalar(
            select(Operation.name)
            .join(Market, Market.operation_id == Operation.id)
            .where(Market.reference == REFERENCE)
        )


def test_amoi_writes_and_delivers_the_ccvg_downloads_the_pdf(page, live_app):
    name = _operation_name(live_app)
    # 1. The AMOI opens the reports from its home page, then the operation's 2026 report.
    login(page, AMOI)
    with page.expect_navigation():
        page.get_by_role("link", name="Bilans annuels et finaux des opérations").click()
    accessible(page)
    row = page.get_by_role("row").filter(has_text=name)
    with page.expect_navigation():
        row.get_by_role("link", name="Bilan 2026").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilan annuel 2026")
    accessible(page)
    # 2. It writes its interpretation and saves it.
    page.get_by_label("Relation avec l'entreprise").fill("Échanges réguliers avec le titulaire.")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le texte").click()
    expect(page.get_by_text("Le texte du bilan est enregistré")).to_be_visible()
    # 3. It delivers the report after the confirmation dialog.
    page.get_by_role("button", name="Remettre le bilan").first.click()
    dialog = page.get_by_role("dialog", name="Remettre le bilan annuel 2026 ?")
    expect(dialog).to_contain_text("seront figés")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Remettre le bilan").click()
    expect(page.get_by_text("Le bilan est remis ; ses chiffres sont figés.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Version 1, remise le"))).to_be_visible()
    logout(page)

    # 4. The CCVG reads it and downloads the PDF.
    login(page, CCVG)
    with page.expect_navigation():
        page.get_by_role("link", name="Bilans de vos opérations").click()
    row = page.get_by_role("row").filter(has_text=name)
    with page.expect_navigation():
        row.get_by_role("link", name="Bilan 2026").click()
    accessible(page)
    expect(page.get_by_text("Échanges réguliers avec le titulaire.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger en PDF").click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        data = pdf.read()
    assert data.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(data)).pages)
    assert REFERENCE in text and "Échanges réguliers avec le titulaire." in text
