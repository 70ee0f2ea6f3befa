"""(c) For every endpoint whose URL carries an object id, an object of another
organisation answers 404 and changes nothing."""

from __future__ import annotations

import pytest
from flask import url_for

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
