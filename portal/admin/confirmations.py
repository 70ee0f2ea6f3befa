"""What deactivating an account will do, said before it is done (issue 8)."""

from __future__ import annotations

from portal.models import User
from portal.web.confirm import Confirmation, confirmation


@confirmation
def confirm_account_deactivation(account: User) -> Confirmation:
    return Confirmation(
        title=f"Désactiver le compte de {account.name} ?",
        consequence=(
            f"Les sessions en cours de {account.name} seront fermées sur-le-champ et ce "
            "compte ne pourra plus se connecter ; ses actions passées restent au journal "
            "d'audit. Vous pourrez réactiver le compte."
        ),
        confirm_label="Désactiver le compte",
        danger=True,
    )
