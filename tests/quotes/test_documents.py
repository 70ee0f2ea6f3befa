"""Documents a public accountant accepts, through the screens: the Factur-X invoice with
its Chorus Pro references and legal mentions, frozen once issued; payment recorded once;
the Chorus Pro form on the quote; the commune recap as the CCVG's document; the quote's
history naming the invoices' issuer."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import facturx
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from portal.clock import today
from portal.invoices import services as invoicing
from portal.models import AuditEvent, Invoice, OrgKind, Quote, Setting
from portal.quotes import services as service
from portal.rules import tariffs
from tests.conftest import CONFIRMED, text_of, versioned
from tests.factories import make_admin, make_org, make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation

IBAN = "FR76 9999 9000 0000 0000 0000 130"  # fictitious bank code, valid check digits
PAYEE = {
    "payee_name": "Sud-Ouest Emploi",
    "payee_address": "Maison de l'emploi\n12 rue de la Gare\n69230 Saint-Genis-Laval",
    "payee_siret": "44023823600028",
    "payee_vat_regime": "not_subject",
    "payee_vat_number": "",
    "payee_vat": "TVA non applicable : association non assujettie à la TVA",
    "payee_iban": IBAN,
    "payee_bic": "AGRIFRPP",
    "payee_contact": "facturation@sud-ouest-emploi.example",
}
CCVG_SIRET = "99900000300015"  # fictitious, valid check digits
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def _set_payee(db, **overrides) -> None:
    for key, value in {**PAYEE, **overrides}.items():
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=value))
        else:
            row.value = value
    db.session.commit()


def _world(db):
    ccvg = make_org(
        OrgKind.BUYER,
        name="Communauté de communes de la Vallée du Garon",
        address="262 rue Barthélémy Thimonnier\n69530 Brignais",
        siret=CCVG_SIRET,
    )
    brignais = make_org(OrgKind.BUYER, name="Commune de Brignais", parent=ccvg)
    amoi = make_org(OrgKind.FACILITATOR, name="Sud-Ouest Emploi")
    _set_payee(db)
    return {
        "ccvg": ccvg,
        "brignais": brignais,
        "amoi_user": make_user(amoi, name="Lucas Bernard"),
        "ccvg_user": make_user(ccvg, name="Nadia Roux"),
        "brignais_user": make_user(brignais, name="Service marchés de Brignais"),
    }


def _submitted(w, hours=(300, 1000)) -> Quote:
    operation = priced_operation(w["brignais"], hours=hours, name="Réhabilitation du gymnase")
    return make_quote(operation, w["amoi_user"], status="submitted", ccvg=w["ccvg"])


def _post(client, url, quote, **data):
    """A confirmed action (the user accepted the dialog's consequence)."""
    return client.post_form(url, {"version": str(quote.version), **CONFIRMED, **data})


def _chorus(client, quote, siret="", service="SCCPAJ", commitment="ENG-2024-0042"):
    return _post(
        client,
        f"/devis/{quote.id}/chorus",
        quote,
        chorus_siret=siret,
        service_code=service,
        commitment_number=commitment,
    )


def _pdf(response) -> tuple[bytes, str]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    data = response.get_data()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data, " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def _embedded(data: bytes):
    """The Factur-X XML of a PDF, checked against the EN 16931 profile's schema."""
    name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    assert name == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert facturx.get_level(root) == "en16931"
    return lambda path: [node.text for node in root.xpath(path, namespaces=NS)]


AGREEMENT = "//ram:ApplicableHeaderTradeAgreement"
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
TOTALS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def test_the_invoice_is_a_factur_x_with_chorus_references_and_legal_mentions(login_as, db):
    w = _world(db)
    quote = _submitted(w)
    ccvg = login_as(w["ccvg_user"])
    assert _chorus(ccvg, quote).status_code == 303
    db.session.refresh(quote)
    assert _post(ccvg, f"/devis/{quote.id}/valider", quote).status_code == 303
    invoice = db.session.scalars(select(Invoice)).one()
    due = today() + timedelta(days=30)

    data, text = _pdf(ccvg.get(f"/factures/{invoice.id}.pdf"))

    xml = _embedded(data)
    assert xml("//rsm:ExchangedDocument/ram:ID") == [invoice.number]
    assert xml("//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert xml(f"{TOTALS}/ram:GrandTotalAmount") == ["1000.00"]
    assert xml(f"{TOTALS}/ram:DuePayableAmount") == ["1000.00"]
    assert xml(f"{TOTALS}/ram:TaxTotalAmount") == ["0.00"]
    assert xml(f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/*") == [
        due.strftime("%Y%m%d")
    ]
    seller, buyer = f"{AGREEMENT}/ram:SellerTradeParty", f"{AGREEMENT}/ram:BuyerTradeParty"
    assert xml(f"{seller}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']") == [
        "44023823600028"
    ]
    assert xml(f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']") == [CCVG_SIRET]
    assert xml(f"{buyer}/ram:PostalTradeAddress/ram:LineOne") == ["262 rue Barthélémy Thimonnier"]
    assert xml(f"{buyer}/ram:PostalTradeAddress/ram:PostcodeCode") == ["69530"]
    assert xml(f"{seller}/ram:PostalTradeAddress/ram:CityName") == ["Saint-Genis-Laval"]
    assert xml(f"{AGREEMENT}/ram:BuyerReference") == ["SCCPAJ"]
    assert xml(f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == [
        "ENG-2024-0042"
    ]
    assert xml(f"{AGREEMENT}/ram:SellerOrderReferencedDocument/ram:IssuerAssignedID") == [
        quote.number
    ]
    # not subject to VAT: category O, its exemption reason, no rate, no VAT identifier
    assert xml(f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode") == ["O"]
    assert xml(f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReasonCode") == ["VATEX-EU-O"]
    assert xml(f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:ExemptionReason") == [PAYEE["payee_vat"]]
    assert xml("//ram:RateApplicablePercent") == []
    assert xml("//ram:SpecifiedTaxRegistration/ram:ID") == []
    assert xml("//ram:IBANID") == [IBAN.replace(" ", "")]
    assert xml("//ram:IncludedNote/ram:SubjectCode") == ["PMD", "PMT"]

    # what the PDF itself says, with accents
    assert f"Date d'échéance {due:%d/%m/%Y}" in text
    assert (
        "Facturé à Communauté de communes de la Vallée du Garon 262 rue Barthélémy Thimonnier "
        f"69530 Brignais SIRET : {CCVG_SIRET} Commune concernée : Commune de Brignais"
    ) in text
    assert "Émetteur Sud-Ouest Emploi Maison de l'emploi 12 rue de la Gare" in text
    assert "SIRET : 44023823600028" in text
    assert "Code service SCCPAJ Numéro d'engagement ENG-2024-0042" in text
    assert "Délai global de paiement : 30 jours" in text
    assert "majoré de 8 points" in text
    assert "indemnité forfaitaire pour frais de recouvrement de 40 €" in text
    assert "Montant à payer 1 000,00 €" in text


def test_an_issued_invoice_keeps_what_it_printed(login_as, db):
    """Payee settings, the CCVG's address and SIRET, the quote's Chorus references and
    the operation's name all change after issue: the invoice prints the old values."""
    w = _world(db)
    quote = _submitted(w)
    _chorus(login_as(w["ccvg_user"]), quote)
    db.session.refresh(quote)
    invoice = service.approve(quote, w["ccvg_user"], IN_CONVENTION)
    db.session.commit()

    admin = login_as(make_admin())
    changed = {
        **PAYEE,
        "payee_name": "Nouvelle raison sociale",
        "payee_address": "3 place Neuve\n69000 Lyon",
        "payee_iban": "FR76 3000 6000 0112 3456 7890 189",
        "payee_vat": "Nouvelle mention TVA",
    }
    assert admin.post_form("/admin/facturation", changed).status_code == 303
    w["ccvg"].address = "1 avenue Nouvelle\n69530 Brignais"
    w["ccvg"].siret = "99990000400014"
    quote.operation.name = "Nouveau nom d'opération"
    db.session.commit()
    db.session.refresh(quote)
    assert _chorus(admin, quote, service="AUTRE", commitment="ENG-NOUVEAU").status_code == 303

    data, text = _pdf(admin.get(f"/factures/{invoice.id}.pdf"))

    assert "Sud-Ouest Emploi" in text and "12 rue de la Gare" in text
    assert "FR76 9999 9000 0000 0000 0000 130" in text
    assert "262 rue Barthélémy Thimonnier" in text and CCVG_SIRET in text
    assert "SCCPAJ" in text and "ENG-2024-0042" in text
    assert "Réhabilitation du gymnase" in text
    assert PAYEE["payee_vat"] in text
    for new in (
        "Nouvelle raison sociale",
        "3 place Neuve",
        "FR76 3000 6000",
        "AUTRE",
        "ENG-NOUVEAU",
        "1 avenue Nouvelle",
        "99990000400014",
        "Nouveau nom d'op",
        "Nouvelle mention TVA",
    ):
        assert new not in text, new
    xml = _embedded(data)
    assert xml(f"{AGREEMENT}/ram:SellerTradeParty/ram:Name") == ["Sud-Ouest Emploi"]
    assert xml(f"{AGREEMENT}/ram:BuyerReference") == ["SCCPAJ"]
    # the next invoice of the quote takes the new values
    balance = service.deliver_report(quote, w["amoi_user"], date(2024, 9, 30))
    db.session.commit()
    assert (balance.service_code, balance.commitment_number) == ("AUTRE", "ENG-NOUVEAU")
    assert balance.payee["payee_name"] == "Nouvelle raison sociale"
    assert balance.billed_siret == "99990000400014"


def test_a_payee_subject_to_vat_invoices_the_standard_rate(login_as, db):
    w = _world(db)
    _set_payee(db, payee_vat_regime="subject", payee_vat_number="FR42999000003", payee_vat="")
    quote = _submitted(w, hours=(1000,))  # 1 250 € net, deposit 625 €
    invoice = service.approve(quote, w["ccvg_user"], IN_CONVENTION)
    invoicing.mark_paid(invoice, date(2024, 7, 1), w["amoi_user"])
    db.session.commit()
    assert (invoice.amount, invoice.vat_rate, invoice.vat_amount) == (
        Decimal("625.00"),
        Decimal("20.00"),
        Decimal("125.00"),
    )
    client = login_as(w["ccvg_user"])

    data, text = _pdf(client.get(f"/factures/{invoice.id}.pdf"))

    assert "TVA à 20 % 125,00 €" in text and "Montant TTC à payer 750,00 €" in text
    assert "N° TVA intracommunautaire : FR42999000003" in text
    xml = _embedded(data)
    assert xml(f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CategoryCode") == ["S"]
    assert xml(f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent") == ["20.00"]
    assert xml(f"{TOTALS}/ram:TaxBasisTotalAmount") == ["625.00"]
    assert xml(f"{TOTALS}/ram:DuePayableAmount") == ["750.00"]
    assert xml("//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == ["FR42999000003"]
    # the list and its totals show what the CCVG pays, VAT included
    listing = text_of(client.get("/factures/"))
    assert listing.count("750,00\u00a0€") >= 2 and "625,00" not in listing
    # the CCVG re-invoices what it paid
    recap = client.export(f"/factures/refacturation.xlsx?commune={w['brignais'].id}&annee=2024")
    rows = list(load_workbook(io.BytesIO(recap.get_data())).worksheets[0].values)
    assert rows[1][2] == invoice.number and rows[1][5] == 750


def test_an_invoice_is_paid_once(login_as, db):
    w = _world(db)
    invoice = service.approve(_submitted(w), w["ccvg_user"], IN_CONVENTION)
    db.session.commit()
    amoi = login_as(w["amoi_user"])
    first = amoi.post_form(
        f"/factures/{invoice.id}/payee", versioned(invoice, {"paid_on": "10/07/2024", **CONFIRMED})
    )
    assert first.status_code == 303

    second = amoi.post_form(
        f"/factures/{invoice.id}/payee", versioned(invoice, {"paid_on": "20/08/2024", **CONFIRMED})
    )

    assert second.status_code == 409
    assert "Cette facture est déjà marquée payée." in text_of(second)
    db.session.refresh(invoice)
    assert (invoice.status, invoice.paid_on) == ("paid", date(2024, 7, 10))
    paid_events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "invoice.paid")
    ).all()
    assert len(paid_events) == 1


def test_the_chorus_form_is_for_the_ccvg_and_the_amoi(login_as, db):
    w = _world(db)
    quote = _submitted(w)
    page = text_of(login_as(w["ccvg_user"]).get(f"/devis/{quote.id}"))
    assert "Références Chorus Pro" in page and "Renseigner les références Chorus Pro" in page
    assert f"999 000 003 00015 (par défaut, repris de la fiche « {w['ccvg'].name} »)" in page

    # a commune reads the references but cannot record them
    commune = login_as(w["brignais_user"])
    assert "Renseigner les références" not in text_of(commune.get(f"/devis/{quote.id}"))
    refused = _chorus(commune, quote)
    assert refused.status_code == 403
    assert "Seule la CCVG" in text_of(refused)
    # a stale version, a wrong SIRET: 409, nothing recorded
    ccvg = login_as(w["ccvg_user"])
    stale = ccvg.post_form(
        f"/devis/{quote.id}/chorus", {"version": str(quote.version - 1), "service_code": "X"}
    )
    assert stale.status_code == 409
    wrong = _chorus(ccvg, quote, siret="99900000300016")
    assert wrong.status_code == 409 and "la clé de contrôle est fausse" in text_of(wrong)
    db.session.refresh(quote)
    assert (quote.chorus_siret, quote.service_code, quote.commitment_number) == ("", "", "")

    saved = _chorus(ccvg, quote, siret="999 900 004 00014")
    assert saved.status_code == 303, text_of(saved)[-3000:]
    db.session.refresh(quote)
    assert (quote.chorus_siret, quote.service_code, quote.commitment_number) == (
        "99990000400014",
        "SCCPAJ",
        "ENG-2024-0042",
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "quote.chorus_updated")
    ).one()
    assert event.detail == "fields=chorus_siret,service_code,commitment_number"
    # the AMOI records them for the CCVG too
    assert _chorus(login_as(w["amoi_user"]), quote, commitment="ENG-2").status_code == 303
    # once the last invoice is issued, they no longer change
    service.approve(quote, w["ccvg_user"], IN_CONVENTION)
    service.deliver_report(quote, w["amoi_user"], date(2024, 9, 30))
    db.session.commit()
    closed = text_of(ccvg.get(f"/devis/{quote.id}"))
    assert "Plus aucune facture ne sera émise pour ce devis" in closed
    late = _chorus(ccvg, quote, commitment="ENG-3")
    assert late.status_code == 409 and "ne peuvent plus changer" in text_of(late)


def test_the_quote_history_says_sud_ouest_emploi_issues_the_invoices(login_as, db):
    w = _world(db)
    quote = _submitted(w)
    ccvg = login_as(w["ccvg_user"])
    assert _post(ccvg, f"/devis/{quote.id}/valider", quote).status_code == 303
    invoice = db.session.scalars(select(Invoice)).one()
    amoi = login_as(w["amoi_user"])
    amoi.post_form(
        f"/factures/{invoice.id}/payee",
        versioned(invoice, {"paid_on": today().strftime("%d/%m/%Y"), **CONFIRMED}),
    )

    history = text_of(amoi.get(f"/devis/{quote.id}")).split('id="historique"')[1]

    flat = " ".join(history.split())
    assert "Devis validé par Nadia Roux" in flat
    assert f"Facture {invoice.number} émise par Sud-Ouest Emploi" in flat
    assert "Facture émise par Nadia Roux" not in flat
    assert f"Paiement de la facture {invoice.number} enregistré par Lucas Bernard" in flat


def test_the_recap_is_the_ccvg_document_named_after_the_commune(login_as, db):
    w = _world(db)
    invoice = service.approve(_submitted(w), w["ccvg_user"], IN_CONVENTION)
    invoicing.mark_paid(invoice, date(2024, 7, 10), w["amoi_user"])
    db.session.commit()
    client = login_as(w["ccvg_user"])
    query = f"commune={w['brignais'].id}&annee=2024"

    response = client.export(f"/factures/refacturation.pdf?{query}")
    _, text = _pdf(response)

    assert response.headers["Content-Disposition"] == (
        'attachment; filename="refacturation-commune-de-brignais-2024.pdf"'
    )
    assert text.startswith(
        "Communauté de communes de la Vallée du Garon 262 rue Barthélémy Thimonnier – 69530 "
        "Brignais SIRET : 999 000 003 00015"
    )
    assert invoice.number in text and "Total à refacturer 1 000,00 €" in text
    for absent in ("IBAN", "BIC", "Sud-Ouest Emploi", "9999 9000"):
        assert absent not in text
    xlsx = client.export(f"/factures/refacturation.xlsx?{query}")
    assert xlsx.headers["Content-Disposition"] == (
        'attachment; filename="refacturation-commune-de-brignais-2024.xlsx"'
    )
    about = dict(load_workbook(io.BytesIO(xlsx.get_data()))["Émetteur"].iter_rows(values_only=True))
    assert about["Émetteur"] == "Communauté de communes de la Vallée du Garon"
    assert about["Adresse"] == "262 rue Barthélémy Thimonnier – 69530 Brignais"
    assert about["SIRET"] == "999 000 003 00015"
    assert about["Commune"] == "Commune de Brignais"


def test_the_recap_year_runs_from_1_january_to_31_december(login_as, db):
    w = _world(db)
    december = service.approve(_submitted(w), w["ccvg_user"], IN_CONVENTION)
    january = service.approve(_submitted(w), w["ccvg_user"], IN_CONVENTION)
    invoicing.mark_paid(december, date(2024, 12, 31), w["amoi_user"])
    invoicing.mark_paid(january, date(2025, 1, 1), w["amoi_user"])
    db.session.commit()
    client = login_as(w["ccvg_user"])

    def recap(year: int) -> list[str]:
        url = f"/factures/refacturation.xlsx?commune={w['brignais'].id}&annee={year}"
        sheet = load_workbook(io.BytesIO(client.export(url).get_data())).worksheets[0]
        return [row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[2]]

    assert recap(2024) == [december.number]
    assert recap(2025) == [january.number]


def test_the_quote_pdf_route_prints_validity_and_grid_label(login_as, db):
    w = _world(db)
    quote = _submitted(w)

    _, text = _pdf(login_as(w["ccvg_user"]).get(f"/devis/{quote.id}.pdf"))

    assert "Valable jusqu'au 02/09/2024" in text  # quote of 03/06/2024, three months
    assert "Barème appliqué : Convention cadre 2022 – annexe 2." in text
    assert "convention_2022" not in text and tariffs.BRACKET_NOTE[:40] not in text
    assert "« Bon pour accord »" in text
