"""Forms of pre-recruitment, with French messages. No form asks for a social-security
number (NIR): the portal never stores one (docs/domain.md §5 and §10)."""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from wtforms import (
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from portal.models.recruitment import REJECTION_REASONS
from portal.people.forms import (
    CONTRACT_CHOICES,
    CRITERIA_CHOICES,
    MAX_WEEKLY_HOURS,
    PICK,
    MultiCheckboxField,
    identity_form,
)
from portal.web.forms import Form, FrenchDateField, FrenchDecimalField, choices


class OfferForm(Form):
    """A job offer on a lot (convention annexe 1 §1)."""

    lot = SelectField(
        "Lot",
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Choisissez le lot de l'offre.")],
    )
    title = StringField(
        "Intitulé du poste",
        validators=[DataRequired("Saisissez l'intitulé du poste."), Length(max=200)],
    )
    trade_label = StringField(
        "Métier (appellation ROME)",
        validators=[DataRequired("Saisissez le métier."), Length(max=200)],
        description="Par exemple : Maçon / Maçonne.",
    )
    rome_code = StringField(
        "Code ROME",
        validators=[
            Optional(),
            Regexp(r"^[A-Z]\d{4}$", message="Un code ROME compte une lettre et 4 chiffres."),
        ],
        description="Par exemple F1703 (facultatif).",
    )
    posts = IntegerField(
        "Nombre de postes",
        validators=[
            InputRequired("Saisissez le nombre de postes."),
            NumberRange(min=1, max=99, message="Entre 1 et 99 postes."),
        ],
    )
    contract_type = SelectField(
        "Type de contrat",
        choices=choices(PICK + CONTRACT_CHOICES),
        validators=[DataRequired("Choisissez le type de contrat.")],
    )
    weekly_hours = FrenchDecimalField(
        "Heures par semaine", validators=[InputRequired("Saisissez la durée hebdomadaire.")]
    )
    start_on = FrenchDateField("Début souhaité", validators=[Optional()])
    place = StringField(
        "Lieu de travail", validators=[DataRequired("Saisissez le lieu."), Length(max=200)]
    )
    requirements = TextAreaField(
        "Prérequis", validators=[Optional(), Length(max=5000)], description="Permis, EPI…"
    )
    clause_hours = FrenchDecimalField(
        "Heures d'insertion apportées à la clause", validators=[Optional()]
    )

    def validate_weekly_hours(self, field):
        if field.data is not None and not 0 < field.data <= MAX_WEEKLY_HOURS:
            raise ValidationError(
                f"Indiquez une durée hebdomadaire entre 0 et {MAX_WEEKLY_HOURS} h."
            )

    def validate_clause_hours(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError("Les heures ne peuvent pas être négatives.")

    def values(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "trade_label": self.trade_label.data.strip(),
            "rome_code": (self.rome_code.data or "").strip(),
            "posts": self.posts.data,
            "contract_type": self.contract_type.data,
            "weekly_hours": self.weekly_hours.data,
            "start_on": self.start_on.data,
            "place": self.place.data.strip(),
            "requirements": (self.requirements.data or "").strip(),
            "clause_hours": self.clause_hours.data,
        }


class DiffusionForm(Form):
    organisations = MultiCheckboxField("Destinataires", choices=[], validate_choice=False)


class ApplicationForm(identity_form("du candidat")):
    """A candidate positioned on an offer: the identity fields of a candidacy, the referent
    and an optional CV."""

    prescriber = SelectField("Prescripteur", choices=[], validate_choice=False)
    criteria = MultiCheckboxField(
        "Critères d'éligibilité qui s'appliquent selon vous",
        choices=choices(CRITERIA_CHOICES),
        description="L'AMOI vérifiera les justificatifs si le candidat est retenu.",
    )
    referent_name = StringField(
        "Référent de parcours : nom",
        validators=[DataRequired("Saisissez le nom du référent."), Length(max=200)],
    )
    referent_email = StringField(
        "Référent de parcours : adresse électronique",
        validators=[
            DataRequired("Saisissez l'adresse du référent : les retours lui sont envoyés."),
            Email("Saisissez une adresse électronique valide."),
            Length(max=254),
        ],
    )
    cv = FileField("CV (PDF, facultatif)")

    def validate_birth_date(self, field):
        if field.data is not None and not 1900 <= field.data.year <= date.today().year - 14:
            raise ValidationError("Vérifiez la date de naissance.")


class PreselectForm(Form):
    interview_on = FrenchDateField(
        "Date de l'entretien", validators=[InputRequired("Saisissez la date de l'entretien.")]
    )
    outcome = TextAreaField(
        "Bilan de l'entretien",
        validators=[DataRequired("Résumez l'entretien."), Length(max=2000)],
    )


class PresentForm(Form):
    note = TextAreaField(
        "Note de l'AMOI pour l'entreprise",
        validators=[DataRequired("Écrivez une courte note pour l'entreprise."), Length(max=1000)],
    )


class RejectForm(Form):
    reason = SelectField(
        "Motif",
        choices=choices(PICK + list(REJECTION_REASONS.items())),
        validators=[DataRequired("Choisissez le motif.")],
    )
    detail = TextAreaField("Précisions", validators=[Optional(), Length(max=2000)])

    def validate_detail(self, field):
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError("Précisez le motif « autre ».")


class FeedbackForm(Form):
    progress = TextAreaField(
        "Progrès de la personne pendant la mission",
        validators=[DataRequired("Décrivez les progrès."), Length(max=3000)],
    )
    obstacles = TextAreaField("Freins rencontrés", validators=[Optional(), Length(max=3000)])


class SessionForm(Form):
    held_on = FrenchDateField("Date", validators=[InputRequired("Saisissez la date.")])
    starts_at = StringField(
        "Heure",
        validators=[
            DataRequired("Saisissez l'heure."),
            Regexp(r"^([01]\d|2[0-3])[:h][0-5]\d$", message="L'heure s'écrit 09:30."),
        ],
    )
    place = StringField("Lieu", validators=[DataRequired("Saisissez le lieu."), Length(max=200)])
    note = TextAreaField("Informations", validators=[Optional(), Length(max=2000)])
    offers = MultiCheckboxField("Offres", choices=[], validate_choice=False)
    invited = MultiCheckboxField("Candidats invités", choices=[], validate_choice=False)

    def validate_offers(self, field):
        if not field.data:
            raise ValidationError("Choisissez au moins une offre.")


class AttendanceForm(Form):
    present = MultiCheckboxField("Présents", choices=[], validate_choice=False)
