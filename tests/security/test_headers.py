"""(e) Security headers on every page, logged in or not, errors included."""

from __future__ import annotations

import pytest
from flask import url_for

from portal.access import policy_of
from tests.personas import build_world, persona_admitted
from tests.security.routes import ROUTES_WITHOUT_STATIC

GET_ROUTES = [r for r in ROUTES_WITHOUT_STATIC if "GET" in r.methods]


def check_headers(response, logged_in: bool) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";")}
    assert directives["default-src"] == "default-src 'self'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")
    if logged_in:
        assert response.headers["Cache-Control"] == "no-store"


def _own_kwargs(route, world, user):
    """Real ids the user may see, so that the page itself (not a 404) is checked."""
    values = {"org_id": user.organisation_id, "user_id": user.id}
    return {name: values.get(name, 999_999) for name, _ in route.arguments}


@pytest.mark.parametrize("route", GET_ROUTES, ids=str)
def test_headers_logged_in(app, login_as, route):
    world = build_world()
    with app.test_request_context():
        policy = policy_of(route.endpoint)
    persona = "facilitator_admin" if persona_admitted("facilitator_admin", policy) else "company"
    user = world.users[persona]
    client = login_as(user)
    with app.test_request_context():
        url = url_for(route.endpoint, **_own_kwargs(route, world, user))
    response = client.get(url)
    assert response.status_code < 500
    check_headers(response, logged_in=True)


@pytest.mark.parametrize(
    "url", ["/connexion", "/healthz", "/page-inexistante", "/static/css/app.css"]
)
def test_headers_anonymous(client, url):
    with client.get(url) as response:
        check_headers(response, logged_in=False)


def test_error_pages_carry_headers(app, login_as):
    world = build_world()
    client = login_as(world.users["company"])
    for url, status in (("/admin/comptes", 403), ("/organisations/999999", 404)):
        response = client.get(url)
        assert response.status_code == status
        check_headers(response, logged_in=True)
