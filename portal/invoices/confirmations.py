"""What marking an invoice paid will do, said before it is done (issue 8)."""

from __future__ import annotations

from portal.formatting import money
from portal.french import org_with_article
from portal.models import Invoice
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_invoice_payment(invoice: Invoice) -> Confirmation:
    consequence = (
        f"La facture {invoice.number} de {money(invoice.amount)} sera enregistrée comme "
        "payée à la date saisie ; ce paiement ne pourra plus être annulé"
    )
    if invoice.buyer.parent_id:
        consequence += (
            f" et figurera dans le récapitulatif de refacturation "
            f"{org_with_article(invoice.buyer, 'de')} pour l'année du paiement."
        )
    else:
        consequence += "."
    return Confirmation(
        title=f"Marquer la facture {invoice.number} payée ?",
        consequence=consequence,
        confirm_label="Marquer payée",
    )
