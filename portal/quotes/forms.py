"""Quote forms: creation, manual lines, decisions, report delivery, payments."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.extensions import db
from portal.models import Operation, Organisation, OrgKind, QuoteKind
from portal.organisations.forms import clean_siret, siret_error
from portal.web.forms import Form, FrenchDateField, FrenchDecimalField, choices


class QuoteForm(Form):
    kind = SelectField(
        "Type de devis",
        choices=choices((k.value, k.label) for k in QuoteKind),
        default=QuoteKind.OPERATION.value,
    )
    operation_id = SelectField(
        "Opération",
        choices=[],
        validators=[Optional()],
        description=(
            "Pour un devis d'opération. Le pilotage peut aussi être intégré dans un ou "
            "plusieurs devis d'opérations (bouton « Intégrer une part du pilotage » du devis)."
        ),
    )
    pilotage_year = IntegerField(
        "Année du pilotage",
        validators=[Optional(), NumberRange(min=2022, max=2100, message="Année invalide.")],
        render_kw={"inputmode": "numeric"},
    )
    quote_date = FrenchDateField(
        "Date du devis",
        validators=[DataRequired("Saisissez la date du devis.")],
        description="La grille tarifaire appliquée est celle en vigueur à cette date.",
    )
    sourced_siae = IntegerField(
        "Nombre de SIAE distinctes sourcées pour l'opération (marchés réservés ou d'insertion)",
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=100, message="Saisissez un nombre de 0 à 100."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    note = TextAreaField("Observations", validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = db.session.execute(
            select(Operation.id, Operation.name).order_by(Operation.name)
        ).all()
        self.operation_id.choices = choices([("", "—"), *((str(i), n) for i, n in rows)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == QuoteKind.OPERATION and not self.operation_id.data:
            self.operation_id.errors = [
                *self.operation_id.errors,
                "Choisissez l'opération du devis.",
            ]
            ok = False
        if self.kind.data == QuoteKind.PILOTAGE and not self.pilotage_year.data:
            if not self.pilotage_year.errors:
                self.pilotage_year.errors = [
                    *self.pilotage_year.errors,
                    "Saisissez l'année du pilotage.",
                ]
            ok = False
        return ok


def coordinator() -> Organisation | None:
    """The coordinating buyer (the CCVG) to whom pilotage quotes are addressed."""
    return db.session.scalars(
        select(Organisation)
        .where(Organisation.kind == OrgKind.BUYER, Organisation.parent_id.is_(None))
        .where(Organisation.active.is_(True))
        .order_by(Organisation.id)
    ).first()


class VersionedForm(Form):
    """Actions on a quote carry the version the user saw: a stale one answers 409."""

    version = HiddenField()


class ManualLineForm(VersionedForm):
    label = StringField("Désignation", validators=[Optional(), Length(max=200)])
    days = FrenchDecimalField(
        "Nombre de jours AMOI",
        validators=[DataRequired("Saisissez le nombre de jours.")],
        description="Au taux journalier de la grille.",
    )
    justification = TextAreaField(
        "Justification",
        validators=[DataRequired("Justifiez le nombre de jours."), Length(max=2000)],
    )

    def validate_days(self, field):
        if field.data is not None and not Decimal("0") < field.data <= Decimal("200"):
            raise ValidationError("Le nombre de jours va de 0,5 à 200.")
        if field.data is not None and (field.data * 2) != (field.data * 2).to_integral():
            raise ValidationError("Comptez par demi-journées (0,5 ; 1 ; 1,5…).")


class RejectForm(VersionedForm):
    comment = TextAreaField(
        "Motif du refus",
        validators=[
            DataRequired("Expliquez le refus : le motif est obligatoire."),
            Length(max=2000),
        ],
    )


class PilotageShareForm(VersionedForm):
    year = IntegerField(
        "Année du pilotage",
        validators=[
            DataRequired("Saisissez l'année du pilotage."),
            NumberRange(min=2022, max=2100, message="Année invalide."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    days = FrenchDecimalField(
        "Jours de pilotage intégrés à ce devis",
        validators=[DataRequired("Saisissez le nombre de jours.")],
        description="Par demi-journées ; le total de l'année ne dépasse pas les jours prévus.",
    )


class DeliveryForm(VersionedForm):
    delivered_on = FrenchDateField(
        "Date de remise du bilan", validators=[DataRequired("Saisissez la date de remise.")]
    )


class AnnualReportForm(DeliveryForm):
    year = IntegerField(
        "Année du bilan",
        validators=[
            DataRequired("Saisissez l'année du bilan."),
            NumberRange(min=2022, max=2100, message="Année invalide."),
        ],
    )


class ChorusForm(VersionedForm):
    """The Chorus Pro references the buyer gives for the quote's invoices."""

    chorus_siret = StringField(
        "SIRET de la structure destinataire",
        validators=[Optional()],
        description="14 chiffres. Vide : le SIRET de la CCVG enregistré dans ses coordonnées.",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    service_code = StringField(
        "Code service",
        validators=[Optional(), Length(max=100, message="100 caractères au plus.")],
        description="Le code du service destinataire dans Chorus Pro, s'il est exigé.",
        render_kw={"autocomplete": "off"},
    )
    commitment_number = StringField(
        "Numéro d'engagement",
        validators=[Optional(), Length(max=50, message="50 caractères au plus.")],
        description="Le numéro d'engagement juridique (bon de commande), s'il est exigé.",
        render_kw={"autocomplete": "off"},
    )

    def validate_chorus_siret(self, field):
        field.data = clean_siret(field.data)
        problem = siret_error(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)

    def values(self) -> dict[str, str]:
        return {
            "chorus_siret": self.chorus_siret.data or "",
            "service_code": (self.service_code.data or "").strip(),
            "commitment_number": (self.commitment_number.data or "").strip(),
        }
