"""Forms of the people area, with French messages. No form asks for a social-security
number (NIR): the portal never stores one (docs/domain.md §5)."""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from portal.models.people import BREAK_KINDS, PATHWAY_REFERENT_KINDS, SEX_LABELS
from portal.rules.eligibility import CRITERIA, ContractType, Modality
from portal.rules.reporting import QUALIFICATION_LEVELS, TIMED_EXIT_KINDS, ExitKind
from portal.web.forms import Form, FrenchDateField, FrenchDecimalField, choices

PICK = [("", "Choisir…")]
CRITERIA_CHOICES = [(c.code, c.label) for c in CRITERIA.values()]
CONTRACT_CHOICES = [(c.value, c.label) for c in ContractType]
EXIT_CHOICES = [(k.value, k.label) for k in ExitKind]
MAX_WEEKLY_HOURS = 48  # the legal weekly maximum (Code du travail L3121-20)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _hours_ok(field) -> None:
    if field.data is not None and not 0 < field.data <= MAX_WEEKLY_HOURS:
        raise ValidationError(f"Indiquez une durée hebdomadaire entre 0 et {MAX_WEEKLY_HOURS} h.")


def identity_form(who: str) -> type[Form]:
    """A base form with the identity and situation fields of a person, as a candidacy and a
    job application ask them (no NIR, ever); ``who`` names the person in the messages
    (« de la personne », « du candidat »)."""

    class IdentityForm(Form):
        last_name = StringField(
            "Nom", validators=[DataRequired(f"Saisissez le nom {who}."), Length(max=120)]
        )
        first_name = StringField(
            "Prénom", validators=[DataRequired(f"Saisissez le prénom {who}."), Length(max=120)]
        )
        birth_date = FrenchDateField(
            "Date de naissance",
            validators=[InputRequired("Saisissez la date de naissance (jj/mm/aaaa).")],
        )
        sex = RadioField(
            "Sexe",
            choices=choices(SEX_LABELS.items()),
            validators=[DataRequired(f"Indiquez le sexe {who}.")],
        )
        commune = StringField(
            "Commune de résidence",
            validators=[DataRequired("Saisissez la commune de résidence."), Length(max=120)],
        )
        postal_code = StringField(
            "Code postal",
            validators=[
                DataRequired("Saisissez le code postal."),
                Regexp(r"^\d{5}$", message="Le code postal compte 5 chiffres."),
            ],
        )
        qpv_resident = BooleanField("Réside dans un quartier prioritaire de la ville (QPV)")
        qualification = SelectField(
            "Niveau de qualification",
            choices=choices(PICK + list(QUALIFICATION_LEVELS.items())),
            validators=[DataRequired("Choisissez le niveau de qualification.")],
        )

    return IdentityForm


