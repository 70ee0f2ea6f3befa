"""Registries that each blueprint's tests fill (``tests/<blueprint>/access_cases.py``).

- ``EXPECTED_ACCESS``: the access policy each endpoint must declare. The inventory test
  fails on an endpoint without an expectation, so a new route cannot slip through.
- ``CROSS_ORG``: for every endpoint whose URL carries an object id, builders that create
  an object of another organisation and say what must not change; or an exemption in
  ``CROSS_ORG_EXEMPT`` with its reason.
- ``ACTS``: builders of real objects that each admitted persona may reach, with the GET
  or the valid POST it makes on them: the role matrix proves with them that an admitted
  role really acts (not only that it is not refused on an id that does not exist). Each
  area registers at least one GET of an object page and one POST.
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


@dataclass
class ActCase:
    """What an admitted persona does on an object it may reach.

    ``data`` None is a GET; a dict is a POST of these fields (the CSRF token and, when the
    object carries a ``version``, use :func:`versioned`). The answer must be neither 401,
    403, 404 nor 5xx, and ``check(response)`` must then hold: the page shows the object,
    the action happened. ``refused`` names the predicate that refuses a persona the
    endpoint's roles admit (a commune reads its quotes only): 403 is then expected."""

    url_kwargs: dict
    data: dict | None = None
    check: Callable[[object], bool] = field(default=lambda response: True)
    refused: str = ""


ActBuilder = Callable[[object, str], ActCase]  # receives the personas' World and a persona
ACTS: dict[tuple[str, str], list[tuple[str, ActBuilder]]] = {}


def acts(*endpoints: str, method: str = "GET"):
    """Register a builder of :class:`ActCase` for ``method`` on one or more endpoints."""

    def decorator(builder: ActBuilder) -> ActBuilder:
        for endpoint in endpoints:
            ACTS.setdefault((endpoint, method), []).append((builder.__name__, builder))
        return builder

    return decorator


def versioned(obj, **data) -> dict:
    """Form fields of a POST on ``obj``, with the version the page would carry if the
    object has one (its forms send it back: a stale write answers 409)."""
    version = getattr(obj, "version", None)
    return {**({"version": str(version)} if version is not None else {}), **data}
