"""What deactivating an organisation will do, said before it is done (issue 8)."""

from __future__ import annotations

from portal.french import org_with_article
from portal.models import Organisation
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_organisation_deactivation(org: Organisation) -> Confirmation:
    active = sum(1 for user in org.users if user.active)
    if active == 0:
        people = "Elle n'a aucun compte actif : personne ne sera déconnecté."
    elif active == 1:
        people = "Son compte actif sera déconnecté sur-le-champ et ne pourra plus se connecter."
    else:
        people = (
            f"Ses {active} comptes actifs seront déconnectés sur-le-champ et ne pourront plus "
            "se connecter."
        )
    return Confirmation(
        title=f"Désactiver {org_with_article(org)} ?",
        consequence=(
            "L'organisation disparaîtra des listes de choix des formulaires. "
            f"{people} Ses données restent conservées et vous pourrez la réactiver."
        ),
        confirm_label="Désactiver l'organisation",
        danger=True,
    )
