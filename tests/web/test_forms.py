"""One way to write a form onto its object: ``Form.apply_to`` (portal.web.forms)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from portal.models import AuditEvent, Organisation
from portal.web.forms import Form, FrenchDecimalField
from tests.conftest import versioned
from tests.factories import make_org, make_user


class _NameForm(Form):
    class Meta:
        csrf = False

    name = StringField()
    amount = FrenchDecimalField()

    def values(self):
        return {"name": self.name.data.strip(), "amount": self.amount.data}


class _Thing:
    name = "Gymnase"
    amount = Decimal("1250.00")


def test_apply_to_names_only_the_fields_that_changed(app):
    with app.test_request_context():
        form = _NameForm(MultiDict({"name": " Gymnase ", "amount": "1 250,5"}))
        thing = _Thing()
        assert form.apply_to(thing) == ["amount"]
        assert (thing.name, thing.amount) == ("Gymnase", Decimal("1250.5"))
        assert form.apply_to(thing) == []  # the same values again: nothing changed


def test_apply_to_sets_every_value_on_a_new_object(app, db):
    """A new row reads None before its flush: every value is set (and named)."""
    with app.test_request_context():
        form = _NameForm(MultiDict({"name": "Commune de Vourles", "amount": ""}))
        form.values = lambda: {"name": form.name.data, "kind": "buyer", "address": ""}
        org = Organisation(active=True)
        assert form.apply_to(org) == ["name", "kind", "address"]
        assert (org.name, org.kind, org.address) == ("Commune de Vourles", "buyer", "")


def test_a_form_that_does_not_say_what_it_writes_cannot_apply(app):
    class Silent(Form):
        class Meta:
            csrf = False

    with app.test_request_context(), pytest.raises(NotImplementedError, match="Silent"):
        Silent().apply_to(object())


def test_an_edit_audits_the_names_of_the_changed_fields(login_as, db):
    org = make_org(kind="buyer", name="Commune de Montagny", address="1 place de la Mairie")
    client = login_as(make_user(kind="facilitator", is_admin=True))
    response = client.post_form(
        f"/organisations/{org.id}/modifier",
        versioned(
            org, {"kind": "buyer", "name": "Commune de Montagny", "address": "2 place de la Mairie"}
        ),
    )
    assert response.status_code == 303
    detail = db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "organisation.updated")
    ).one()
    assert detail == "fields=address"


def test_french_decimals_are_read_in_ascii_digits_only():
    from portal.french import parse_french_decimal

    assert parse_french_decimal("1 250,5 €") == Decimal("1250.5")
    with pytest.raises(ValueError):
        parse_french_decimal("١٢")  # Arabic-Indic digits: Decimal() would read 12
