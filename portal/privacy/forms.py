"""The erasure form: why the file is anonymised before its time (a code, never prose)."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import DataRequired

from portal.privacy.anonymisation import REASONS
from portal.web.forms import Form, choices

ERASURE_REASONS = {code: label for code, label in REASONS.items() if code != "retention"}


class ErasureForm(Form):
    reason = SelectField(
        "Motif de l'effacement",
        choices=choices([("", "Choisir…"), *ERASURE_REASONS.items()]),
        validators=[DataRequired("Choisissez le motif de l'effacement.")],
        description="Le motif est inscrit au journal d'audit ; aucune autre valeur n'y figure.",
    )

    def values(self) -> dict[str, object]:
        return {"reason": self.reason.data}
