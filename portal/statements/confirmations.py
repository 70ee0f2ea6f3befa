"""What sending the statement reminders will do, said before it is done (issue 10)."""

from __future__ import annotations

from portal.french import plural
from portal.statements.reminders import LateOrganisation
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_send_reminders(pending: list[LateOrganisation]) -> Confirmation | None:
    """The number of organisations that will receive a reminder now (None: nobody)."""
    count = len(pending)
    if not count:
        return None
    users = sum(len(org.emails) for org in pending)
    return Confirmation(
        title="Envoyer les relances des relevés en retard ?",
        consequence=(
            f"{count} {plural(count, 'organisation recevra', 'organisations recevront')} "
            f"une relance ({users} {plural(users, 'destinataire')}) listant les mois et les "
            "lots en retard, sans aucun nom. Une organisation déjà relancée aujourd'hui ne "
            "l'est pas une seconde fois."
        ),
        confirm_label=f"Relancer {count} {plural(count, 'organisation')}",
    )