class CandidacyForm(identity_form("de la personne")):
    """A proposal of a person for a lot (convention annex 1 §3)."""

    declarer = SelectField("Déclarant (entreprise ou structure)", choices=[], validate_choice=False)
    target = SelectField(
        "Lot ou part TCE",
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Choisissez le lot ou la part TCE.")],
    )
    criteria = MultiCheckboxField(
        "Critères d'éligibilité qui s'appliquent selon vous",
        choices=choices(CRITERIA_CHOICES),
        description=(
            "Vous pourrez déposer un justificatif par critère sur la page de la candidature. "
            "La décision MDPH (RQTH) ne doit jamais être déposée : l'AMOI la consulte sans la "
            "conserver."
        ),
    )
    modality = SelectField(
        "Modalité prévue",
        choices=choices(PICK + [(m.value, m.label) for m in Modality]),
        validators=[DataRequired("Choisissez la modalité de réalisation.")],
    )
    contract_type = SelectField(
        "Type de contrat",
        choices=choices(PICK + CONTRACT_CHOICES),
        validators=[DataRequired("Choisissez le type de contrat.")],
    )
    planned_start = FrenchDateField(
        "Début prévu", validators=[InputRequired("Saisissez la date de début prévue.")]
    )
    weekly_hours = FrenchDecimalField(
        "Heures par semaine",
        validators=[InputRequired("Saisissez la durée hebdomadaire prévue.")],
        description="Par exemple 35 ou 24,5.",
    )
    job_title = StringField(
        "Poste", validators=[DataRequired("Saisissez l'intitulé du poste."), Length(max=200)]
    )
    referent_kind = SelectField(
        "Référent de parcours : organisme",
        choices=choices([("", "Aucun"), *list(PATHWAY_REFERENT_KINDS.items())]),
        validators=[Optional()],
    )
    referent_organisation = StringField(
        "Référent de parcours : agence ou structure",
        validators=[Optional(), Length(max=200)],
        description="Par exemple : France Travail Saint-Girons.",
    )
    referent_name = StringField(
        "Référent de parcours : nom", validators=[Optional(), Length(max=200)]
    )

    def validate_weekly_hours(self, field):
        _hours_ok(field)

    def validate_birth_date(self, field):
        if field.data is not None and not 1900 <= field.data.year <= date.today().year - 14:
            raise ValidationError("Vérifiez la date de naissance.")

    def details(self) -> dict:
        return {
            "modality": self.modality.data,
            "contract_type": self.contract_type.data,
            "planned_start": self.planned_start.data,
            "weekly_hours": self.weekly_hours.data,
            "job_title": self.job_title.data.strip(),
            "referent_kind": self.referent_kind.data or "",
            "referent_organisation": (self.referent_organisation.data or "").strip(),
            "referent_name": (self.referent_name.data or "").strip(),
        }


class ProofForm(Form):
    """A proof for one criterion: PDF, JPEG or PNG, checked by its content."""

    code = SelectField(
        "Critère",
        choices=[],
        validate_choice=False,
        validators=[DataRequired("Choisissez le critère.")],
    )
    proof_type = StringField(
        "Nature du justificatif",
        validators=[Optional(), Length(max=200)],
        description="Par exemple : attestation CAF, avis de situation France Travail.",
    )
    proof_date = FrenchDateField(
        "Date du justificatif", validators=[InputRequired("Saisissez la date du justificatif.")]
    )
    file = FileField("Fichier (PDF, JPEG ou PNG)")


class DecisionForm(Form):
    """The AMOI's decision on a candidacy (convention annex 1 §3)."""

    outcome = RadioField(
        "Décision",
        choices=choices([("eligible", "Éligible"), ("ineligible", "Non éligible")]),
        validators=[DataRequired("Choisissez la décision.")],
    )
    retained = MultiCheckboxField("Critères retenus", choices=choices(CRITERIA_CHOICES))
    rqth_seen = BooleanField("Décision MDPH (RQTH) vue, non conservée")
    rqth_date = FrenchDateField("Date de la décision MDPH", validators=[Optional()])
    countable_hours = FrenchDecimalField(
        "Heures du lot qui pourront être comptées", validators=[Optional()]
    )
    reason = TextAreaField(
        "Motif (non éligible)",
        validators=[Optional(), Length(max=5000)],
        description="Il est communiqué au déclarant.",
    )

    def validate_reason(self, field):
        if self.outcome.data == "ineligible" and not (field.data or "").strip():
            raise ValidationError("Motivez la décision : le motif est communiqué au déclarant.")

    def validate_retained(self, field):
        if self.outcome.data == "eligible" and not field.data:
            raise ValidationError("Retenez au moins un critère.")

    def validate_countable_hours(self, field):
        if self.outcome.data == "eligible" and (field.data is None or field.data <= 0):
            raise ValidationError("Indiquez les heures qui pourront être comptées.")


class HireForm(Form):
    """The declarer confirms the actual start (docs/domain.md §6)."""

    contract_type = SelectField(
        "Type de contrat",
        choices=choices(PICK + CONTRACT_CHOICES),
        validators=[DataRequired("Choisissez le type de contrat.")],
    )
    start_date = FrenchDateField(
        "Date d'embauche", validators=[InputRequired("Saisissez la date d'embauche.")]
    )
    planned_end = FrenchDateField(
        "Fin prévue", validators=[Optional()], description="Laissez vide pour un CDI."
    )
    weekly_hours = FrenchDecimalField(
        "Heures par semaine", validators=[InputRequired("Saisissez la durée hebdomadaire.")]
    )

    def validate_weekly_hours(self, field):
        _hours_ok(field)


