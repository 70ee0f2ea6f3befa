"""What erasing a person's file will do, said before it is done (docs/gdpr-record.md §8)."""

from __future__ import annotations

from portal.models import Participant
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_participant_erasure(participant: Participant) -> Confirmation:
    return Confirmation(
        title=f"Effacer les données personnelles de la personne n° {participant.id} ?",
        consequence=(
            "Son nom, son prénom, sa date de naissance, le nom de son référent, l'intitulé de "
            "son poste et tous les commentaires seront effacés définitivement, ainsi que les "
            "justificatifs encore en attente. Ce qui compte dans les bilans (sexe, année de "
            "naissance, commune, critères, contrats, heures) est conservé, sans permettre de "
            "la reconnaître. Cette action ne peut pas être annulée."
        ),
        confirm_label="Effacer définitivement",
        danger=True,
    )
