"""Organisation forms: French messages, SIRET checked with python-stdnum."""

from __future__ import annotations

import re

from sqlalchemy import select
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import siret as siret_number
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.extensions import db
from portal.models import Organisation, OrgKind, StructureKind, Trade
from portal.models.organisations import (
    ORG_KIND_LABELS,
    PRESCRIBER_KINDS,
    SIRET_REQUIRED,
    STRUCTURE_KIND_LABELS,
    trade_codes,
)
from portal.web.forms import Form, choices

PHONE = re.compile(r"^\+?[0-9 .\-()]{6,20}$")
POSTAL_CODE = re.compile(r"^[0-9]{5}$")


def clean_siret(value: str | None) -> str:
    return siret_number.compact(value or "")


def siret_error(value: str) -> str | None:
    """A French message explaining why a SIRET is wrong, or None when valid."""
    try:
        siret_number.validate(value)
    except InvalidLength:
        return "Le SIRET doit comporter 14 chiffres."
    except InvalidFormat:
        return "Le SIRET ne doit contenir que des chiffres."
    except (InvalidChecksum, InvalidComponent):
        return "Ce SIRET n'existe pas : la clé de contrôle est fausse. Vérifiez les 14 chiffres."
    return None


class OrganisationForm(Form):
    kind = SelectField(
        "Type d'organisation",
        choices=choices([("", "Choisir…")] + [(k.value, ORG_KIND_LABELS[k]) for k in OrgKind]),
        validators=[DataRequired("Choisissez le type d'organisation.")],
    )
    name = StringField(
        "Nom",
        validators=[DataRequired("Saisissez le nom de l'organisation."), Length(max=200)],
    )
    siret = StringField(
        "SIRET",
        validators=[Optional()],
        description="14 chiffres, obligatoire pour une entreprise ou une structure.",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    structure_kind = SelectField(
        "Type de structure",
        choices=choices([("", "—")] + [(k.value, STRUCTURE_KIND_LABELS[k]) for k in StructureKind]),
        validators=[Optional()],
        description="Uniquement pour une structure d'insertion.",
    )
    prescriber_kind = SelectField(
        "Type de prescripteur",
        choices=choices([("", "—"), *PRESCRIBER_KINDS.items()]),
        validators=[Optional()],
        description="Uniquement pour un prescripteur (France Travail, Mission locale…).",
    )
    parent_id = SelectField(
        "Rattachée à",
        choices=[],
        validators=[Optional()],
        description="Pour une commune : l'acheteur coordonnateur (la CCVG).",
    )
    address = TextAreaField("Adresse", validators=[Optional(), Length(max=500)])
    postal_code = StringField(
        "Code postal",
        validators=[Optional(), Length(max=5)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    commune = StringField(
        "Commune",
        validators=[Optional(), Length(max=100)],
        description="Affichée dans l'annuaire des structures d'insertion.",
    )
    trades = SelectMultipleField(
        "Métiers",
        choices=choices([(t.value, t.label) for t in Trade]),
        validators=[Optional()],
        description="Pour une structure d'insertion : les métiers de l'annuaire.",
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    contact_email = EmailField(
        "E-mail de contact",
        validators=[Optional(), Email("Cette adresse e-mail n'est pas valide."), Length(max=254)],
    )
    contact_phone = StringField(
        "Téléphone de contact",
        validators=[Optional(), Length(max=40)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        coordinators = db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.BUYER, Organisation.parent_id.is_(None))
            .order_by(Organisation.name)
        ).all()
        self.parent_id.choices = choices(
            [("", "—")]
            + [
                (str(o.id), o.name)
                for o in coordinators
                if organisation is None or o.id != organisation.id
            ]
        )
        if organisation is not None and not self.is_submitted():
            self.trades.data = trade_codes(organisation.trades)
        if organisation is not None:
            # The kind decides the users' role: it is fixed once the organisation exists.
            self.kind.render_kw = {"disabled": True}
            self.kind.data = organisation.kind

    def validate_siret(self, field):
        value = clean_siret(field.data)
        field.data = value
        if not value:
            return
        problem = siret_error(value)
        if problem:
            raise ValidationError(problem)
        stmt = select(Organisation.id).where(Organisation.siret == value)
        if self.organisation is not None:
            stmt = stmt.where(Organisation.id != self.organisation.id)
        if db.session.execute(stmt).first():
            raise ValidationError("Une organisation avec ce SIRET existe déjà.")

    def validate_contact_phone(self, field):
        if field.data and not PHONE.match(field.data.strip()):
            raise ValidationError("Ce numéro de téléphone n'est pas valide (ex. 04 78 00 00 00).")

    def validate_postal_code(self, field):
        field.data = (field.data or "").strip()
        if field.data and not POSTAL_CODE.match(field.data):
            raise ValidationError("Le code postal comporte 5 chiffres (ex. 69700).")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        kind = self.kind.data
        if kind in SIRET_REQUIRED and not self.siret.data and not self.siret.errors:
            self.siret.errors = [*self.siret.errors, "Le SIRET est obligatoire pour ce type."]
            ok = False
        if kind == OrgKind.STRUCTURE and not self.structure_kind.data:
            self.structure_kind.errors = [
                *self.structure_kind.errors,
                "Choisissez le type de structure.",
            ]
            ok = False
        if kind != OrgKind.STRUCTURE and self.structure_kind.data:
            self.structure_kind.errors = [
                *self.structure_kind.errors,
                "Seule une structure d'insertion a un type de structure.",
            ]
            ok = False
        if kind == OrgKind.PRESCRIBER and not self.prescriber_kind.data:
            self.prescriber_kind.errors = [
                *self.prescriber_kind.errors,
                "Choisissez le type de prescripteur.",
            ]
            ok = False
        if kind != OrgKind.PRESCRIBER and self.prescriber_kind.data:
            self.prescriber_kind.errors = [
                *self.prescriber_kind.errors,
                "Seul un prescripteur a un type de prescripteur.",
            ]
            ok = False
        if self.parent_id.data and kind != OrgKind.BUYER:
            self.parent_id.errors = [
                *self.parent_id.errors,
                "Seul un acheteur (une commune) peut être rattaché à un coordonnateur.",
            ]
            ok = False
        return ok

    def values(self) -> dict[str, object]:
        values = {
            "name": self.name.data.strip(),
            "siret": self.siret.data or None,
            "structure_kind": self.structure_kind.data or None,
            "prescriber_kind": self.prescriber_kind.data or None,
            "parent_id": int(self.parent_id.data) if self.parent_id.data else None,
            "address": (self.address.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip().lower(),
            "contact_phone": (self.contact_phone.data or "").strip(),
            "postal_code": (self.postal_code.data or "").strip(),
            "commune": (self.commune.data or "").strip(),
            "trades": ",".join(trade_codes(",".join(self.trades.data or []))),
        }
        if self.organisation is None:
            values["kind"] = self.kind.data  # the kind is chosen once, at creation
        return values
