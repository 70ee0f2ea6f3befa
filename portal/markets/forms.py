"""Forms of operations, markets, lots (with the hours calculator) and TCE shares."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.extensions import db
from portal.models import HoursRecord, Lot, Organisation, OrgKind
from portal.rules.hours import (
    DEFAULT_HOURLY_COST,
    DEFAULT_ROUNDING,
    ROUNDING_LABELS,
    TRADES,
    HoursCalculation,
    insertion_hours,
)
from portal.rules.markets import LegalBasis, PenaltyKind, PurchaseNature
from portal.web.forms import Form, FrenchDateField, FrenchDecimalField, PercentField, choices

DATE_ERROR = "Saisissez la date (jj/mm/aaaa)."
TRADE_CHOICES = [(code, trade.label) for code, trade in TRADES.items()]


def _orgs(*kinds: OrgKind, include: int | None = None) -> list[tuple[str, str]]:
    """Active organisations of these kinds (plus ``include``, already chosen), by name."""
    stmt = select(Organisation.id, Organisation.name, Organisation.active).where(
        Organisation.kind.in_([k.value for k in kinds])
    )
    rows = db.session.execute(stmt.order_by(Organisation.name)).all()
    return [(str(i), name) for i, name, active in rows if active or i == include]


def _date(label: str, required: bool = False, **kwargs) -> FrenchDateField:
    validators = [DataRequired(DATE_ERROR)] if required else [Optional()]
    return FrenchDateField(label, validators=validators, **kwargs)


def _check_order(start_field, end_field, message: str) -> bool:
    if start_field.data and end_field.data and end_field.data < start_field.data:
        end_field.errors = [*end_field.errors, message]
        return False
    return True


class OperationForm(Form):
    buyer_id = SelectField(
        "Acheteur (maître d'ouvrage)",
        choices=[],
        validators=[DataRequired("Choisissez l'acheteur.")],
    )
    name = StringField(
        "Nom de l'opération",
        validators=[DataRequired("Saisissez le nom de l'opération."), Length(max=200)],
    )
    nature = SelectField(
        "Nature",
        choices=choices((n.value, n.label) for n in PurchaseNature),
        validators=[DataRequired("Choisissez la nature de l'achat.")],
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    start_date = _date("Date de début")
    end_date = _date("Date de fin prévue")
    is_tce = BooleanField(
        "Opération tous corps d'état (TCE) avec une entreprise générale",
        description="Les heures globales sont alors réparties entre les sous-traitants.",
    )
    general_contractor_id = SelectField("Entreprise générale", choices=[], validators=[Optional()])
    tce_hours = IntegerField(
        "Volume global d'heures d'insertion (TCE)",
        validators=[
            Optional(),
            NumberRange(
                min=1, max=1_000_000, message="Saisissez un nombre d'heures de 1 à 1 000 000."
            ),
        ],
        description="Réparti entre les sous-traitants au prorata de leurs montants.",
        render_kw={"inputmode": "numeric"},
    )

    def __init__(self, *args, current_buyer: int | None = None, current_gc=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.buyer_id.choices = choices(
            [("", "Choisir…"), *_orgs(OrgKind.BUYER, include=current_buyer)]
        )
        self.general_contractor_id.choices = choices(
            [("", "—"), *_orgs(OrgKind.COMPANY, include=current_gc)]
        )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        ok = _check_order(self.start_date, self.end_date, "La fin doit suivre le début.") and ok
        if self.is_tce.data and not self.general_contractor_id.data:
            self.general_contractor_id.errors = [
                *self.general_contractor_id.errors,
                "Choisissez l'entreprise générale d'une opération TCE.",
            ]
            ok = False
        return ok

    def values(self) -> dict:
        tce = bool(self.is_tce.data)
        return {
            "buyer_id": int(self.buyer_id.data),
            "name": self.name.data.strip(),
            "nature": self.nature.data,
            "description": (self.description.data or "").strip(),
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "is_tce": tce,
            "general_contractor_id": int(self.general_contractor_id.data)
            if tce and self.general_contractor_id.data
            else None,
            "tce_hours": self.tce_hours.data if tce else None,
        }


class MarketForm(Form):
    reference = StringField(
        "Référence du marché",
        validators=[DataRequired("Saisissez la référence du marché."), Length(max=60)],
        description="Par exemple 2026-CCVG-012.",
    )
    title = StringField(
        "Objet du marché",
        validators=[DataRequired("Saisissez l'objet du marché."), Length(max=200)],
    )
    legal_basis = SelectField(
        "Fondement juridique de la clause",
        choices=choices((b.value, b.label) for b in LegalBasis),
        validators=[DataRequired("Choisissez le fondement juridique.")],
    )
    notification_date = _date("Date de notification")
    planned_end = _date("Fin d'exécution prévue")
    kickoff_date = _date(
        "Réunion de lancement", description="L'AMOI y participe (convention, art. 4)."
    )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return (
            _check_order(
                self.notification_date, self.planned_end, "La fin doit suivre la notification."
            )
            and ok
        )

    def values(self) -> dict:
        return {
            "reference": self.reference.data.strip(),
            "title": self.title.data.strip(),
            "legal_basis": self.legal_basis.data,
            "notification_date": self.notification_date.data,
            "planned_end": self.planned_end.data,
            "kickoff_date": self.kickoff_date.data,
        }


def _column_max(column) -> Decimal:
    """The largest value a ``Numeric(precision, scale)`` column holds (PostgreSQL refuses
    more, SQLite would store it silently)."""
    numeric = column.type
    return Decimal(10) ** (numeric.precision - numeric.scale) - Decimal(1).scaleb(-numeric.scale)


MAX_RAW_HOURS = _column_max(HoursRecord.__table__.c.raw_hours)  # 999 999,99 h
TOO_MANY_HOURS = (
    f"Ce calcul donne plus de {int(MAX_RAW_HOURS):,} heures d'insertion, le maximum "
    "enregistrable : vérifiez le montant HT, la part de main-d'œuvre, le coût horaire et le taux."
).replace(",", " ")


def hours_problem(calculation: HoursCalculation) -> str | None:
    """Why a calculation cannot be kept (the hours column is ``Numeric(8, 2)``), or None."""
    return TOO_MANY_HOURS if calculation.raw > MAX_RAW_HOURS else None


class CalculatorFields(Form):
    """The inputs of the hour formula (docs/domain.md §3); the lot form adds the lot's fields."""

    trade = SelectField(
        "Corps d'état",
        choices=choices(TRADE_CHOICES),
        validators=[DataRequired("Choisissez le corps d'état.")],
        description="Choisir un corps d'état propose sa part de main-d'œuvre.",
    )
    amount_excl_tax = FrenchDecimalField(
        "Montant HT du lot (€)",
        validators=[DataRequired("Saisissez le montant HT du lot.")],
        description="Par exemple 250 000 ou 250 000,50.",
    )
    labour_share = PercentField(
        "Part de main-d'œuvre (%)",
        validators=[Optional()],
        description="Laisser vide pour la valeur du corps d'état.",
    )
    hourly_cost = FrenchDecimalField(
        "Coût horaire moyen chargé (€/h)",
        validators=[Optional()],
        description=f"Par défaut {DEFAULT_HOURLY_COST:.0f} €/h.",
    )
    rate = PercentField(
        "Taux d'insertion (%)",
        validators=[Optional()],
        description="Habituellement de 5 à 20 %. Laisser vide si le lot n'a pas d'heures.",
    )
    rounding = SelectField(
        "Arrondi des heures prévues",
        choices=choices((r.value, label) for r, label in ROUNDING_LABELS.items()),
        default=DEFAULT_ROUNDING.value,
    )

    def validate_amount_excl_tax(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError("Le montant HT doit être supérieur à zéro.")

    def validate_labour_share(self, field):
        if field.data is not None and not 0 < field.data <= 1:
            raise ValidationError("La part de main-d'œuvre doit être comprise entre 0 et 100 %.")

    def validate_hourly_cost(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError("Le coût horaire doit être supérieur à zéro.")

    def validate_rate(self, field):
        if field.data is not None and not 0 < field.data <= 1:
            raise ValidationError("Le taux d'insertion doit être compris entre 0 et 100 %.")

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the amounts × shares they compute: hours beyond what the
        column holds are refused on the amount (issue 8, finding 3)."""
        valid = super().validate(extra_validators)
        inputs = self.hour_inputs() if valid else None
        if inputs is not None:
            try:
                problem = hours_problem(insertion_hours(*inputs))
            except ValueError:
                problem = None  # the calculator shows the rules module's own message
            if problem:
                self.amount_excl_tax.errors = [*self.amount_excl_tax.errors, problem]
                valid = False
        return valid

    def hour_inputs(self) -> tuple[Decimal, Decimal, Decimal, Decimal, str] | None:
        """The calculator's inputs with defaults applied, or None without a rate."""
        if self.rate.data is None or self.amount_excl_tax.data is None:
            return None
        share = self.labour_share.data
        if share is None:
            share = TRADES[self.trade.data].labour_share
        cost = self.hourly_cost.data if self.hourly_cost.data is not None else DEFAULT_HOURLY_COST
        return self.amount_excl_tax.data, share, cost, self.rate.data, self.rounding.data


class LotForm(CalculatorFields):
    number = IntegerField(
        "Numéro du lot",
        validators=[
            DataRequired("Saisissez le numéro du lot (1, 2, 3…)."),
            NumberRange(min=1, max=999, message="Le numéro va de 1 à 999."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    title = StringField(
        "Intitulé du lot",
        validators=[DataRequired("Saisissez l'intitulé du lot."), Length(max=200)],
    )
    holder_id = SelectField(
        "Titulaire",
        choices=[],
        validators=[Optional()],
        description="Une entreprise, ou une structure pour un marché réservé.",
    )
    award_criterion = BooleanField(
        "Le lot porte aussi un critère d'attribution insertion (+2 jours AMOI)"
    )
    start_date = _date("Début d'exécution")
    end_date = _date("Fin d'exécution")
    penalty_kind = SelectField(
        "Pénalité du CCAP pour heures manquantes",
        choices=choices((k.value, k.label) for k in PenaltyKind),
        default=PenaltyKind.NONE.value,
    )
    penalty_value = FrenchDecimalField(
        "Valeur de la pénalité",
        validators=[Optional()],
        description="En € par heure, ou le multiple du SMIC horaire (par exemple 1,5).",
    )
    penalty_cap = FrenchDecimalField(
        "Plafond de la pénalité (€)", validators=[Optional()], description="Facultatif."
    )

    def __init__(self, *args, market=None, lot: Lot | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.market = market
        self.lot = lot
        holder = lot.holder_id if lot else None
        self.holder_id.choices = choices(
            [
                ("", "Pas encore attribué"),
                *_orgs(OrgKind.COMPANY, OrgKind.STRUCTURE, include=holder),
            ]
        )

    def validate_number(self, field):
        if field.data is None or self.market is None:
            return
        stmt = select(Lot.id).where(Lot.market_id == self.market.id, Lot.number == field.data)
        if self.lot is not None:
            stmt = stmt.where(Lot.id != self.lot.id)
        if db.session.execute(stmt).first():
            raise ValidationError(f"Le lot n°{field.data} existe déjà dans ce marché.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        ok = _check_order(self.start_date, self.end_date, "La fin doit suivre le début.") and ok
        kind = self.penalty_kind.data
        if (
            kind != PenaltyKind.NONE
            and self.penalty_value.data is None
            and not self.penalty_value.errors
        ):
            self.penalty_value.errors = [
                *self.penalty_value.errors,
                "Saisissez la valeur de la pénalité prévue au CCAP.",
            ]
            ok = False
        for field in (self.penalty_value, self.penalty_cap):
            if field.data is not None and field.data <= 0:
                field.errors = [*field.errors, "Saisissez une valeur supérieure à zéro."]
                ok = False
        needs_hours = (
            self.market is not None
            and self.market.legal_basis == LegalBasis.EXECUTION_CONDITION
            and self.rate.data is None
        )
        if needs_hours and not self.rate.errors:
            self.rate.errors = [
                *self.rate.errors,
                "Saisissez le taux d'insertion : le marché porte une clause d'exécution.",
            ]
            ok = False
        return ok

    def values(self) -> dict:
        kind = self.penalty_kind.data
        return {
            "number": self.number.data,
            "title": self.title.data.strip(),
            "trade": self.trade.data,
            "amount_excl_tax": self.amount_excl_tax.data,
            "holder_id": int(self.holder_id.data) if self.holder_id.data else None,
            "award_criterion": bool(self.award_criterion.data),
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "penalty_kind": kind,
            "penalty_value": self.penalty_value.data if kind != PenaltyKind.NONE else None,
            "penalty_cap": self.penalty_cap.data if kind != PenaltyKind.NONE else None,
        }


class ShareForm(Form):
    company_id = SelectField(
        "Sous-traitant", choices=[], validators=[DataRequired("Choisissez le sous-traitant.")]
    )
    trade = SelectField("Corps d'état", choices=choices(TRADE_CHOICES))
    amount_excl_tax = FrenchDecimalField(
        "Montant HT de sa part (€)",
        validators=[DataRequired("Saisissez le montant HT de la part.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.company_id.choices = choices(
            [("", "Choisir…"), *_orgs(OrgKind.COMPANY, OrgKind.STRUCTURE)]
        )

    def validate_amount_excl_tax(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError("Le montant HT doit être supérieur à zéro.")