class ChangeForm(Form):
    effective_on = FrenchDateField(
        "À partir du", validators=[InputRequired("Saisissez la date de la modification.")]
    )
    planned_end = FrenchDateField("Nouvelle fin prévue", validators=[Optional()])
    weekly_hours = FrenchDecimalField("Nouvelles heures par semaine", validators=[Optional()])

    def validate_weekly_hours(self, field):
        _hours_ok(field)


class BreakForm(Form):
    kind = RadioField(
        "Nature",
        choices=choices(BREAK_KINDS.items()),
        validators=[DataRequired("Indiquez s'il s'agit d'une rupture ou d'un abandon.")],
    )
    day = FrenchDateField("Date", validators=[InputRequired("Saisissez la date.")])
    reason = TextAreaField(
        "Motif",
        validators=[DataRequired("Indiquez le motif."), Length(max=2000)],
    )


class ExitForm(Form):
    day = FrenchDateField("Date", validators=[InputRequired("Saisissez la date.")])
    exit_kind = SelectField(
        "Situation de la personne",
        choices=choices(PICK + EXIT_CHOICES),
        validators=[DataRequired("Choisissez la situation de la personne.")],
    )
    duration_months = FrenchDecimalField(
        "Durée du nouveau contrat (mois)",
        places=0,
        validators=[Optional()],
        description="Pour un CDD ou une mission d'intérim seulement.",
    )

    def validate_exit_kind(self, field):
        timed = {k.value for k in TIMED_EXIT_KINDS}
        if field.data in timed and self.duration_months.data is None:
            raise ValidationError(
                "Indiquez la durée du CDD ou de la mission, en mois, dans le champ ci-dessous."
            )

    @property
    def months(self) -> int | None:
        if self.exit_kind.data not in {k.value for k in TIMED_EXIT_KINDS}:
            return None
        return int(self.duration_months.data) if self.duration_months.data is not None else None


class ReferentForm(Form):
    referent = SelectField("Référent unique à l'AMOI", choices=[], validate_choice=False)


class SearchForm(Form):
    """The AMOI's people search, posted (no name in a URL or a log)."""

    q = StringField(
        "Nom ou prénom",
        validators=[DataRequired("Saisissez un nom ou un prénom."), Length(min=2, max=100)],
    )


class RulesForm(Form):
    """A new version of the harmonisation rules (convention annex 1 §3)."""

    effective_from = FrenchDateField(
        "En vigueur à partir du",
        validators=[InputRequired("Saisissez la date d'entrée en vigueur.")],
    )
    criteria = MultiCheckboxField("Critères acceptés", choices=choices(CRITERIA_CHOICES))
    proof_max_age_months = FrenchDecimalField(
        "Ancienneté maximale des justificatifs (mois)",
        places=0,
        validators=[InputRequired("Saisissez l'ancienneté maximale.")],
    )
    eligibility_months = FrenchDecimalField(
        "Durée de l'éligibilité (mois)",
        places=0,
        validators=[InputRequired("Saisissez la durée de l'éligibilité.")],
    )
    cdi_cap_months = FrenchDecimalField(
        "Plafond des heures d'un CDI (mois)",
        places=0,
        validators=[Optional()],
        description="Laissez vide pour ne pas plafonner.",
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])

    def validate_criteria(self, field):
        if not field.data:
            raise ValidationError("Acceptez au moins un critère.")

    def validate_eligibility_months(self, field):
        if field.data is not None and not 1 <= field.data <= 120:
            raise ValidationError("Indiquez une durée entre 1 et 120 mois.")

    def validate_proof_max_age_months(self, field):
        if field.data is not None and not 1 <= field.data <= 60:
            raise ValidationError("Indiquez une ancienneté entre 1 et 60 mois.")
