"""Census forms: a buyer's declaration and the AMOI's review, with French messages."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.rules.markets import LegalBasis, PurchaseNature
from portal.web.forms import Form, FrenchDateField, FrenchDecimalField, choices

DECISIONS = {
    "retain": "Clause recommandée : l'achat se prête à une clause d'insertion",
    "decline": "Sans clause : l'achat ne se prête pas à une clause",
}


class DeclarationForm(Form):
    title = StringField(
        "Intitulé de l'achat",
        validators=[DataRequired("Saisissez l'intitulé de l'achat."), Length(max=200)],
        description="Par exemple : réhabilitation du gymnase, entretien des espaces verts.",
    )
    nature = SelectField(
        "Nature de l'achat",
        choices=choices([("", "Choisir…")] + [(n.value, n.label) for n in PurchaseNature]),
        validators=[DataRequired("Choisissez la nature de l'achat.")],
    )
    estimated_amount = FrenchDecimalField(
        "Montant estimé (€ HT)",
        validators=[InputRequired("Saisissez le montant estimé hors taxes.")],
        description="Hors taxes, en euros ; par exemple 250 000 ou 18 500,50.",
    )
    planned_publication = FrenchDateField(
        "Date de publication prévue",
        validators=[InputRequired("Saisissez la date de publication prévue de la consultation.")],
        description="Date approximative de publication de la consultation (jj/mm/aaaa).",
    )
    contact = StringField(
        "Contact",
        validators=[Optional(), Length(max=200)],
        description="La personne à joindre pour cet achat (nom, service, téléphone).",
    )
    comment = TextAreaField("Commentaire", validators=[Optional(), Length(max=5000)])

    def validate_estimated_amount(self, field):
        if field.data is None:
            return
        if field.data <= 0:
            raise ValidationError("Le montant estimé doit être supérieur à 0 €.")
        # Size and decimals are checked by FrenchDecimalField (Numeric(12, 2)).

    def validate_planned_publication(self, field):
        if field.data is not None and not 2000 <= field.data.year <= 2100:
            raise ValidationError("L'année de publication doit être comprise entre 2000 et 2100.")

    def values(self) -> dict[str, object]:
        return {
            "title": self.title.data.strip(),
            "nature": self.nature.data,
            "estimated_amount": self.estimated_amount.data,
            "planned_publication": self.planned_publication.data,
            "contact": (self.contact.data or "").strip(),
            "comment": (self.comment.data or "").strip(),
        }


class ReviewForm(Form):
    """The AMOI's opinion: a clause fits (retain, with its legal basis) or not (decline);
    both need a reasoned comment (convention art. 3)."""

    decision = SelectField(
        "Avis de l'AMOI",
        choices=choices([("", "Choisir…"), *DECISIONS.items()]),
        validators=[DataRequired("Indiquez si l'achat se prête à une clause d'insertion.")],
    )
    recommended_basis = SelectField(
        "Base juridique recommandée",
        choices=choices([("", "—")] + [(b.value, b.label) for b in LegalBasis]),
        description="Obligatoire quand une clause est recommandée ; ignorée sinon.",
    )
    review_comment = TextAreaField(
        "Commentaire motivé",
        validators=[
            DataRequired("Motivez l'avis : le commentaire est obligatoire."),
            Length(max=5000),
        ],
        description="Il est communiqué à l'acheteur avec l'avis.",
    )

    def validate_recommended_basis(self, field):
        if self.decision.data == "retain" and not field.data:
            raise ValidationError("Choisissez la base juridique de la clause recommandée.")

    @property
    def basis(self) -> str | None:
        """The basis to store: none when no clause is recommended."""
        if self.decision.data != "retain":
            return None
        return self.recommended_basis.data or None
