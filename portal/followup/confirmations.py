"""What the irreversible steps of the follow-up will do, said before they are done
(docs/domain.md §8; ``portal.web.confirm``)."""

from __future__ import annotations

from decimal import Decimal

from portal.formatting import money
from portal.models import Escalation, PenaltyProposal
from portal.rules.followup import LetterKind
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_step_decision(escalation: Escalation, accept: bool) -> Confirmation:
    what = (
        "la lettre de relance"
        if escalation.status == "reminder_proposed"
        else "la lettre recommandée"
    )
    if accept:
        return Confirmation(
            title=f"Accepter {what} ?",
            consequence=(
                f"L'AMOI pourra générer et envoyer {what} à {escalation.company.name} ; "
                "votre accord est enregistré sur la relance."
            ),
            confirm_label="Accepter",
        )
    return Confirmation(
        title=f"Refuser {what} ?",
        consequence="La relance revient à l'étape précédente ; l'AMOI reçoit votre commentaire.",
        confirm_label="Refuser",
        danger=True,
    )


@confirmation
def confirm_letter_generation(escalation: Escalation, kind: str) -> Confirmation:
    label = LetterKind(kind).label.lower()
    return Confirmation(
        title=f"Générer la {label} ?",
        consequence=(
            "Le PDF sera enregistré comme document définitif avec son empreinte : il ne "
            "pourra plus être modifié, seulement remplacé par une nouvelle lettre tant "
            "qu'il n'est pas envoyé."
        ),
        confirm_label="Générer la lettre",
    )


@confirmation
def confirm_resolution(escalation: Escalation) -> Confirmation:
    return Confirmation(
        title="Clore la relance ?",
        consequence=(
            f"La relance de {escalation.company.name} sera close comme résolue, avec votre "
            "motif ; une nouvelle relance repartira de zéro."
        ),
        confirm_label="Clore la relance",
    )


@confirmation
def confirm_penalty_decision(proposal: PenaltyProposal, amount: Decimal | None) -> Confirmation:
    return Confirmation(
        title="Enregistrer votre décision sur les pénalités ?",
        consequence=(
            f"Montant appliqué : {money(amount or Decimal(0))} (proposé : "
            f"{money(proposal.proposed_amount)}). La décision est définitive et tracée ; "
            "le portail n'applique rien lui-même."
        ),
        confirm_label="Enregistrer la décision",
    )
