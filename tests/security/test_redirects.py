"""Redirects never leave the site: the ``next`` of the login page (plain and htmx), and
the « payée » action that used to follow the Referer."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.conftest import CONFIRMED, versioned
from tests.factories import PASSWORD, make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation

# Raw values of ``next`` as they reach the server, percent-encoded where needed.
HOSTILE_NEXT = [
    "//evil.example/x",
    "/%09/evil.example",  # a browser drops the tab: //evil.example
    "/%0A/evil.example",  # a newline in Location used to crash (500)
    "/%0D/evil.example",
    "/%0D%0ASet-Cookie:%20x=1",
    "/%5Cevil.example",  # /\evil.example: a backslash is a slash to browsers
    "%5C%5Cevil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "%20//evil.example",
    "/%E3%80%80/evil.example",  # an ideographic space
    "/..//evil.example",
    "/./%2F/evil.example",
    "/ /evil.example",
]
LOCAL_NEXT = {
    "/compte": "/compte",
    "/lots/?annee=2026&page=2": "/lots/?annee=2026&page=2",
    "/organisations/?q=%C3%A9cole": "/organisations/?q=%C3%A9cole",
    "/recensement/%3Fx": "/recensement/%3Fx",
}


def _login(client, user, next_value: str, *, htmx: bool = False):
    token = client.csrf_token()
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/connexion?next={next_value}",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        headers=headers,
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("next_value", HOSTILE_NEXT)
def test_hostile_next_goes_home(app, next_value, htmx):
    user = make_user()
    response = _login(app.test_client(), user, next_value, htmx=htmx)
    assert response.status_code == (200 if htmx else 303)
    target = response.headers["HX-Redirect" if htmx else "Location"]
    assert target == "/"


def test_nul_in_next_is_refused_before_login(app):
    response = _login(app.test_client(), make_user(), "/%00/evil.example")
    assert response.status_code == 400
    assert "Location" not in response.headers


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(("next_value", "expected"), LOCAL_NEXT.items())
def test_local_next_is_kept(app, next_value, expected, htmx):
    user = make_user()
    response = _login(app.test_client(), user, quote(next_value, safe=""), htmx=htmx)
    assert response.headers["HX-Redirect" if htmx else "Location"] == expected


def test_login_page_keeps_the_htmx_origin_as_a_local_next(app, client):
    """An htmx request of an expired session returns to the page it came from (its path,
    never the absolute URL of the ``HX-Current-URL`` header)."""
    response = client.get(
        "/compte",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/lots/?page=2"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/connexion?next=/lots/?page%3D2"


def test_htmx_origin_on_another_host_is_dropped(app, client):
    response = client.get(
        "/compte",
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/lots/"},
    )
    assert response.headers["HX-Redirect"] == "/connexion?next=/compte"


def test_invoice_paid_ignores_the_referer(app, db, login_as):
    from portal.quotes import services as service
    from tests.personas import build_world

    world = build_world()
    quote = make_quote(
        priced_operation(world.commune), world.users["facilitator"], status="submitted"
    )
    invoice = service.approve(quote, world.users["buyer_ccvg"], IN_CONVENTION)
    db.session.commit()
    client = login_as(world.users["facilitator"])
    response = client.post_form(
        f"/factures/{invoice.id}/payee",
        versioned(invoice, {"paid_on": IN_CONVENTION.isoformat(), **CONFIRMED}),
        headers={"Referer": "https://evil.example/phishing"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/factures/"
