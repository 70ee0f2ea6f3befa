"""Numbered documents printed from what was frozen when they were issued
(portal.documents.issued): invoices now, letters and reports on the same service."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from pypdf import PdfReader

from portal.documents import issued
from portal.invoices import services as invoicing
from portal.models import OrgKind, Setting
from portal.quotes import services as service
from tests.factories import make_admin, make_ccvg_with_communes, make_org, make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation

PAYEE = {
    "payee_name": "Sud-Ouest Emploi",
    "payee_address": "12 rue de la Gare\n69530 Brignais",
    "payee_siret": "12345678900011",
    "payee_iban": "FR76 3000 6000 0112 3456 7890 189",
}


def set_payee(db, **values) -> None:
    for key, value in {**PAYEE, **values}.items():
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=value))
        else:
            row.value = value
    db.session.commit()


def text_of_pdf(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).replace("\u00a0", " ").split())


def test_issue_numbers_without_gaps_and_freezes_both_parties(app, db):
    set_payee(db)
    commune = make_org(
        OrgKind.BUYER,
        name="Commune de Vourles",
        address="Place de la Mairie\n69390 Vourles",
        siret="21690268900015",
    )
    first = issued.issue("LET", date(2026, 3, 2), issued.Party.of(commune))
    second = issued.issue("LET", date(2026, 3, 3), issued.Party.of(commune, siret="99900000300015"))
    next_year = issued.issue("LET", date(2027, 1, 4), issued.Party.of(commune))
    assert [first.number, second.number, next_year.number] == [
        "LET-2026-0001",
        "LET-2026-0002",
        "LET-2027-0001",
    ]
    assert first.recipient == issued.Party(
        "Commune de Vourles", "Place de la Mairie\n69390 Vourles", "21690268900015"
    )
    assert second.recipient.siret == "99900000300015"
    assert first.issuer.name == "Sud-Ouest Emploi" and first.issuer.address_lines == [
        "12 rue de la Gare",
        "69530 Brignais",
    ]
    # what was frozen does not follow later changes
    set_payee(db, payee_name="Nouveau nom")
    commune.address = "Ailleurs"
    db.session.commit()
    assert first.payee["payee_name"] == "Sud-Ouest Emploi"
    assert first.recipient.address == "Place de la Mairie\n69390 Vourles"


def test_an_issue_survives_a_json_column(app, db):
    set_payee(db)
    frozen = issued.issue(
        "LET",
        date(2026, 3, 2),
        issued.Party("CCVG", "262 rue Barthélémy Thimonnier", "99900000300015"),
    )
    assert issued.Issue.from_json(frozen.to_json()) == frozen
    assert frozen.to_json()["issued_on"] == "2026-03-02"


LETTER = (
    '{% extends "pdf/_base.html" %}'
    "{% set payee = letter.issue.payee %}"
    "{% block content %}<h1>Courrier n° {{ letter.issue.number }}</h1>"
    "<p>À {{ letter.issue.recipient.name }}, {{ letter.issue.recipient.address_lines|join(' – ') }}</p>"
    "<p>{{ letter.body }}</p>{% endblock %}"
)


@dataclass
class Letter:
    """A letter as #9 will store it: its body and its frozen issue, as JSON."""

    body: str
    issue_json: dict


def letters(app) -> issued.DocumentKind:
    return issued.DocumentKind(
        series="LET",
        template=app.jinja_env.from_string(LETTER),
        context=lambda letter: {
            "letter": {"issue": issued.Issue.from_json(letter.issue_json), "body": letter.body}
        },
        filename=lambda letter: f"{letter.issue_json['number']}.pdf",
    )


def test_a_letter_prints_what_was_frozen_whatever_changes_after(app, db):
    set_payee(db)
    company = make_org(
        OrgKind.COMPANY, name="Bâtiments Démo du Garon", address="3 rue du Port\n69530 Brignais"
    )
    letter = Letter(
        "Relevé d'heures de février 2026 attendu.",
        issued.issue("LET", date(2026, 3, 2), issued.Party.of(company)).to_json(),
    )
    with app.test_request_context():
        before = text_of_pdf(letters(app).render(letter))
    assert "Courrier n° LET-2026-0001" in before
    assert "À Bâtiments Démo du Garon, 3 rue du Port – 69530 Brignais" in before
    assert "Sud-Ouest Emploi" in before  # the issuer block of pdf/_base.html
    set_payee(db, payee_name="Nouveau nom")
    company.name, company.address = "Autre nom", "Ailleurs"
    db.session.commit()
    with app.test_request_context():
        after = text_of_pdf(letters(app).render(letter))
        response = letters(app).download(letter)
    assert after == before
    assert response.headers["Content-Disposition"] == 'attachment; filename="LET-2026-0001.pdf"'


def test_an_invoice_is_issued_and_printed_through_the_service(login_as, db):
    set_payee(db)
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    admin = make_admin()
    quote = make_quote(priced_operation(alpha, hours=(300, 1000)), admin, status="submitted")
    invoice = service.approve(quote, make_user(ccvg), IN_CONVENTION)
    db.session.commit()
    frozen = invoicing.invoice_issue(invoice)
    assert frozen.number == invoice.number and frozen.issued_on == invoice.issue_date
    assert frozen.recipient == issued.Party(ccvg.name, ccvg.address or "", ccvg.siret or "")
    assert frozen.issuer.name == "Sud-Ouest Emploi"
    set_payee(db, payee_name="Nouveau nom", payee_iban="FR00 AUTRE")
    ccvg.name = "Nouveau nom de la CCVG"
    db.session.commit()
    client = login_as(make_user(ccvg))
    document = text_of_pdf(client.get(f"/factures/{invoice.id}.pdf").data)
    assert "Sud-Ouest Emploi" in document and "FR76 3000 6000" in document
    assert "Nouveau nom" not in document and "FR00 AUTRE" not in document
    seller = invoicing.invoice_facts(invoice).seller
    assert seller.name == "Sud-Ouest Emploi" and seller.siret == "12345678900011"
