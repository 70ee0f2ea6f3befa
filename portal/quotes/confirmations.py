"""What submitting, deciding, delivering and paying will do, said before it is done
(issue 8), with the amounts of the payment schedule (convention art. 7, annexe 2;
DOMAIN.md 4.3). The same builders serve the page's dialogs and the views' confirmation
step (``portal.web.confirm``)."""

from __future__ import annotations

from decimal import Decimal

from portal.formatting import money
from portal.french import org_with_article
from portal.models import Invoice, Quote
from portal.rules import tariffs
from portal.web.confirm import Confirmation, confirmation


def _total(quote: Quote) -> Decimal:
    """The frozen total once submitted; a draft's total is the sum of its lines."""
    if quote.status != "draft" and quote.total is not None:
        return quote.total
    return tariffs.quote_total(quote.lines)


def _approver(quote: Quote):
    """The CCVG: the quote's buyer, or its coordinator for a commune's quote (art. 7)."""
    return quote.buyer.parent or quote.buyer


@confirmation
def confirm_quote_submission(quote: Quote) -> Confirmation:
    total = _total(quote)
    return Confirmation(
        title=f"Soumettre le devis « {quote.title} » ?",
        consequence=(
            f"Soumettre ce devis lui donnera son numéro définitif et le figera à "
            f"{money(total)} : ses lignes ne pourront plus être modifiées. Un e-mail "
            f"invitera {org_with_article(_approver(quote))} à le valider ou à le refuser."
        ),
        confirm_label="Soumettre le devis",
    )


@confirmation
def confirm_quote_approval(quote: Quote) -> Confirmation:
    total = _total(quote)
    if quote.is_pilotage:
        schedule = tariffs.pilotage_payment_schedule(total)
        consequence = (
            f"Valider ce devis n'émet pas encore de facture : ses {money(schedule[0].amount)} "
            "seront facturés en totalité à la remise du bilan annuel. "
            "Cette décision est définitive."
        )
    else:
        deposit, balance = tariffs.payment_schedule(total)
        consequence = (
            f"Valider ce devis émettra la facture d'acompte de {money(deposit.amount)} "
            f"(la moitié de {money(total)}) ; le solde de {money(balance.amount)} sera "
            "facturé à la remise du bilan final. Cette décision est définitive."
        )
    return Confirmation(
        title=f"Valider le devis {quote.display_number} ?",
        consequence=consequence,
        confirm_label="Valider le devis",
    )


@confirmation
def confirm_quote_rejection(quote: Quote) -> Confirmation:
    return Confirmation(
        title=f"Refuser le devis {quote.display_number} ?",
        consequence=(
            "Refuser ce devis le clôt sans facture : l'AMOI recevra votre motif par e-mail "
            "et devra en établir une nouvelle version. Cette décision est définitive."
        ),
        confirm_label="Refuser le devis",
        danger=True,
    )


@confirmation
def confirm_report_delivery(quote: Quote) -> Confirmation:
    total = _total(quote)
    if quote.is_pilotage:
        amount = tariffs.pilotage_payment_schedule(total)[0].amount
        title = "Enregistrer la remise du bilan annuel ?"
        consequence = (
            f"Enregistrer la remise du bilan annuel émettra la facture du pilotage de "
            f"{money(amount)}, soit la totalité du devis {quote.display_number} ; "
            "elle ne pourra pas être annulée."
        )
    else:
        amount = tariffs.payment_schedule(total)[1].amount
        title = "Enregistrer la remise du bilan final ?"
        consequence = (
            f"Enregistrer la remise du bilan final émettra la facture de solde de "
            f"{money(amount)} ; le devis {quote.display_number} sera alors soldé et la "
            "facture ne pourra pas être annulée."
        )
    return Confirmation(title=title, consequence=consequence, confirm_label="Émettre la facture")


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
