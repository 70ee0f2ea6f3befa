"""The statement upload's forms (docs/domain.md §7)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField

from portal.web.forms import Form


class UploadForm(Form):
    """A structure's monthly statement file; the AMOI chooses the structure it uploads for."""

    organisation = SelectField("Structure", coerce=int, choices=[], validate_choice=False)
    file = FileField(
        "Fichier du relevé (CSV ou XLSX)",
        description="Le modèle à télécharger montre les colonnes attendues.",
    )


class ConfirmForm(Form):
    """The confirmation of a previewed upload: the file waits on the server (``token``)."""

    token = HiddenField()
    organisation = HiddenField()
