"""E-mail notifications of the quote and invoice workflow (issue 5):
quote submitted → the CCVG's approvers; approved or rejected → the AMOI; invoice issued →
the CCVG; the TCE split moved → the next party. Called in the transaction that records
the decision, they queue one message per recipient (``mail.queue``): the messages leave
when it commits, none if it rolls back, and a mail failure is logged, never undoes the
decision that was recorded. Links come from ``PUBLIC_URL``."""

from __future__ import annotations

from sqlalchemy import select

from portal.documents import mail
from portal.extensions import db
from portal.formatting import money
from portal.links import external_url
from portal.models import Invoice, Organisation, OrgKind, Quote, User


def _emails(org_ids: list[int]) -> list[str]:
    """Active users who have set their password (invitations pending are left out)."""
    return db.session.scalars(
        select(User.email)
        .where(
            User.organisation_id.in_(org_ids),
            User.active.is_(True),
            User.password_hash.is_not(None),
        )
        .order_by(User.email)
    ).all()


def _ccvg_of(quote: Quote) -> Organisation:
    return quote.buyer.parent or quote.buyer


def _facilitator_ids() -> list[int]:
    return db.session.scalars(
        select(Organisation.id).where(Organisation.kind == OrgKind.FACILITATOR)
    ).all()


def _send_each(recipients: list[str], subject: str, body: str) -> int:
    """One message per recipient (no one sees the others' addresses); the number queued."""
    for email in recipients:
        mail.queue(email, subject, body)
    return len(recipients)


def _quote_url(quote: Quote) -> str:
    return external_url("quotes.show", quote_id=quote.id)


def quote_submitted(quote: Quote) -> int:
    body = (
        f"Bonjour,\n\nL'AMO Insertion a soumis le devis {quote.number} ({quote.title}) "
        f"d'un montant de {money(quote.total)} à votre validation.\n\n"
        f"Consulter le devis : {_quote_url(quote)}\n\n-- Passerelle"
    )
    subject = f"Devis {quote.number} à valider"
    return _send_each(_emails([_ccvg_of(quote).id]), subject, body)


def quote_decided(quote: Quote) -> int:
    approved = quote.status != "rejected"
    verdict = "validé" if approved else "refusé"
    body = f"Bonjour,\n\nLe devis {quote.number} ({quote.title}) a été {verdict} par la CCVG."
    if not approved:
        body += f"\n\nMotif du refus :\n{quote.decision_comment}"
    body += f"\n\nConsulter le devis : {_quote_url(quote)}\n\n-- Passerelle"
    return _send_each(_emails(_facilitator_ids()), f"Devis {quote.number} {verdict}", body)


def invoice_issued(invoice: Invoice) -> int:
    quote = invoice.quote
    body = (
        f"Bonjour,\n\nLa facture {invoice.number} ({invoice.label}) d'un montant de "
        f"{money(invoice.amount_due)} a été émise par l'AMO Insertion"
        + (f" ; commune concernée : {invoice.commune}" if invoice.commune else "")
        + f".\n\nTélécharger la facture : "
        f"{external_url('invoices.pdf', invoice_id=invoice.id)}\n\n-- Passerelle"
    )
    return _send_each(_emails([_ccvg_of(quote).id]), f"Facture {invoice.number} émise", body)


def split_changed(split, action: str) -> int:
    """The TCE split moved: the next party to act is told (docs/domain.md §2): the general
    contractor when it is proposed, the AMOI when it is accepted or commented, the buyer
    when the AMOI validated it, the AMOI when the buyer validated it."""
    operation = split.operation
    url = external_url("markets.tce_split", operation_id=operation.id)
    name = operation.name
    if action == "propose":
        recipients = _emails([operation.general_contractor_id])
        text = (
            "L'AMO Insertion vous propose la répartition des heures d'insertion entre corps d'état"
        )
    elif action in {"accept", "comment"}:
        recipients = _emails(_facilitator_ids())
        verdict = "acceptée" if action == "accept" else "renvoyée avec une remarque"
        text = f"L'entreprise générale a {verdict} la répartition des heures"
    elif action == "validate_amoi":
        recipients = _emails([operation.buyer_id])
        text = "L'AMO Insertion a validé la répartition des heures ; elle attend votre validation"
    elif action == "validate_buyer":
        recipients = _emails(_facilitator_ids())
        text = "Le maître d'ouvrage a validé la répartition des heures : le devis peut être soumis"
    else:
        return 0
    body = f"Bonjour,\n\n{text} de l'opération « {name} ».\n\nConsulter : {url}\n\n-- Passerelle"
    return _send_each(recipients, f"Répartition TCE – {name}", body)
