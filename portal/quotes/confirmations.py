"""What submitting, deciding, delivering and paying will do, said before it is done
(issue 8), with the amounts of the payment schedule (convention art. 7, annexe 2;
docs/domain.md §4.3). The same builders serve the page's dialogs and the views' confirmation
step (``portal.web.confirm``)."""

from __future__ import annotations

from decimal import Decimal

from portal.formatting import money
from portal.french import org_with_article
from portal.models import Quote
from portal.quotes import services as service
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
    deposit = service.deposit_of(quote)
    separate = total - service.split_total(quote)
    if deposit is None:
        consequence = (
            f"Valider ce devis n'émet pas encore de facture : ses {money(total)} seront "
            "facturés en totalité à la remise du bilan annuel. Cette décision est définitive."
        )
    else:
        balance = tariffs.payment_schedule(service.split_total(quote))[1]
        consequence = (
            f"Valider ce devis émettra la facture d'acompte de {money(deposit.amount)} "
            f"(la moitié de {money(service.split_total(quote))}) ; le solde de "
            f"{money(balance.amount)} sera facturé à la remise du bilan final"
        )
        if separate:
            consequence += (
                f", et {money(separate)} à la remise des bilans annuels (suivi des marchés "
                "réservés, pilotage)"
            )
        consequence += ". Cette décision est définitive."
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
    amount = tariffs.payment_schedule(service.split_total(quote))[1].amount
    return Confirmation(
        title="Enregistrer la remise du bilan final ?",
        consequence=(
            f"Enregistrer la remise du bilan final émettra la facture de solde de "
            f"{money(amount)} du devis {quote.display_number} ; elle ne pourra pas être "
            "annulée, et le devis sera soldé une fois cette facture payée."
        ),
        confirm_label="Émettre la facture",
    )


@confirmation
def confirm_annual_report(quote: Quote, year: int) -> Confirmation:
    amount = tariffs.quote_total(
        line
        for line in quote.lines
        if line.billing == tariffs.Billing.ANNUAL_REPORT
        and line.pilotage_year == year
        and line.invoice_id is None
    )
    return Confirmation(
        title=f"Enregistrer la remise du bilan annuel {year} ?",
        consequence=(
            f"Enregistrer la remise du bilan annuel {year} émettra la facture du pilotage "
            f"de {money(amount)} (devis {quote.display_number}) ; elle ne pourra pas être "
            "annulée."
        ),
        confirm_label="Émettre la facture",
    )
