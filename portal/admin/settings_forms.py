"""Forms of the convention's avenants and of the payee block printed on invoices."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from stdnum import bic as bic_number
from stdnum import iban as iban_number
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import tva as tva_number
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.extensions import db
from portal.models import Amendment
from portal.organisations.forms import clean_siret, siret_error
from portal.rules.billing import DEFAULT_VAT_REGIME, VatRegime
from portal.services.invoices import PAYEE_FIELDS
from portal.web.forms import Form, FrenchDateField, choices

DATE_ERROR = "Saisissez la date (jj/mm/aaaa)."


class AmendmentForm(Form):
    reference = StringField(
        "Référence de l'avenant",
        validators=[DataRequired("Saisissez la référence de l'avenant."), Length(max=60)],
        description="Par exemple « Avenant n°1 ».",
        render_kw={"autocomplete": "off"},
    )
    label = StringField(
        "Intitulé de la période",
        validators=[DataRequired("Saisissez l'intitulé de la période."), Length(max=200)],
        description="Par exemple « Renouvellement de la convention 2025-2027 ».",
    )
    signed_on = FrenchDateField("Date de signature", validators=[Optional()])
    period_start = FrenchDateField(
        "Début de la période", validators=[DataRequired("Saisissez le début de la période.")]
    )
    period_end = FrenchDateField(
        "Fin de la période",
        validators=[DataRequired("Saisissez la fin de la période.")],
        description="Incluse : un devis daté de ce jour est encore couvert.",
    )
    note = TextAreaField("Remarque", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, amendment: Amendment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.amendment = amendment

    def validate_reference(self, field):
        value = (field.data or "").strip()
        field.data = value
        stmt = select(Amendment.id).where(func.lower(Amendment.reference) == value.lower())
        if self.amendment is not None:
            stmt = stmt.where(Amendment.id != self.amendment.id)
        if value and db.session.execute(stmt).first():
            raise ValidationError("Un avenant porte déjà cette référence.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        start, end = self.period_start.data, self.period_end.data
        if start and end and end < start and not self.period_end.errors:
            self.period_end.errors = [
                *self.period_end.errors,
                "La fin de la période doit être postérieure ou égale à son début.",
            ]
            ok = False
        return ok

    def apply_to(self, amendment: Amendment) -> list[str]:
        """Copy the fields onto ``amendment``; returns the names of the fields that changed."""
        values = {
            "reference": self.reference.data.strip(),
            "label": self.label.data.strip(),
            "signed_on": self.signed_on.data,
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "note": (self.note.data or "").strip(),
        }
        changed = [k for k, v in values.items() if getattr(amendment, k) != v]
        for key, value in values.items():
            setattr(amendment, key, value)
        return changed


IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
FRENCH_IBAN_LENGTH = 27


def iban_error(value: str) -> str | None:
    """A French message explaining why an IBAN (compacted) is wrong, or None. The shape and
    the French length are checked first, for a clearer message than the checksum's;
    python-stdnum then checks the check digits and the country's format."""
    if not IBAN_SHAPE.match(value):
        return (
            "Cet IBAN n'a pas le bon format : deux lettres de pays, deux chiffres de clé, "
            "puis le numéro de compte (lettres et chiffres)."
        )
    if value.startswith("FR") and len(value) != FRENCH_IBAN_LENGTH:
        return "Un IBAN français comporte 27 caractères (FR76 puis 23 lettres ou chiffres)."
    try:
        iban_number.validate(value)
    except InvalidComponent:
        return "Le code pays de cet IBAN n'existe pas."
    except InvalidFormat:
        return "Cet IBAN ne respecte pas le format des comptes de son pays."
    except (InvalidChecksum, InvalidLength):
        return "Cet IBAN n'existe pas : la clé de contrôle est fausse. Vérifiez chaque caractère."
    return None


def bic_error(value: str) -> str | None:
    """A French message explaining why a BIC is wrong (python-stdnum), or None."""
    try:
        bic_number.validate(value)
    except InvalidLength:
        return "Le BIC doit comporter 8 ou 11 caractères."
    except InvalidFormat:
        return "Ce BIC n'a pas le bon format (par exemple AGRIFRPP ou AGRIFRPP882)."
    except InvalidComponent:
        return "Le code pays de ce BIC (5e et 6e lettres) n'existe pas."
    return None


