"""Factur-X invoices (EN 16931): the CII XML of an invoice, written here from plain facts,
and its embedding into the invoice's PDF with the ``factur-x`` library (the only module
importing it).

Profile: EN 16931 (Factur-X « EN 16931 », also called COMFORT), above BASIC. Chorus Pro
reads the parties' SIRET in ``SpecifiedLegalOrganization/ID`` with the ISO 6523 scheme
``0009`` (SIRET), the buyer's service code in BT-10 (``BuyerReference``) and the
commitment number (*numéro d'engagement*) in BT-13 (``BuyerOrderReferencedDocument``).

``cii_xml`` is a pure function: no Flask, no database, the same facts give the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import facturx

PROFILE = "en16931"
GUIDELINE = "urn:cen.eu:en16931:2017"
"""Guideline identifier (BT-24) of the Factur-X EN 16931 profile."""
SIRET_SCHEME = "0009"
"""ISO 6523 ICD of the SIRET, as Chorus Pro reads it."""
INVOICE_TYPE = "380"
"""UNTDID 1001: commercial invoice."""
CREDIT_TRANSFER = "30"
"""UNTDID 4461: credit transfer."""
UNIT = "C62"
"""UN/ECE rec. 20: one (a unit without dimension)."""
XML_FILENAME = "factur-x.xml"

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
CENT = Decimal("0.01")
POSTCODE_CITY = re.compile(r"(?:^|[\s,])(\d{5})\s+([^\d,\n][^,\n]*)$")


@dataclass(frozen=True)
class Party:
    """A seller or a buyer: name, SIRET, postal address (street lines, postcode, city)."""

    name: str
    siret: str = ""
    street: tuple[str, ...] = ()
    postcode: str = ""
    city: str = ""
    country: str = "FR"
    vat_number: str = ""

    @classmethod
    def from_text(cls, name: str, address: str, siret: str = "", vat_number: str = "") -> Party:
        """A party whose address is typed as on an envelope (« 12 rue de la Gare\\n69530
        Brignais », or on one line with commas)."""
        street, postcode, city = split_address(address)
        return cls(name, siret, street, postcode, city, vat_number=vat_number)


@dataclass(frozen=True)
class Line:
    """One invoice line: label, quantity, net unit price and net amount."""

    label: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceFacts:
    """What the XML says of an invoice, as plain values (EN 16931 business terms in the
    comments)."""

    number: str  # BT-1
    issue_date: date  # BT-2
    due_date: date | None  # BT-9
    seller: Party  # BG-4
    buyer: Party  # BG-7
    lines: tuple[Line, ...]  # BG-25
    vat_category: str  # BT-118 / BT-151: O (outside scope) or S (standard)
    vat_rate: Decimal  # BT-119, percent (not written for O)
    vat_amount: Decimal  # BT-117
    exemption_reason: str = ""  # BT-120
    exemption_code: str = ""  # BT-121
    payment_terms: str = ""  # BT-20
    iban: str = ""  # BT-84
    bic: str = ""  # BT-86
    service_code: str = ""  # BT-10, Chorus Pro « code service »
    commitment_number: str = ""  # BT-13, « numéro d'engagement »
    quote_number: str = ""  # BT-14, the AMOI's quote (the seller's order reference)
    notes: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # BG-1 (code, text)
    currency: str = "EUR"

    @property
    def net_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def grand_total(self) -> Decimal:
        return self.net_total + self.vat_amount


def split_address(text: str) -> tuple[tuple[str, ...], str, str]:
    """Street lines, postcode and city of a French address typed freely: the postcode is
    the last group of 5 digits followed by the city (« 69530 Brignais »)."""
    lines = [line.strip(" ,") for line in (text or "").splitlines() if line.strip(" ,")]
    if not lines:
        return (), "", ""
    match = POSTCODE_CITY.search(lines[-1])
    if match is None:
        return tuple(lines), "", ""
    before = lines[-1][: match.start()].strip(" ,")
    street = [*lines[:-1], *([before] if before else [])]
    return tuple(street), match.group(1), match.group(2).strip()


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(CENT))


def _quantity(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _qname(tag: str) -> str:
    """``ram:Name`` → ``{urn:…:100}Name`` (ElementTree's qualified names)."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, _qname(tag), attrs)


def _date(parent: ET.Element, tag: str, day: date) -> None:
    holder = _sub(parent, tag)
    _text(holder, "udt:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = _sub(parent, tag, **attrs)
    element.text = value
    return element


def _party(parent: ET.Element, tag: str, party: Party, *, with_vat: bool) -> None:
    node = _sub(parent, tag)
    _text(node, "ram:Name", party.name)
    if party.siret:
        legal = _sub(node, "ram:SpecifiedLegalOrganization")
        _text(legal, "ram:ID", party.siret, schemeID=SIRET_SCHEME)
    address = _sub(node, "ram:PostalTradeAddress")
    if party.postcode:
        _text(address, "ram:PostcodeCode", party.postcode)
    street = list(party.street)
    if len(street) > 3:  # CII has three street lines: the rest joins the third
        street = [*street[:2], ", ".join(street[2:])]
    for tag_name, line in zip(
        ("ram:LineOne", "ram:LineTwo", "ram:LineThree"), street, strict=False
    ):
        _text(address, tag_name, line)
    if party.city:
        _text(address, "ram:CityName", party.city)
    _text(address, "ram:CountryID", party.country)
    if with_vat and party.vat_number:
        registration = _sub(node, "ram:SpecifiedTaxRegistration")
        _text(registration, "ram:ID", party.vat_number, schemeID="VA")


def _tax(parent: ET.Element, facts: InvoiceFacts, *, basis: Decimal | None) -> None:
    """A VAT element: the breakdown (BG-23) with ``basis``, or a line's VAT (BG-30)."""
    tax = _sub(parent, "ram:ApplicableTradeTax")
    if basis is not None:
        _text(tax, "ram:CalculatedAmount", _money(facts.vat_amount))
    _text(tax, "ram:TypeCode", "VAT")
    if basis is not None and facts.exemption_reason:
        _text(tax, "ram:ExemptionReason", facts.exemption_reason)
    if basis is not None:
        _text(tax, "ram:BasisAmount", _money(basis))
    _text(tax, "ram:CategoryCode", facts.vat_category)
    if basis is not None and facts.exemption_code:
        _text(tax, "ram:ExemptionReasonCode", facts.exemption_code)
    if facts.vat_category != "O":  # BR-O-5, BR-O-10: no rate outside the scope of VAT
        _text(tax, "ram:RateApplicablePercent", _money(facts.vat_rate))


def cii_xml(facts: InvoiceFacts) -> bytes:
    """The Cross Industry Invoice (UN/CEFACT CII D16B, Factur-X EN 16931 profile) of
    ``facts``, UTF-8 encoded. Elements follow the order of the Factur-X 1.0 schema."""
    root = ET.Element(_qname("rsm:CrossIndustryInvoice"))

    context = _sub(root, "rsm:ExchangedDocumentContext")
    guideline = _sub(context, "ram:GuidelineSpecifiedDocumentContextParameter")
    _text(guideline, "ram:ID", GUIDELINE)

    document = _sub(root, "rsm:ExchangedDocument")
    _text(document, "ram:ID", facts.number)
    _text(document, "ram:TypeCode", INVOICE_TYPE)
    _date(document, "ram:IssueDateTime", facts.issue_date)
    for code, content in facts.notes:
        note = _sub(document, "ram:IncludedNote")
        _text(note, "ram:Content", content)
        _text(note, "ram:SubjectCode", code)

    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    for number, line in enumerate(facts.lines, start=1):
        item = _sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _text(_sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(number))
        _text(_sub(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.label)
        price = _sub(
            _sub(item, "ram:SpecifiedLineTradeAgreement"),
            "ram:NetPriceProductTradePrice",
        )
        _text(price, "ram:ChargeAmount", _money(line.unit_price))
        delivery = _sub(item, "ram:SpecifiedLineTradeDelivery")
        _text(delivery, "ram:BilledQuantity", _quantity(line.quantity), unitCode=UNIT)
        settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
        _tax(settlement, facts, basis=None)
        summation = _sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        _text(summation, "ram:LineTotalAmount", _money(line.amount))

    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    if facts.service_code:
        _text(agreement, "ram:BuyerReference", facts.service_code)
    charged = facts.vat_category != "O"  # BR-O-2: no VAT identifier outside the scope of VAT
    _party(agreement, "ram:SellerTradeParty", facts.seller, with_vat=charged)
    _party(agreement, "ram:BuyerTradeParty", facts.buyer, with_vat=charged)
    if facts.quote_number:
        order = _sub(agreement, "ram:SellerOrderReferencedDocument")
        _text(order, "ram:IssuerAssignedID", facts.quote_number)
    if facts.commitment_number:
        order = _sub(agreement, "ram:BuyerOrderReferencedDocument")
        _text(order, "ram:IssuerAssignedID", facts.commitment_number)

    _sub(transaction, "ram:ApplicableHeaderTradeDelivery")

    settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
    _text(settlement, "ram:PaymentReference", facts.number)
    _text(settlement, "ram:InvoiceCurrencyCode", facts.currency)
    if facts.iban:
        means = _sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _text(means, "ram:TypeCode", CREDIT_TRANSFER)
        account = _sub(means, "ram:PayeePartyCreditorFinancialAccount")
        _text(account, "ram:IBANID", facts.iban.replace(" ", ""))
        if facts.bic:
            bank = _sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
            _text(bank, "ram:BICID", facts.bic)
    _tax(settlement, facts, basis=facts.net_total)
    if facts.payment_terms or facts.due_date:
        terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
        if facts.payment_terms:
            _text(terms, "ram:Description", facts.payment_terms)
        if facts.due_date:
            _date(terms, "ram:DueDateDateTime", facts.due_date)
    totals = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _text(totals, "ram:LineTotalAmount", _money(facts.net_total))
    _text(totals, "ram:TaxBasisTotalAmount", _money(facts.net_total))
    _text(totals, "ram:TaxTotalAmount", _money(facts.vat_amount), currencyID=facts.currency)
    _text(totals, "ram:GrandTotalAmount", _money(facts.grand_total))
    _text(totals, "ram:DuePayableAmount", _money(facts.grand_total))

    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


class FacturXError(RuntimeError):
    """The XML could not be embedded: it breaks the profile's schema (a programming error,
    never the user's)."""


def embed(pdf: bytes, xml: bytes, *, title: str, author: str, subject: str) -> bytes:
    """The PDF with ``xml`` embedded as ``factur-x.xml`` and the Factur-X XMP metadata;
    the XML is checked against the profile's schema first.

    The ``factur-x`` library marks the file as PDF/A-3 in its metadata; xhtml2pdf's output
    embeds its fonts but carries no ICC output intent, so a strict PDF/A-3 validator
    (veraPDF) may still report the file."""
    try:
        return facturx.generate_from_binary(
            pdf,
            xml,
            flavor="factur-x",
            level=PROFILE,
            check_xsd=True,
            pdf_metadata={
                "author": author,
                "keywords": "Facture, Factur-X",
                "title": title,
                "subject": subject,
            },
            lang="fr-FR",
        )
    except Exception as error:  # the library raises bare Exceptions
        raise FacturXError(f"Factur-X : {error}") from error
