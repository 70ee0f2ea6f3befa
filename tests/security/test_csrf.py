"""(d) Every POST endpoint answers 400 without a CSRF token and accepts X-CSRFToken."""

from __future__ import annotations

import pytest
from flask import url_for

from portal.access import policy_of
from tests.personas import PERSONAS, build_world, persona_admitted
from tests.security.routes import ROUTES

POST_ROUTES = [r for r in ROUTES if "POST" in r.methods]


def _client_for(app, login_as, route):
    with app.test_request_context():
        policy = policy_of(route.endpoint)
    if policy.public:
        return app.test_client()
    world = build_world()
    persona = next(p for p in PERSONAS if persona_admitted(p, policy))
    return login_as(world.users[persona])


@pytest.mark.parametrize("route", POST_ROUTES, ids=str)
def test_post_without_token_is_refused(app, login_as, route):
    client = _client_for(app, login_as, route)
    with app.test_request_context():
        url = url_for(route.endpoint, **route.dummy_kwargs())
    response = client.post(url, data={})
    assert response.status_code == 400
    assert "jeton de sécurité" in response.get_data(as_text=True)


@pytest.mark.parametrize("route", POST_ROUTES, ids=str)
def test_post_with_header_token_passes_the_csrf_check(app, login_as, route):
    client = _client_for(app, login_as, route)
    token = client.csrf_token()
    with app.test_request_context():
        url = url_for(route.endpoint, **route.dummy_kwargs())
    response = client.post(url, data={}, headers={"X-CSRFToken": token})
    assert response.status_code != 400
    assert response.status_code < 500


def test_wrong_token_is_refused(app, login_as):
    world = build_world()
    client = login_as(world.users["facilitator_admin"])
    response = client.post("/organisations/nouvelle", data={"csrf_token": "faux"})
    assert response.status_code == 400
