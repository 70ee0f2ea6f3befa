"""What the irreversible actions of the people area will do, said before they are done
(docs/architecture.md §5.4)."""

from __future__ import annotations

from portal.models import Candidacy, Placement
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_hire(candidacy: Candidacy) -> Confirmation:
    return Confirmation(
        title=f"Confirmer l'embauche de la candidature n° {candidacy.id} ?",
        consequence=(
            "L'embauche deviendra active sur "
            f"{candidacy.target_label} : ses heures pourront être déclarées dans les relevés."
        ),
        confirm_label="Confirmer l'embauche",
    )


@confirmation
def confirm_placement_break(placement: Placement) -> Confirmation:
    return Confirmation(
        title="Enregistrer la rupture de cette embauche ?",
        consequence=(
            "L'embauche sera close à la date indiquée ; vous pourrez ensuite proposer une "
            "personne pour la remplacer."
        ),
        confirm_label="Enregistrer la rupture",
        danger=True,
    )


@confirmation
def confirm_placement_end(placement: Placement) -> Confirmation:
    return Confirmation(
        title="Enregistrer la fin du contrat ?",
        consequence=(
            "L'embauche sera close à la date indiquée avec la situation de la personne ; "
            "l'AMOI enregistrera sa situation 6 mois plus tard."
        ),
        confirm_label="Enregistrer la fin",
    )
