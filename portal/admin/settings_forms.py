"""Forms of the convention's avenants and of the payee block printed on invoices."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select
from stdnum import bic as bic_number
from stdnum import iban as iban_number
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import tva as tva_number
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.convention.payee import PAYEE_FIELDS
from portal.extensions import db
from portal.models import Amendment
from portal.organisations.forms import clean_siret, siret_error
from portal.rules import tariffs
from portal.rules.billing import DEFAULT_VAT_REGIME, VatRegime
from portal.web.forms import Form, FrenchDateField, FrenchDecimalField, choices

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
    # A new price grid (optional): three brackets as in the convention's annexe 2.
    has_grid = BooleanField("Cet avenant modifie les prix (nouvelle grille tarifaire)")
    grid_from = FrenchDateField(
        "Nouveaux prix applicables à partir du",
        validators=[Optional()],
        description=(
            "Les devis datés de ce jour ou après utilisent la nouvelle grille ; vide, le début "
            "de la période de l'avenant."
        ),
    )
    day_rate = FrenchDecimalField("Taux journalier AMOI (€)", validators=[Optional()])
    bracket1_max = IntegerField("Tranche 1 : jusqu'à (heures)", validators=[Optional()])
    bracket1_days = FrenchDecimalField("Tranche 1 : jours AMOI", validators=[Optional()])
    bracket1_amount = FrenchDecimalField("Tranche 1 : forfait (€)", validators=[Optional()])
    bracket2_max = IntegerField("Tranche 2 : jusqu'à (heures)", validators=[Optional()])
    bracket2_days = FrenchDecimalField("Tranche 2 : jours AMOI", validators=[Optional()])
    bracket2_amount = FrenchDecimalField("Tranche 2 : forfait (€)", validators=[Optional()])
    bracket3_max = IntegerField(
        "Tranche 3 : jusqu'à (heures)",
        validators=[Optional()],
        description="Au-delà, le lot est chiffré sur devis.",
    )
    bracket3_days = FrenchDecimalField("Tranche 3 : jours AMOI", validators=[Optional()])
    bracket3_amount = FrenchDecimalField("Tranche 3 : forfait (€)", validators=[Optional()])
    award_criterion_days = FrenchDecimalField(
        "Critère d'attribution : jours AMOI par lot", validators=[Optional()]
    )
    calibration = FrenchDecimalField("Calibrage du marché (€)", validators=[Optional()])
    sourcing = FrenchDecimalField("Benchmarking / sourcing, par SIAE (€)", validators=[Optional()])
    dce_support = FrenchDecimalField("Appui à la rédaction du DCE (€)", validators=[Optional()])
    analysis = FrenchDecimalField(
        "Analyse des candidatures et des offres (€)", validators=[Optional()]
    )
    kickoff = FrenchDecimalField("Réunion collective de lancement (€)", validators=[Optional()])
    reserved_annual_amount = FrenchDecimalField(
        "Suivi annuel d'un marché réservé, par an et par marché (€)", validators=[Optional()]
    )
    pilotage_days = FrenchDecimalField("Pilotage annuel : jours AMOI", validators=[Optional()])
    pilotage_confirmed = BooleanField("Le montant du pilotage est fixé par l'avenant")

    GRID_NUMBERS = (
        "day_rate",
        "bracket1_max",
        "bracket1_days",
        "bracket1_amount",
        "bracket2_max",
        "bracket2_days",
        "bracket2_amount",
        "bracket3_max",
        "bracket3_days",
        "bracket3_amount",
        "award_criterion_days",
        "calibration",
        "sourcing",
        "dce_support",
        "analysis",
        "kickoff",
        "reserved_annual_amount",
        "pilotage_days",
    )

    def __init__(
        self,
        *args,
        amendment: Amendment | None = None,
        base_grid: tariffs.TariffGrid | None = None,
        grid_locked_by: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.amendment = amendment
        self.grid_locked_by = grid_locked_by  # a submitted quote already priced with it
        if not self.is_submitted():
            data = amendment.grid if amendment is not None and amendment.grid else None
            grid = base_grid or tariffs.CONVENTION_2022
            self._fill_grid(data or tariffs.grid_as_data(grid))
            self.has_grid.data = bool(data)
            if amendment is not None and amendment.grid_from:
                self.grid_from.data = amendment.grid_from

    def _fill_grid(self, data: dict) -> None:
        self.day_rate.data = Decimal(data["day_rate"])
        for n, (_low, high, days, amount) in enumerate(data["brackets"][:3], start=1):
            self[f"bracket{n}_max"].data = int(high)
            self[f"bracket{n}_days"].data = Decimal(days)
            self[f"bracket{n}_amount"].data = Decimal(amount)
        for code, amount in data["reserved_items"].items():
            if code in self:
                self[code].data = Decimal(amount)
        self.award_criterion_days.data = Decimal(data["award_criterion_days"])
        self.reserved_annual_amount.data = Decimal(data["reserved_annual_amount"])
        self.pilotage_days.data = Decimal(data["pilotage_days"])
        self.pilotage_confirmed.data = bool(data["pilotage_confirmed"])

    def grid_data(self) -> dict | None:
        """The grid as plain data (``rules.tariffs.grid_as_data``), or None without one."""
        if not self.has_grid.data:
            return None
        lows = (1, (self.bracket1_max.data or 0) + 1, (self.bracket2_max.data or 0) + 1)
        return {
            "day_rate": str(self.day_rate.data),
            "brackets": [
                [
                    low,
                    self[f"bracket{n}_max"].data,
                    str(self[f"bracket{n}_days"].data),
                    str(self[f"bracket{n}_amount"].data),
                ]
                for n, low in enumerate(lows, start=1)
            ],
            "award_criterion_days": str(self.award_criterion_days.data),
            "reserved_items": {
                item.code: str(self[item.code].data)
                for item in tariffs.CONVENTION_2022.reserved_fixed_items
            },
            "reserved_annual_amount": str(self.reserved_annual_amount.data),
            "pilotage_days": str(self.pilotage_days.data),
            "pilotage_confirmed": bool(self.pilotage_confirmed.data),
        }

    def _validate_grid(self) -> bool:
        if self.grid_locked_by:
            changed = self.grid_data() != (self.amendment.grid if self.amendment else None) or (
                self.has_grid.data and self.grid_from.data != self.amendment.grid_from
            )
            if changed:
                self.has_grid.errors = [
                    f"Cette grille a déjà servi au devis {self.grid_locked_by} : elle ne peut "
                    "plus changer. Enregistrez un nouvel avenant pour de nouveaux prix."
                ]
                return False
        if not self.has_grid.data:
            return True
        ok = True
        if self.grid_from.data is None and not self.grid_from.errors:
            self.grid_from.data = self.period_start.data  # by default, from the avenant's start
        if self.grid_from.data is None:
            self.grid_from.errors = [*self.grid_from.errors, "Saisissez la date des nouveaux prix."]
            ok = False
        for name in self.GRID_NUMBERS:
            if self[name].data is None and not self[name].errors:
                self[name].errors = [*self[name].errors, "Saisissez une valeur."]
                ok = False
            elif self[name].data is not None and self[name].data < 0:
                self[name].errors = [*self[name].errors, "La valeur ne peut pas être négative."]
                ok = False
        if not ok:
            return False
        try:
            tariffs.grid_from_data("check", "check", self.grid_from.data, self.grid_data())
        except ValueError as error:
            self.has_grid.errors = [f"Grille incohérente : {error}"]
            return False
        return True

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
        return self._validate_grid() and ok

    def values(self) -> dict[str, object]:
        return {
            "reference": self.reference.data.strip(),
            "label": self.label.data.strip(),
            "signed_on": self.signed_on.data,
            "period_start": self.period_start.data,
            "period_end": self.period_end.data,
            "note": (self.note.data or "").strip(),
            "grid": self.grid_data(),
            "grid_from": self.grid_from.data if self.has_grid.data else None,
        }


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
    """One field per key of ``portal.convention.payee.PAYEE_FIELDS`` (the labels come from
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


class TerminationForm(Form):
    """A termination of the convention for breach, with 3 months' notice (art. 6)."""

    notice_given_on = FrenchDateField(
        "Préavis donné le", validators=[DataRequired("Saisissez la date du préavis.")]
    )
    given_by = SelectField(
        "Résiliation à l'initiative de",
        choices=choices(
            [
                ("la Communauté de communes de la Vallée du Garon", "La CCVG"),
                ("Sud-Ouest Emploi", "Sud-Ouest Emploi (l'AMOI)"),
            ]
        ),
    )
    reason = TextAreaField(
        "Manquement invoqué",
        validators=[
            DataRequired("Indiquez le manquement qui fonde la résiliation."),
            Length(max=5000),
        ],
    )
