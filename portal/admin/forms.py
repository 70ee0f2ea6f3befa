from __future__ import annotations

from sqlalchemy import select
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from portal.auth.services import email_taken
from portal.extensions import db
from portal.models import Organisation, OrgKind
from portal.web.forms import Form, choices


class InviteForm(Form):
    organisation_id = SelectField(
        "Organisation", choices=[], validators=[DataRequired("Choisissez l'organisation.")]
    )
    name = StringField(
        "Prénom et nom",
        validators=[DataRequired("Saisissez le prénom et le nom."), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "Adresse e-mail professionnelle",
        validators=[
            DataRequired("Saisissez l'adresse e-mail."),
            Email("Cette adresse e-mail n'est pas valide."),
            Length(max=254),
        ],
        render_kw={"autocomplete": "off"},
    )
    is_admin = BooleanField(
        "Administrateur (gère les comptes et les organisations)",
        description="Réservé au personnel de l'AMO Insertion.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = db.session.scalars(
            select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
        ).all()
        self.organisations = {str(o.id): o for o in organisations}
        self.organisation_id.choices = choices(
            [("", "Choisir…")] + [(str(o.id), f"{o.name} ({o.kind_label})") for o in organisations]
        )

    @property
    def organisation(self) -> Organisation | None:
        return self.organisations.get(self.organisation_id.data or "")

    def validate_email(self, field):
        if field.data and email_taken(field.data):
            raise ValidationError("Un compte existe déjà avec cette adresse e-mail.")

    def validate_is_admin(self, field):
        org = self.organisation
        if field.data and org is not None and org.kind != OrgKind.FACILITATOR:
            raise ValidationError("Seul un membre de l'AMO Insertion peut être administrateur.")
