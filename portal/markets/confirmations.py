"""What starting or closing an operation and deleting a TCE share will do, said before it
is done (issue 8; convention art. 3 and 4; docs/domain.md §2 and 3)."""

from __future__ import annotations

from portal.access import scoped
from portal.extensions import db
from portal.formatting import hours, money
from portal.french import org_with_article, quantity
from portal.models import Operation, Quote, SubcontractorShare
from portal.rules import tariffs
from portal.rules.workflow import QuoteStatus
from portal.web.confirm import Confirmation, confirmation


def _lot_count(op: Operation) -> int:
    return sum(len(market.lots) for market in op.markets)


def _balances_to_invoice(op: Operation) -> list[Quote]:
    """The operation's quotes whose deposit is invoiced and balance is not (docs/domain.md §4.3:
    the balance is invoiced on delivery of the final report)."""
    return list(
        db.session.scalars(
            scoped(Quote)
            .where(Quote.operation_id == op.id, Quote.status == QuoteStatus.INVOICED_DEPOSIT)
            .order_by(Quote.id)
        )
    )


@confirmation
def confirm_operation_transition(op: Operation, action: str) -> Confirmation | None:
    """Starting and closing ask first; reopening a closed operation does not (it can be
    closed again)."""
    if action == "start":
        return Confirmation(
            title=f"Démarrer le suivi de l'opération « {op.name} » ?",
            consequence=(
                f"L'opération passera « En cours » avec {quantity(_lot_count(op), 'lot')} : "
                "le suivi des heures d'insertion commence et elle ne pourra plus revenir "
                "« En préparation »."
            ),
            confirm_label="Démarrer le suivi",
        )
    if action == "close":
        planned = sum(lot.planned_hours or 0 for m in op.markets for lot in m.lots)
        consequence = (
            f"L'opération passera « Clôturée » : elle sortira des opérations suivies et ses "
            f"{hours(planned)} prévues ne compteront plus parmi les heures des opérations "
            "en cours."
        )
        for quote in _balances_to_invoice(op):
            balance = tariffs.payment_schedule(quote.total)[1].amount
            consequence += (
                f" Le bilan final n'est pas enregistré sur le devis {quote.display_number} : "
                f"son solde de {money(balance)} reste à facturer."
            )
        consequence += " Vous pourrez la rouvrir si un relevé tardif ou un bilan corrigé l'exige."
        return Confirmation(
            title=f"Clôturer l'opération « {op.name} » ?",
            consequence=consequence,
            confirm_label="Clôturer l'opération",
        )
    return None


@confirmation
def confirm_share_deletion(share: SubcontractorShare) -> Confirmation:
    op = share.operation
    others = [s for s in op.shares if s.id != share.id]
    who = org_with_article(share.company, "de")
    if others and op.tce_hours:
        after = (
            f"Le volume global de {hours(op.tce_hours)} sera réparti à nouveau entre "
            f"{quantity(len(others), 'autre sous-traitant', 'autres sous-traitants')}, au "
            "prorata du montant × part de main-d’œuvre de chaque corps d’état."
        )
    elif others:
        after = "Le volume global de l'opération n'est pas encore fixé."
    else:
        after = "Il ne restera aucune part : le volume global restera à répartir."
    held = f" ({hours(share.hours)})" if share.hours is not None else ""
    return Confirmation(
        title=f"Supprimer la part {who} ?",
        consequence=f"La part {who}{held} sera supprimée. {after}",
        confirm_label="Supprimer la part",
        danger=True,
    )
