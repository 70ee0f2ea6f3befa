"""(c) For every endpoint whose URL carries an object id, an object of another
organisation answers 404 and changes nothing."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import select

from portal.models import AuditEvent
from tests.personas import build_world
from tests.security.registry import CROSS_ORG, CROSS_ORG_EXEMPT
from tests.security.routes import ROUTES

OBJECT_ROUTES = [r for r in ROUTES if r.has_object_id]
CASES = [
    (route, name, builder)
    for route in OBJECT_ROUTES
    for name, builder in CROSS_ORG.get(route.endpoint, [])
]


def test_every_object_route_has_a_case_or_an_exemption():
    uncovered = [
        r.endpoint
        for r in OBJECT_ROUTES
        if r.endpoint not in CROSS_ORG and r.endpoint not in CROSS_ORG_EXEMPT
    ]
    assert uncovered == [], f"register cross-organisation cases for: {uncovered}"


def test_exemptions_have_reasons():
    assert all(len(reason) > 20 for reason in CROSS_ORG_EXEMPT.values())


@pytest.mark.parametrize(
    ("route", "case_name", "builder"), CASES, ids=[f"{r.endpoint}-{n}" for r, n, _ in CASES]
)
def test_other_organisation_answers_404_and_changes_nothing(
    app, login_as, route, case_name, builder
):
    world = build_world()
    case = builder(world)
    client = login_as(case.user)
    token = client.csrf_token()
    with app.test_request_context():
        url = url_for(route.endpoint, **case.url_kwargs)
    before = case.snapshot()
    for method in route.methods:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 404, (method, response.status_code)
    assert case.snapshot() == before


CSRF_VALUE = re.compile(r'("X-CSRFToken": "|name="csrf_token" value=")[^"]+')


def _send(client, method, url, token):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": token})


def _comparable(response) -> tuple:
    """Everything a client sees, less what differs on every request anyway: the request id,
    the signatures (with their timestamp) of the CSRF token and of the session cookie."""
    headers = sorted(
        (k, v.split("=")[0] if k == "Set-Cookie" else v)
        for k, v in response.headers.items()
        if k != "X-Request-ID"
    )
    return response.status_code, headers, CSRF_VALUE.sub(r"\1…", response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("route", "case_name", "builder"), CASES, ids=[f"{r.endpoint}-{n}" for r, n, _ in CASES]
)
def test_other_organisation_is_audited_and_answers_like_an_unknown_id(
    app, db, login_as, route, case_name, builder
):
    """The attempt leaves an ``access.out_of_scope`` line naming the object; the answer is
    the very same as for an id that does not exist (no oracle)."""
    world = build_world()
    case = builder(world)
    client = login_as(case.user)
    token = client.csrf_token()
    unknown_kwargs = {k: 999_999 if isinstance(v, int) else v for k, v in case.url_kwargs.items()}
    with app.test_request_context():
        url = url_for(route.endpoint, **case.url_kwargs)
        unknown_url = url_for(route.endpoint, **unknown_kwargs)
    for method in route.methods:
        attempt = _send(client, method, url, token)
        unknown = _send(client, method, unknown_url, token)
        assert _comparable(attempt) == _comparable(unknown), method
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "access.out_of_scope")
    ).all()
    assert len(events) == len(route.methods)  # the unknown ids left no line
    ids = {str(v) for v in case.url_kwargs.values()}
    for event in events:
        assert event.actor_id == case.user.id
        assert event.object_id in ids
        assert f"endpoint={route.endpoint}" in event.detail
        assert "@" not in event.detail
