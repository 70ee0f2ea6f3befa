"""A quote's page and its PDF draw their lines from one partial (quotes/_partials/_lines.html),
a commune's recap page and PDF their rows from another (invoices/_partials/_recap_rows.html):
what the screen shows is what the document prints."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from portal.invoices import services as invoicing
from portal.quotes import services as service
from tests.conftest import text_of
from tests.factories import make_admin, make_ccvg_with_communes, make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation


def _pdf(response) -> str:
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _cells(html: str, table_start: str) -> list[list[str]]:
    """The body rows of the first table after ``table_start``, as cell texts."""
    table = html[html.index(table_start) :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        for row in rows
    ]


def test_quote_page_and_pdf_show_the_same_lines(login_as, db):
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    admin = make_admin()
    quote = make_quote(priced_operation(alpha, hours=(300, 1000)), admin, status="submitted")
    client = login_as(make_user(ccvg))
    page = client.get(f"/devis/{quote.id}")
    rows = _cells(page.get_data(as_text=True).replace("\u202f", " "), 'aria-labelledby="lignes"')
    assert len(rows) == len(quote.lines) >= 2
    document = _pdf(client.get(f"/devis/{quote.id}.pdf"))
    for line, (label, quantity, unit, unit_amount, amount) in zip(quote.lines, rows, strict=True):
        assert label.startswith(line.label)
        for text in (quantity, unit, unit_amount, amount):
            assert text in document
        assert line.label[:30] in document
    assert "Total du devis" in document and "Total" in text_of(page)


def test_recap_page_and_pdf_show_the_same_rows(login_as, db):
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    admin = make_admin()
    quote = make_quote(priced_operation(alpha, hours=(1000,)), admin, status="submitted")
    invoice = service.approve(quote, make_user(ccvg), IN_CONVENTION)
    invoicing.mark_paid(invoice, IN_CONVENTION, admin)
    db.session.commit()
    client = login_as(make_user(ccvg))
    query = f"commune={alpha.id}&annee=2024"
    page = client.get(f"/factures/refacturation?{query}").get_data(as_text=True)
    rows = _cells(page.replace("\u202f", " "), 'aria-labelledby="recap-title"')
    assert rows == [[quote.title, quote.number, invoice.number, "03/06/2024", "625,00 €"]]
    assert "Total à refacturer" in page
    document = _pdf(client.export(f"/factures/refacturation.pdf?{query}"))
    for cell in rows[0]:
        assert cell in document
    assert invoice.label in document  # the PDF adds the invoice's object
    assert "Total à refacturer 625,00 €" in document
