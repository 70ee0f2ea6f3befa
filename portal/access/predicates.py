"""Action predicates (docs/permissions.md, « Predicates »): small documented functions
saying whether a user may do something, used by views *and* templates (a button is hidden
when its predicate says no; the URL still refuses, by asking the same predicate).

Each area registers its own with :func:`predicate` (``portal/<area>/access.py``); the ones
about accounts and organisations, used everywhere, live here. Once the blueprints are
registered, :func:`register_predicates` makes every predicate a template global of the same
name.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from portal.models import Role, User

Predicate = Callable[..., bool]
PREDICATES: dict[str, Predicate] = {}


def predicate(fn: Predicate) -> Predicate:
    """Register an action predicate; it becomes a template global of the same name.

    Names are global (templates see them all): a second, different predicate with the same
    name fails at import time instead of silently shadowing the first one.
    """
    known = PREDICATES.get(fn.__name__)
    if known is not None and (known.__module__, known.__qualname__) != (
        fn.__module__,
        fn.__qualname__,
    ):
        raise ValueError(f"predicate {fn.__name__} is already defined in {known.__module__}")
    PREDICATES[fn.__name__] = fn
    return fn


def register_predicates(app: Flask) -> None:
    """Every registered predicate as a template global (call after the blueprints: each
    area registers its predicates when its blueprint is imported)."""
    app.jinja_env.globals.update(PREDICATES)


@predicate
def is_facilitator(user: User | None) -> bool:
    """AMOI staff (the facilitator organisation)."""
    return user is not None and user.role is Role.FACILITATOR


def is_coordinator(user: User | None) -> bool:
    """Staff of the coordinating buyer (the CCVG): a buyer with no parent."""
    return user is not None and user.role is Role.BUYER and user.organisation.parent_id is None


@predicate
def can_manage_accounts(user: User | None) -> bool:
    """Invite, deactivate, reset: facilitator admins only (docs/permissions.md, issue 2)."""
    return is_facilitator(user) and bool(user and user.is_admin)


@predicate
def can_manage_organisations(user: User | None) -> bool:
    """Create, edit, deactivate organisations: facilitator admins (reference data)."""
    return can_manage_accounts(user)


@predicate
def can_read_audit(user: User | None) -> bool:
    """The audit trail is read by facilitator admins only."""
    return can_manage_accounts(user)


@predicate
def can_see_organisation_list(user: User | None) -> bool:
    """The directory of every organisation: AMOI staff."""
    return is_facilitator(user)
