"""(a) Every endpoint declares a policy, and it is the one the tests expect.
(b) The role × endpoint matrix: anonymous → login (or 401 + HX-Redirect for htmx),
wrong role → 403, right role → neither (on real objects each admitted persona may reach,
it gets the page or performs the action: test_admitted_roles_act.py)."""

from __future__ import annotations

import pytest
from flask import url_for

from portal.access import policy_of
from tests.personas import PERSONAS, build_world, persona_admitted
from tests.security.registry import EXPECTED_ACCESS
from tests.security.routes import ROUTES, ROUTES_WITHOUT_STATIC


def test_every_endpoint_declares_a_policy(app):
    with app.test_request_context():
        undeclared = [r.endpoint for r in ROUTES if policy_of(r.endpoint) is None]
    assert undeclared == [], f"endpoints without @public or @allow: {undeclared}"


def test_every_endpoint_has_an_expected_policy():
    missing = sorted({r.endpoint for r in ROUTES} - set(EXPECTED_ACCESS))
    assert missing == [], f"add these endpoints to an access_cases.py: {missing}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_declared_policy_matches_expectation(app, route):
    expected = EXPECTED_ACCESS[route.endpoint]
    with app.test_request_context():
        policy = policy_of(route.endpoint)
    assert policy is not None
    assert policy.public == expected.public
    if not expected.public:
        assert policy.roles == expected.roles
        assert policy.admin_only == expected.admin


def _request(client, method, url, token=None, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return client.get(url, headers=headers)
    data = {"csrf_token": token} if token else {}
    return client.open(url, method=method, data=data, headers=headers)


PROTECTED = [r for r in ROUTES_WITHOUT_STATIC if not EXPECTED_ACCESS[r.endpoint].public]


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_anonymous_is_sent_to_login(app, client, route):
    with app.test_request_context():
        url = url_for(route.endpoint, **route.dummy_kwargs())
    token = client.csrf_token()
    for method in route.methods:
        response = _request(client, method, url, token)
        assert response.status_code in (302, 303), (method, response.status_code)
        assert response.headers["Location"].startswith("/connexion")
        hx = _request(client, method, url, token, htmx=True)
        assert hx.status_code == 401
        assert hx.headers["HX-Redirect"].startswith("/connexion")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_role_matrix(app, login_as, route, persona):
    world = build_world()
    client = login_as(world.users[persona])
    token = client.csrf_token()
    with app.test_request_context():
        url = url_for(route.endpoint, **route.dummy_kwargs())
        policy = policy_of(route.endpoint)
    admitted = persona_admitted(persona, policy)
    for method in route.methods:
        response = _request(client, method, url, token)
        if admitted:
            assert response.status_code not in (401, 403), (method, response.status_code)
            assert response.status_code < 500
        else:
            assert response.status_code == 403, (method, response.status_code)
        if route.endpoint == "auth.logout" and method == "POST":
            break  # the session has ended by design


def test_denied_access_is_audited(app, db, login_as):
    from sqlalchemy import select

    from portal.models import AuditEvent

    world = build_world()
    client = login_as(world.users["company"])
    assert client.get("/admin/journal").status_code == 403
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert event.actor_id == world.users["company"].id
    assert event.object_id == "admin.audit_log"
