"""Inputs PostgreSQL would refuse (a 500) are refused first, with a French message: a NUL
byte in a form or a query string, computed hours beyond their column."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm

import portal
from portal.web.forms import Form
from tests.conftest import text_of, versioned
from tests.factories import PASSWORD, make_admin, make_lot, make_market, make_user
from tests.personas import build_world

NUL_FIELD = "caractère invisible non autorisé (caractère nul)"
NUL_URL = "L'adresse demandée contient un caractère invisible non autorisé"


def test_login_with_a_nul_byte_is_a_form_error(client):
    """Unauthenticated: the e-mail is looked up only once it is free of NUL."""
    user = make_user()
    for email in (f"{user.email}\x00", "\x00"):
        response = client.post_form("/connexion", {"email": email, "password": PASSWORD})
        assert response.status_code == 422
        assert NUL_FIELD in text_of(response)
    response = client.post_form("/connexion", {"email": user.email, "password": "a\x00b"})
    assert response.status_code == 422
    assert NUL_FIELD in text_of(response)


def test_nul_byte_in_a_form_is_refused_on_its_field(login_as, db):
    from sqlalchemy import func, select

    from portal.models import Organisation

    client = login_as(make_admin())
    before = db.session.scalar(select(func.count(Organisation.id)))
    response = client.post_form(
        "/organisations/nouvelle", {"kind": "company", "name": "Bâti\x00ments", "siret": ""}
    )
    assert response.status_code == 422
    assert NUL_FIELD in text_of(response)
    assert db.session.scalar(select(func.count(Organisation.id))) == before


def test_nul_byte_in_an_htmx_field_validation(login_as):
    client = login_as(make_admin())
    response = client.post_form(
        "/admin/comptes/inviter",
        {"_validate": "email", "email": "a\x00@exemple.example", "name": "", "organisation_id": ""},
        htmx=True,
    )
    assert response.status_code == 200
    assert NUL_FIELD in text_of(response)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("facilitator_admin", "/lots/?q=%00"),
        ("facilitator_admin", "/recensement/?q=%00"),
        ("facilitator_admin", "/organisations/?q=%00"),
        ("facilitator_admin", "/admin/journal?acteur=%00"),
        ("buyer_commune", "/lots/?q=a%00b"),
        ("buyer_commune", "/recensement/?statut=%00"),
        ("company", "/lots/export.csv?q=%00"),
        ("company", "/?x%00=1"),
    ],
)
def test_nul_byte_in_a_query_string_is_a_400(login_as, persona, url):
    world = build_world()
    response = login_as(world.users[persona]).get(url)
    assert response.status_code == 400
    assert NUL_URL in text_of(response)


def test_nul_byte_in_a_path_is_a_400(client):
    for url in ("/compte/mot-de-passe/%00", "/static/css/app%00.css"):
        response = client.get(url)
        assert response.status_code == 400, url


def test_every_form_derives_from_the_portal_form():
    """The NUL check lives in ``portal.web.forms.Form``: a form built on FlaskForm directly
    would bypass it."""
    for module_info in pkgutil.walk_packages(portal.__path__, "portal."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                assert cls is Form or issubclass(cls, Form), cls


# --- computed values bounded by their columns ------------------------------------------


def _lot_form(**overrides):
    values = {
        "number": "1",
        "title": "Gros œuvre",
        "trade": "masonry",
        "amount_excl_tax": "9 999 999 999",
        "labour_share": "100",
        "hourly_cost": "0,01",
        "rate": "100",
        "rounding": "half_up",
        "penalty_kind": "none",
    }
    values.update(overrides)
    return values


TOO_MANY_HOURS = "Ce calcul donne plus de 999 999 heures d'insertion"


def test_lot_hours_beyond_the_column_are_a_form_error(login_as, db):
    from sqlalchemy import func, select

    from portal.models import HoursRecord, Lot

    world = build_world()
    market = make_market()
    client = login_as(world.users["facilitator"])
    response = client.post_form(f"/marches/{market.id}/lots/nouveau", _lot_form())
    assert response.status_code == 422
    assert TOO_MANY_HOURS in text_of(response)
    assert db.session.scalar(select(func.count(Lot.id))) == 0
    assert db.session.scalar(select(func.count(HoursRecord.id))) == 0


def test_lot_edit_with_too_many_hours_keeps_the_lot(login_as, db):
    world = build_world()
    lot = make_lot()
    client = login_as(world.users["facilitator"])
    response = client.post_form(
        f"/lots/{lot.id}/modifier",
        versioned(lot, _lot_form(number=str(lot.number), amount_excl_tax="5000000000")),
    )
    assert response.status_code == 422
    assert TOO_MANY_HOURS in text_of(response)
    db.session.refresh(lot)
    assert lot.planned_hours == 143


def test_calculator_says_the_hours_are_too_many(login_as):
    world = build_world()
    client = login_as(world.users["facilitator"])
    response = client.post_form("/lots/calculateur", _lot_form(), htmx=True)
    assert response.status_code == 200
    assert TOO_MANY_HOURS in text_of(response)


def test_largest_accepted_calculation_is_saved(login_as, db):
    """999 999,99 h is the largest figure the hours column holds: it is accepted."""
    world = build_world()
    market = make_market()
    client = login_as(world.users["facilitator"])
    response = client.post_form(
        f"/marches/{market.id}/lots/nouveau",
        _lot_form(amount_excl_tax="9 999 999,9", hourly_cost="10"),
    )
    assert response.status_code == 303
