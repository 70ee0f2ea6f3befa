"""The follow-up's forms (docs/domain.md §8)."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.rules.deadlines import CONTACT_CHANNEL_LABELS, CONTACT_OUTCOME_LABELS
from portal.rules.followup import LETTER_LABELS, MEETING_LABELS, LetterKind
from portal.web.forms import Form, FrenchDateField, FrenchDecimalField, choices

DATE_REQUIRED = "Indiquez la date."


class ContactForm(Form):
    day = FrenchDateField("Date du contact", validators=[InputRequired(DATE_REQUIRED)])
    channel = SelectField(
        "Canal",
        choices=choices((c.value, label) for c, label in CONTACT_CHANNEL_LABELS.items()),
        validators=[DataRequired("Choisissez le canal.")],
    )
    written = BooleanField(
        "Contact écrit",
        description="Coché d'office pour un courriel ou un courrier ; cochez-le pour un "
        "rendez-vous ou un appel confirmé par écrit.",
    )
    outcome = SelectField(
        "Résultat",
        choices=choices((o.value, label) for o, label in CONTACT_OUTCOME_LABELS.items()),
        validators=[DataRequired("Choisissez le résultat.")],
    )
    note = TextAreaField(
        "Note (visible par l'entreprise)", validators=[Optional(), Length(max=5000)]
    )
    internal_note = TextAreaField(
        "Note interne (AMOI seulement)", validators=[Optional(), Length(max=5000)]
    )

    def values(self) -> dict[str, object]:
        written = bool(self.written.data) or self.channel.data in ("email", "letter")
        return {
            "day": self.day.data,
            "channel": self.channel.data,
            "written": written,
            "outcome": self.outcome.data,
            "note": (self.note.data or "").strip(),
            "internal_note": (self.internal_note.data or "").strip(),
        }


class CommentForm(Form):
    comment = TextAreaField("Commentaire", validators=[Optional(), Length(max=5000)])


class RegisteredProposalForm(Form):
    kind = SelectField(
        "Lettre recommandée",
        choices=choices(
            (k.value, LETTER_LABELS[k]) for k in (LetterKind.FORMAL_NOTICE, LetterKind.PENALTIES)
        ),
    )
    comment = TextAreaField("Commentaire", validators=[Optional(), Length(max=5000)])


class LetterForm(Form):
    dated_on = FrenchDateField("Date de la lettre", validators=[InputRequired(DATE_REQUIRED)])
    body = TextAreaField(
        "Corps de la lettre",
        description="L'en-tête, les références du marché, les heures, le délai et la "
        "signature sont ajoutés automatiquement.",
        validators=[DataRequired("Le corps de la lettre est vide."), Length(max=10000)],
    )


class DayForm(Form):
    day = FrenchDateField("Date", validators=[InputRequired(DATE_REQUIRED)])


class ResolveForm(Form):
    reason = TextAreaField(
        "Motif de la clôture",
        validators=[DataRequired("Indiquez le motif de la clôture."), Length(max=5000)],
    )


class PenaltyForm(Form):
    as_of = FrenchDateField(
        "Date de calcul",
        description="Vide : la fin du lot.",
        validators=[Optional()],
    )
    smic = FrenchDecimalField("SMIC horaire brut (€)", validators=[Optional()])


class PenaltyDecisionForm(Form):
    amount = FrenchDecimalField(
        "Montant appliqué (€)",
        description="0 si vous n'appliquez pas de pénalité.",
        validators=[InputRequired("Indiquez le montant appliqué (0 si aucune pénalité).")],
    )
    reason = TextAreaField(
        "Motif", validators=[DataRequired("Indiquez le motif de votre décision."), Length(max=5000)]
    )


class MeetingForm(Form):
    kind = SelectField(
        "Type de réunion", choices=choices((k.value, label) for k, label in MEETING_LABELS.items())
    )
    day = FrenchDateField("Date", validators=[InputRequired(DATE_REQUIRED)])
    lot = SelectField("Lot concerné", coerce=int, choices=[], validate_choice=False)
    buyer = SelectField("Acheteur concerné", coerce=int, choices=[], validate_choice=False)
    participants = SelectMultipleField(
        "Organisations participantes", coerce=int, choices=[], validate_choice=False
    )
    held = BooleanField("Réunion tenue")
    minutes = TextAreaField("Compte rendu", validators=[Optional(), Length(max=20000)])
    minutes_shared = BooleanField("Partager le compte rendu avec les participants")


class MinutesForm(Form):
    held = BooleanField("Réunion tenue")
    minutes = TextAreaField("Compte rendu", validators=[Optional(), Length(max=20000)])
    minutes_shared = BooleanField("Partager le compte rendu avec les participants")


class SettingsForm(Form):
    reminder = BooleanField("La lettre de relance demande mon accord")
    registered = BooleanField("La lettre recommandée demande mon accord")
