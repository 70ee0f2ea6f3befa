"""What the irreversible actions of the people area will do, said before they are done
(docs/architecture.md §5.4)."""

from __future__ import annotations

from portal.models import Candidacy, Participant, Placement
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


@confirmation
def confirm_merge(participant: Participant, target: Participant | None = None) -> Confirmation:
    into = f"la fiche n° {target.id}" if target is not None else "la fiche indiquée"
    return Confirmation(
        title=f"Fusionner la fiche n° {participant.id} ?",
        consequence=(
            f"Ses candidatures, décisions et embauches passeront dans {into} ; "
            "cette fiche restera vide et renverra vers l'autre."
        ),
        confirm_label="Fusionner les fiches",
        danger=True,
    )


@confirmation
def confirm_split(candidacy: Candidacy) -> Confirmation:
    return Confirmation(
        title=f"Séparer la candidature n° {candidacy.id} ?",
        consequence=(
            "Une nouvelle fiche de personne sera créée pour cette candidature, avec sa "
            "décision et son embauche éventuelles."
        ),
        confirm_label="Séparer la candidature",
    )
