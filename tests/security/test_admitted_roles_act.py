"""(d) The role matrix on real objects: a persona the policy admits, on an object it may
reach, gets the page or performs the action (issue 14). ``test_policies.test_role_matrix``
only shows that an admitted role is not refused; on the id 999999 it answers 404, which
would also hide a scope rule that shuts everybody out.

The cases live in each area's ``tests/<area>/access_cases.py`` (``@acts``): one object
page (GET) and one valid POST per area at least, each run for every persona admitted by
the endpoint's expected policy.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import url_for

from tests.conftest import CONFIRMED
from tests.personas import PERSONAS, build_world, persona_admitted
from tests.security.registry import ACTS, EXPECTED_ACCESS
from tests.security.routes import ROUTES_WITHOUT_STATIC


def _admitted(endpoint: str) -> list[str]:
    expected = EXPECTED_ACCESS[endpoint]
    policy = SimpleNamespace(
        public=expected.public, roles=expected.roles, admin_only=expected.admin
    )
    return [persona for persona in PERSONAS if persona_admitted(persona, policy)]


CASES = [
    (endpoint, method, name, builder, persona)
    for (endpoint, method), builders in sorted(ACTS.items())
    for name, builder in builders
    for persona in _admitted(endpoint)
]


def _areas() -> dict[str, dict[str, set[str]]]:
    """Per blueprint: the protected endpoints with an object id in their URL (GET) and the
    protected POST endpoints."""
    areas: dict[str, dict[str, set[str]]] = {}
    for route in ROUTES_WITHOUT_STATIC:
        if EXPECTED_ACCESS[route.endpoint].public:
            continue
        area = areas.setdefault(route.endpoint.split(".")[0], {"GET": set(), "POST": set()})
        if "GET" in route.methods and route.has_object_id:
            area["GET"].add(route.endpoint)
        if "POST" in route.methods:
            area["POST"].add(route.endpoint)
    return areas


def test_every_area_has_a_real_object_page_and_a_real_action():
    registered = set(ACTS)
    missing = [
        f"{area}: {method}"
        for area, endpoints in sorted(_areas().items())
        for method, names in endpoints.items()
        if names and not any((endpoint, method) in registered for endpoint in names)
    ]
    assert missing == [], f"register @acts cases in tests/<area>/access_cases.py: {missing}"


@pytest.mark.parametrize(
    ("endpoint", "method", "case_name", "builder", "persona"),
    CASES,
    ids=[f"{e}-{m}-{n}-{p}" for e, m, n, _, p in CASES],
)
def test_admitted_persona_acts_on_a_real_object(
    app, login_as, endpoint, method, case_name, builder, persona
):
    world = build_world()
    case = builder(world, persona)
    client = login_as(world.users[persona])
    with app.test_request_context():
        url = url_for(endpoint, **case.url_kwargs)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post_form(url, {**CONFIRMED, **(case.data or {})})
    if case.refused:
        assert response.status_code == 403, (case.refused, response.status_code)
        return
    assert response.status_code not in (401, 403, 404), response.get_data(as_text=True)[:800]
    assert response.status_code < 500
    assert case.check(response), f"{case_name}: the {method} answered but did not act"
