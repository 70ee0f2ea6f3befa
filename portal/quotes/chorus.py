"""Chorus Pro references of a quote: the receiving structure's SIRET, its service code and
the commitment number (*numéro d'engagement*) that the buyer gives for its invoices.

The CCVG (which pays) or the AMOI records them on the quote; each invoice copies them
when it is issued (``services.invoices.issue_invoice``), so an invoice already issued
keeps the references it was sent with.
"""

from __future__ import annotations

from portal import audit
from portal.models import InvoiceKind, Quote, User
from portal.models.base import assign
from portal.quotes.services import QuoteRefused
from portal.rules.workflow import QuoteStatus

FIELDS = ("chorus_siret", "service_code", "commitment_number")
LAST_INVOICES = frozenset({InvoiceKind.BALANCE, InvoiceKind.FULL})


def references_open(quote: Quote) -> bool:
    """True while an invoice of the quote is still to come: not once it is rejected (a
    revision is a new quote) nor once its last invoice (balance, or the whole pilotage)
    is issued (docs/domain.md §4.3)."""
    if quote.status == QuoteStatus.REJECTED:
        return False
    return not any(invoice.kind in LAST_INVOICES for invoice in quote.invoices)


def record_references(
    quote: Quote, user: User, *, chorus_siret: str, service_code: str, commitment_number: str
) -> list[str]:
    """Store the references (already validated: SIRET compact, lengths checked); returns
    the names of the fields that changed. The caller commits."""
    if not references_open(quote):
        raise QuoteRefused(
            f"Le devis est « {quote.status_label} » : plus aucune facture n'en sera émise, "
            "ses références Chorus Pro ne peuvent plus changer."
        )
    values = {
        "chorus_siret": chorus_siret,
        "service_code": service_code,
        "commitment_number": commitment_number,
    }
    changed = assign(quote, values)
    if changed:
        quote.last_changed_by_id = user.id
        audit.record(
            "quote.chorus_updated", quote, detail="fields=" + ",".join(changed), actor=user
        )
    return changed
