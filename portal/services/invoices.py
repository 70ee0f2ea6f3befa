"""Invoices of the AMOI (convention art. 7; DOMAIN.md 4.3): issued to the CCVG with the
payee block as a facilitator admin set it, numbered without gaps, then paid."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models import Invoice, InvoiceKind, InvoiceStatus, Quote, Setting, User
from portal.rules import tariffs
from portal.rules.workflow import QuoteStatus, next_status
from portal.services.numbering import next_number


class InvoiceRefused(Exception):
    """A French explanation of why the invoice cannot change now."""


PAYEE_FIELDS = {
    "payee_name": "Raison sociale",
    "payee_address": "Adresse",
    "payee_siret": "SIRET",
    "payee_vat": "Mention TVA",
    "payee_iban": "IBAN",
    "payee_bic": "BIC",
    "payee_contact": "Contact facturation",
}


def payee_block() -> dict[str, str]:
    """Sud-Ouest Emploi's identity and bank details, as a facilitator admin set them
    (settings, never hard-coded)."""
    values = dict(
        db.session.execute(
            select(Setting.key, Setting.value).where(Setting.key.in_(PAYEE_FIELDS))
        ).all()
    )
    return {key: values.get(key, "") for key in PAYEE_FIELDS}


def issue_invoice(
    quote: Quote,
    kind: InvoiceKind,
    milestone: tariffs.Milestone,
    issued_on: date,
    user: User,
    label: str | None = None,
) -> Invoice:
    """An invoice billed to the CCVG, naming the commune when the buyer is a commune
    (convention art. 7), with the payee block frozen as it is today."""
    buyer = quote.buyer
    ccvg = buyer.parent or buyer
    invoice = Invoice(
        number=next_number("FAC", issued_on.year),
        quote=quote,
        buyer_id=quote.buyer_id,
        kind=kind.value,
        label=(label or f"{kind.label} – devis {quote.number}")[:200],
        share=milestone.share,
        amount=milestone.amount,
        issue_date=issued_on,
        status=InvoiceStatus.ISSUED.value,
        payee=payee_block(),
        billed_to=ccvg.name,
        commune=buyer.name if buyer.parent_id else "",
    )
    db.session.add(invoice)
    db.session.flush()
    audit.record("invoice.issued", invoice, detail=f"number={invoice.number}", actor=user)
    return invoice


def mark_paid(invoice: Invoice, paid_on: date, user: User) -> None:
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