class BillingForm(Form):
    """One field per key of ``portal.services.invoices.PAYEE_FIELDS`` (the labels come from
    there, so that invoices and this page name them alike)."""

    payee_name = StringField(
        PAYEE_FIELDS["payee_name"],
        validators=[DataRequired("Saisissez la raison sociale."), Length(max=200)],
    )
    payee_address = TextAreaField(
        PAYEE_FIELDS["payee_address"],
        validators=[DataRequired("Saisissez l'adresse."), Length(max=500)],
    )
    payee_siret = StringField(
        PAYEE_FIELDS["payee_siret"],
        validators=[DataRequired("Saisissez le SIRET.")],
        description="14 chiffres.",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    payee_vat_regime = SelectField(
        PAYEE_FIELDS["payee_vat_regime"],
        choices=choices((r.value, r.label) for r in VatRegime),
        default=DEFAULT_VAT_REGIME.value,
        description="Une association non assujettie ne facture aucune TVA ; une structure "
        "assujettie ajoute la TVA au taux normal aux montants du devis.",
    )
    payee_vat_number = StringField(
        PAYEE_FIELDS["payee_vat_number"],
        validators=[Optional()],
        description="Obligatoire si la structure est assujettie (FR puis 11 chiffres).",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    payee_vat = StringField(
        PAYEE_FIELDS["payee_vat"],
        validators=[Optional(), Length(max=200)],
        description="Imprimée sur les devis et factures ; sans TVA, c'est le motif de "
        "l'exonération, par exemple « TVA non applicable : association non assujettie ».",
    )
    payee_iban = StringField(
        PAYEE_FIELDS["payee_iban"],
        validators=[DataRequired("Saisissez l'IBAN.")],
        description="Par exemple FR76 1234 5678 9012 3456 7890 123 (les espaces sont permis).",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    payee_bic = StringField(
        PAYEE_FIELDS["payee_bic"],
        validators=[DataRequired("Saisissez le BIC.")],
        description="8 ou 11 caractères.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    payee_contact = TextAreaField(
        PAYEE_FIELDS["payee_contact"],
        validators=[Optional(), Length(max=500)],
        description="Service, e-mail ou téléphone à joindre pour une question de facturation.",
    )

    def validate_payee_siret(self, field):
        field.data = clean_siret(field.data)
        problem = siret_error(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)

    def validate_payee_vat_number(self, field):
        compact = tva_number.compact(field.data or "")
        field.data = f"FR{compact}" if compact else ""
        if field.data and not tva_number.is_valid(field.data):
            raise ValidationError(
                "Ce numéro de TVA intracommunautaire n'est pas valide : FR, deux caractères "
                "de clé puis le SIREN (9 chiffres)."
            )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        subject = self.payee_vat_regime.data == VatRegime.SUBJECT
        if subject and not self.payee_vat_number.data and not self.payee_vat_number.errors:
            self.payee_vat_number.errors = [
                "Saisissez le numéro de TVA intracommunautaire : la structure est assujettie."
            ]
            ok = False
        if not subject and not (self.payee_vat.data or "").strip() and not self.payee_vat.errors:
            self.payee_vat.errors = [
                "Saisissez la mention TVA : sans TVA, la facture doit dire pourquoi."
            ]
            ok = False
        return ok

    def validate_payee_iban(self, field):
        field.data = iban_number.compact(field.data or "")
        problem = iban_error(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)

    def validate_payee_bic(self, field):
        field.data = bic_number.compact(field.data or "")
        problem = bic_error(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)

    def values(self) -> dict[str, str]:
        """The settings as stored: compact numbers, trimmed text."""
        values = {key: (self[key].data or "").strip() for key in PAYEE_FIELDS}
        if values["payee_iban"]:
            values["payee_iban"] = iban_number.format(values["payee_iban"])  # groups of 4
        return values
