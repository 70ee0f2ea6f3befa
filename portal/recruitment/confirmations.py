"""What the irreversible actions of pre-recruitment will do, said before they are done
(docs/architecture.md §5.4)."""

from __future__ import annotations

from portal.models import Application, JobOffer
from portal.web.confirm import Confirmation, confirmation

_OFFER = {
    "open": (
        "Ouvrir l'offre n° {id} ?",
        "Les prescripteurs la verront sur le portail et pourront y positionner des candidats ; "
        "vous pourrez ensuite la diffuser.",
        "Ouvrir l'offre",
        False,
    ),
    "fill": (
        "Déclarer l'offre n° {id} pourvue ?",
        "Plus aucun candidat ne pourra y être positionné ; les CV de ses candidats seront "
        "effacés à la fin de la durée de conservation.",
        "Déclarer pourvue",
        False,
    ),
    "cancel": (
        "Annuler l'offre n° {id} ?",
        "L'offre sera close sans recrutement ; les CV de ses candidats seront effacés à la fin "
        "de la durée de conservation.",
        "Annuler l'offre",
        True,
    ),
}


@confirmation
def confirm_offer_action(offer: JobOffer, action: str) -> Confirmation | None:
    if action not in _OFFER:
        return None
    title, consequence, label, danger = _OFFER[action]
    return Confirmation(
        title=title.format(id=offer.id),
        consequence=consequence,
        confirm_label=label,
        danger=danger,
    )


@confirmation
def confirm_retain(application: Application) -> Confirmation:
    return Confirmation(
        title=f"Retenir le candidat de la candidature n° {application.id} ?",
        consequence=(
            "Une candidature sera créée sur le lot de l'offre avec son identité ; l'AMOI "
            "vérifiera son éligibilité avant l'embauche. Son référent sera informé."
        ),
        confirm_label="Retenir le candidat",
    )
