"""Invoices of the AMOI (convention art. 7; docs/domain.md §4.3): issued to the CCVG with the
payee block as a facilitator admin set it, numbered without gaps, then paid.

An invoice freezes everything it prints when it is issued (payee, billed party, Chorus
Pro references, due date, mentions, VAT), so that a later change of the settings, of an
organisation or of the quote never changes an issued invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal import audit
from portal.documents import facturx, issued
from portal.extensions import db
from portal.models import Invoice, InvoiceKind, InvoiceStatus, Quote, User
from portal.refusals import Refused
from portal.rules import billing, deadlines, tariffs
from portal.rules.workflow import QuoteStatus, next_status


class InvoiceRefused(Refused):
    """A French explanation of why the invoice cannot change now."""


def issue_invoice(
    quote: Quote,
    kind: InvoiceKind,
    milestone: tariffs.Milestone,
    issued_on: date,
    user: User,
    label: str | None = None,
) -> Invoice:
    """An invoice billed to the CCVG, naming the commune when the buyer is a commune
    (convention art. 7). Frozen on it: the payee block as it is today, the CCVG's address
    and SIRET (the Chorus Pro SIRET recorded on the quote when there is one), the quote's
    Chorus Pro references, the due date (``rules.deadlines.payment_due``), the payment
    and late-payment mentions, one per line (``rules.billing.invoice_mentions``), and the
    VAT of the payee's regime."""
    buyer = quote.buyer
    ccvg = buyer.parent or buyer
    frozen = issued.issue(
        INVOICE.series, issued_on, issued.Party.of(ccvg, siret=quote.chorus_siret or None)
    )
    regime = billing.vat_regime(frozen.payee.get("payee_vat_regime"))
    vat = billing.vat_breakdown(milestone.amount, regime)
    invoice = Invoice(
        number=frozen.number,
        quote=quote,
        buyer_id=quote.buyer_id,
        kind=kind.value,
        label=(label or f"{kind.label} – devis {quote.number}")[:200],
        share=milestone.share,
        amount=milestone.amount,
        issue_date=issued_on,
        due_date=deadlines.payment_due(issued_on),
        payment_terms="\n".join(billing.invoice_mentions(deadlines.PAYMENT_PERIOD_DAYS)),
        subject=quote.title[:300],
        vat_rate=vat.rate,
        vat_amount=vat.vat,
        status=InvoiceStatus.ISSUED.value,
        payee=dict(frozen.payee),
        billed_to=frozen.recipient.name,
        billed_address=frozen.recipient.address,
        billed_siret=frozen.recipient.siret,
        commune=buyer.name if buyer.parent_id else "",
        service_code=quote.service_code,
        commitment_number=quote.commitment_number,
    )
    db.session.add(invoice)
    db.session.flush()
    audit.record("invoice.issued", invoice, detail=f"number={invoice.number}", actor=user)
    return invoice


def mark_paid(invoice: Invoice, paid_on: date, user: User) -> None:
    """Record the payment once: a second one is refused, the first date stays."""
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceRefused("Cette facture est déjà marquée payée.")
    if paid_on < invoice.issue_date:
        raise InvoiceRefused("La date de paiement ne peut pas précéder la date de la facture.")
    invoice.status = InvoiceStatus.PAID.value
    invoice.paid_on = paid_on
    audit.record("invoice.paid", invoice, actor=user)
    quote = invoice.quote
    closes = invoice.kind == InvoiceKind.BALANCE or (
        invoice.kind == InvoiceKind.FULL and quote.is_pilotage
    )
    if closes and quote.status == QuoteStatus.INVOICED_BALANCE:
        # « Soldé » only once the balance is paid; « solde facturé » before (art. 7).
        quote.status = next_status("quote", quote.status, "settle").value
        quote.last_changed_by_id = user.id
        audit.record("quote.settled", quote, actor=user)


# --- Factur-X --------------------------------------------------------------------------------

# Subject codes (UNTDID 4451) of the late-payment mentions, as French invoices carry them.
MENTION_CODES = ("PMD", "PMT")


def invoice_issue(invoice: Invoice) -> issued.Issue:
    """The invoice's frozen issue (number, date, payee block, billed party), read back
    from its columns."""
    return issued.Issue(
        number=invoice.number,
        issued_on=invoice.issue_date,
        recipient=issued.Party(invoice.billed_to, invoice.billed_address, invoice.billed_siret),
        payee=dict(invoice.payee or {}),
    )


def _facturx_party(party: issued.Party) -> facturx.Party:
    return facturx.Party.from_text(party.name, party.address, party.siret, party.vat_number)


def invoice_facts(invoice: Invoice) -> facturx.InvoiceFacts:
    """The Factur-X facts of an issued invoice, read only from what was frozen on it."""
    frozen = invoice_issue(invoice)
    payee = frozen.payee
    regime = billing.vat_regime(payee.get("payee_vat_regime"))
    terms, *mentions = (invoice.payment_terms or "").splitlines() or [""]
    return facturx.InvoiceFacts(
        number=frozen.number,
        issue_date=frozen.issued_on,
        due_date=invoice.due_date,
        seller=_facturx_party(frozen.issuer),
        buyer=_facturx_party(frozen.recipient),
        lines=(facturx.Line(invoice.label, Decimal("1"), invoice.amount, invoice.amount),),
        vat_category=regime.category,
        vat_rate=invoice.vat_rate,
        vat_amount=invoice.vat_amount,
        exemption_reason=(payee.get("payee_vat") or regime.label) if regime.exemption_code else "",
        exemption_code=regime.exemption_code,
        payment_terms=terms,
        iban=payee.get("payee_iban", ""),
        bic=payee.get("payee_bic", ""),
        service_code=invoice.service_code,
        commitment_number=invoice.commitment_number,
        quote_number=invoice.quote.number or "",
        notes=tuple(zip(MENTION_CODES, mentions, strict=False)),
    )


def facturx_pdf(invoice: Invoice, pdf: bytes) -> bytes:
    """The invoice's PDF as a Factur-X invoice (EN 16931 XML embedded, schema-checked)."""
    seller = (invoice.payee or {}).get("payee_name", "")
    return facturx.embed(
        pdf,
        facturx.cii_xml(invoice_facts(invoice)),
        title=f"Facture {invoice.number}",
        author=seller,
        subject=f"Facture {invoice.number} du {invoice.issue_date:%d/%m/%Y} – {invoice.billed_to}",
    )


INVOICE = issued.DocumentKind(
    series="FAC",
    template="pdf/invoice.html",
    context=lambda invoice: {"invoice": invoice},  # the template reads only frozen columns
    filename=lambda invoice: f"{invoice.number}.pdf",
    finish=facturx_pdf,
)
