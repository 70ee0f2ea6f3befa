"""The AMOI's text of a report (indicator 7; docs/domain.md §9), and a reserved market's
commitments of support and their actions (docs/domain.md §9.1)."""

from __future__ import annotations

from decimal import Decimal

from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.models.reports import TEXT_FIELDS
from portal.rules.support import COMMITMENT_KINDS
from portal.web.forms import Form, FrenchDateField, FrenchDecimalField, choices

TEXT_MAX = 20000
POSITIVE = "Saisissez un nombre supérieur à zéro."


class ReportTextForm(Form):
    """Pathways, relation with the company, actions undertaken: saved as a draft."""

    pathways = TextAreaField(TEXT_FIELDS["pathways"], validators=[Optional(), Length(max=TEXT_MAX)])
    company_relation = TextAreaField(
        TEXT_FIELDS["company_relation"], validators=[Optional(), Length(max=TEXT_MAX)]
    )
    actions = TextAreaField(TEXT_FIELDS["actions"], validators=[Optional(), Length(max=TEXT_MAX)])


class OpenForm(Form):
    """Open the draft (or a new version) of a report: the year, blank for the final one."""

    year = HiddenField()


class CommitmentForm(Form):
    """A commitment of support of the SIAE's technical memo (docs/domain.md §9.1)."""

    organisation = SelectField(
        "Structure titulaire", coerce=int, validators=[DataRequired("Choisissez la structure.")]
    )
    label = StringField(
        "Engagement",
        description="Tel qu'écrit dans le mémoire technique, par exemple « Entretiens "
        "individuels de suivi ».",
        validators=[DataRequired("Saisissez l'engagement."), Length(max=200)],
    )
    kind = SelectField(
        "Type d'engagement",
        choices=choices(COMMITMENT_KINDS.items()),
        validators=[DataRequired("Choisissez le type d'engagement.")],
    )
    target = FrenchDecimalField(
        "Objectif par an",
        digits=6,
        validators=[
            InputRequired("Saisissez l'objectif annuel."),
            NumberRange(min=Decimal("0.01"), message=POSITIVE),
        ],
    )
    unit = StringField(
        "Unité",
        description="Par exemple « entretiens », « heures de formation », « personnes ».",
        validators=[DataRequired("Saisissez l'unité de l'objectif."), Length(max=40)],
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])

    def values(self) -> dict[str, object]:
        return {
            "organisation_id": self.organisation.data,
            "label": self.label.data.strip(),
            "kind": self.kind.data,
            "target": self.target.data,
            "unit": self.unit.data.strip(),
            "note": (self.note.data or "").strip(),
        }


class ActionForm(Form):
    """An action done against a commitment: people concerned as a count only."""

    day = FrenchDateField("Date", validators=[InputRequired("Indiquez la date de l'action.")])
    quantity = FrenchDecimalField(
        "Quantité réalisée",
        digits=6,
        validators=[
            InputRequired("Saisissez la quantité réalisée."),
            NumberRange(min=Decimal("0.01"), message=POSITIVE),
        ],
    )
    people = IntegerField(
        "Personnes concernées (nombre)",
        default=0,
        validators=[
            InputRequired("Saisissez un nombre, 0 si aucune."),
            NumberRange(min=0, max=999, message="Saisissez un nombre entre 0 et 999."),
        ],
    )
    description = StringField(
        "Description courte",
        description="Sans nom de personne.",
        validators=[Optional(), Length(max=300)],
    )

    def values(self) -> dict[str, object]:
        return {
            "day": self.day.data,
            "quantity": self.quantity.data,
            "people": self.people.data,
            "description": (self.description.data or "").strip(),
        }
