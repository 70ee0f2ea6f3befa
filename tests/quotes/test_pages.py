"""Quote and invoice lists (filters, htmx, no N+1) and the documents they download."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from portal.invoices import services as invoicing
from portal.models import OrgKind
from portal.quotes import services as service
from tests.conftest import HTMX, text_of
from tests.factories import make_admin, make_ccvg_with_communes, make_org, make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_quote_list_filters_htmx_and_pagination(login_as, db):
    _ccvg, (alpha, beta) = make_ccvg_with_communes("Alpha", "Beta")
    admin = make_admin()
    draft = make_quote(priced_operation(alpha, name="Op Alpha"), admin)
    submitted = make_quote(priced_operation(beta, name="Op Beta"), admin, status="submitted")
    client = login_as(admin)
    only_submitted = text_of(client.get("/devis/?statut=submitted"))
    assert submitted.number in only_submitted and "Op Alpha" not in only_submitted
    by_buyer = text_of(client.get(f"/devis/?acheteur={alpha.id}"))
    assert "Op Alpha" in by_buyer and "Op Beta" not in by_buyer
    fragment = client.get("/devis/?annee=2024", headers=HTMX)
    body = text_of(fragment)
    assert "<html" not in body and "Op Alpha" in body and draft.display_number in body
    assert "HX-Request" in fragment.headers["Vary"]
    assert client.get("/devis/?statut=zzz&annee=12&acheteur=x").status_code == 200


def test_lists_have_no_n_plus_one(app, login_as, assert_max_queries, db):
    app.config["PAGE_SIZE"] = 50
    ccvg = make_org(OrgKind.BUYER, name="CCVG")
    admin, approver = make_admin(), make_user(ccvg)
    client = login_as(admin)

    def add(n):
        for _ in range(n):
            quote = make_quote(priced_operation(ccvg), admin, status="submitted")
            service.approve(quote, approver, IN_CONVENTION)
        db.session.commit()

    add(2)
    with assert_max_queries(12) as quotes_count:
        client.get("/devis/")
    with assert_max_queries(12) as invoices_count:
        client.get("/factures/")
    add(6)
    with assert_max_queries(quotes_count.count):
        client.get("/devis/")
    with assert_max_queries(invoices_count.count):
        client.get("/factures/")


def test_quote_and_invoice_pdfs_download_with_their_amounts(login_as, db):
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    admin = make_admin()
    quote = make_quote(priced_operation(alpha, hours=(300, 1000)), admin, status="submitted")
    invoice = service.approve(quote, make_user(ccvg), IN_CONVENTION)
    db.session.commit()
    client = login_as(make_user(ccvg))
    quote_text = _pdf_text(client.get(f"/devis/{quote.id}.pdf"))
    assert quote.number in quote_text and "2 000,00 €" in quote_text
    invoice_text = _pdf_text(client.get(f"/factures/{invoice.id}.pdf"))
    assert invoice.number in invoice_text and "1 000,00 €" in invoice_text
    assert "Commune de Alpha" in invoice_text


def test_recap_documents(login_as, db):
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    admin = make_admin()
    quote = make_quote(priced_operation(alpha, hours=(1000,)), admin, status="submitted")
    invoice = service.approve(quote, make_user(ccvg), IN_CONVENTION)
    invoicing.mark_paid(invoice, IN_CONVENTION, admin)
    db.session.commit()
    client = login_as(make_user(ccvg))
    query = f"commune={alpha.id}&annee=2024"
    text = _pdf_text(client.export(f"/factures/refacturation.pdf?{query}"))
    assert invoice.number in text and "625,00 €" in text
    response = client.export(f"/factures/refacturation.xlsx?{query}")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows[0][2] == invoice.number and rows[0][5] == 625
    assert rows[-1][0] == "Total" and rows[-1][5] == 625
    assert client.post_form("/factures/refacturation.pdf?annee=2024").status_code == 404
