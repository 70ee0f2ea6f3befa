"""What the irreversible steps of the statements' review will do, said before they are done
(docs/architecture.md §5.4; convention art. 4)."""

from __future__ import annotations

from portal.french import quantity
from portal.models import HourLine, HourStatement
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_statement_validation(statement: HourStatement) -> Confirmation:
    count = len(statement.lines)
    return Confirmation(
        title=f"Valider tout le relevé de {statement.month:%m/%Y} ?",
        consequence=(
            f"Ses {quantity(count, 'ligne')} seront validées : leurs heures compteront pour la "
            "clause d'insertion et le relevé ne pourra plus être remplacé ni refusé."
        ),
        confirm_label="Valider tout le relevé",
    )


@confirmation
def confirm_refusal_proposal(statement: HourStatement) -> Confirmation:
    return Confirmation(
        title="Proposer de refuser les lignes cochées ?",
        consequence=(
            "Les lignes cochées seront soumises au maître d'ouvrage de leur lot, qui confirmera "
            "ou écartera le refus ; toutes les autres lignes du relevé seront validées et "
            "compteront pour la clause. Le relevé ne pourra plus être remplacé."
        ),
        confirm_label="Proposer le refus",
        danger=True,
    )


@confirmation
def confirm_refusal_decision(line: HourLine) -> Confirmation:
    return Confirmation(
        title="Enregistrer votre décision sur cette ligne ?",
        consequence=(
            "Si vous confirmez le refus, ses heures ne compteront jamais pour la clause ; si "
            "vous l'écartez, elles compteront. La décision est définitive ; la structure et "
            "l'AMOI en sont informées avec votre commentaire."
        ),
        confirm_label="Enregistrer la décision",
    )
