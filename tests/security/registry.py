"""Registries that each blueprint's tests fill (``tests/<blueprint>/access_cases.py``).

- ``EXPECTED_ACCESS``: the access policy each endpoint must declare. The inventory test
  fails on an endpoint without an expectation, so a new route cannot slip through.
- ``CROSS_ORG``: for every endpoint whose URL carries an object id, builders that create
  an object of another organisation and say what must not change; or an exemption in
  ``CROSS_ORG_EXEMPT`` with its reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from portal.models import Role


@dataclass(frozen=True)
class Expect:
    public: bool = False
    roles: frozenset[Role] = frozenset()
    admin: bool = False


EXPECTED_ACCESS: dict[str, Expect] = {}


def expect_public(*endpoints: str) -> None:
    for endpoint in endpoints:
        EXPECTED_ACCESS[endpoint] = Expect(public=True)


def expect(*endpoints: str, roles: tuple[Role, ...], admin: bool = False) -> None:
    for endpoint in endpoints:
        EXPECTED_ACCESS[endpoint] = Expect(roles=frozenset(roles), admin=admin)


@dataclass
class CrossOrgCase:
    """``user`` asks for ``url_kwargs`` (an object outside its organisation's reach):
    404 expected, and ``snapshot()`` must return the same value before and after."""

    user: object
    url_kwargs: dict
    snapshot: Callable[[], object] = field(default=lambda: None)


CrossOrgBuilder = Callable[[object], CrossOrgCase]  # receives the personas' World
CROSS_ORG: dict[str, list[tuple[str, CrossOrgBuilder]]] = {}
CROSS_ORG_EXEMPT: dict[str, str] = {}


def cross_org(*endpoints: str):
    """Register a builder of a cross-organisation case for one or more endpoints."""

    def decorator(builder: CrossOrgBuilder) -> CrossOrgBuilder:
        for endpoint in endpoints:
            CROSS_ORG.setdefault(endpoint, []).append((builder.__name__, builder))
        return builder

    return decorator


def exempt_cross_org(reason: str, *endpoints: str) -> None:
    for endpoint in endpoints:
        CROSS_ORG_EXEMPT[endpoint] = reason


def load_all_cases() -> None:
    """Import every ``tests/**/access_cases.py`` so that the registries are complete."""
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("access_cases.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        importlib.import_module(module)
