"""What submitting a typed statement will do, said before it is done
(docs/architecture.md §5.4; issue 10)."""

from __future__ import annotations

from datetime import date

from portal.models import Organisation
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_grid_submit(organisation: Organisation, month: date) -> Confirmation:
    return Confirmation(
        title=f"Transmettre le relevé de {month:%m/%Y} ?",
        consequence=(
            f"Les heures saisies pour {month:%m/%Y} seront transmises à l'AMOI, qui va les "
            "valider ; une ligne vide ne déclare aucune heure. Vous pourrez modifier le relevé "
            "tant qu'il n'est pas validé ; une fois validé, il ne pourra plus être modifié."
        ),
        confirm_label="Transmettre le relevé",
    )
