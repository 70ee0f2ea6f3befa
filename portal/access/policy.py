"""Who may call a view (docs/permissions.md, « Deny by default »).

Every view carries a :class:`Policy`: :func:`public` for the few pages reachable without
logging in, :func:`allow` with the roles admitted otherwise. The gate
(:mod:`portal.access.gate`) reads it through :func:`policy_of` and refuses a view that has
none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app

from portal.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Policy:
    """Who may call a view: ``public`` or a set of roles (optionally admins only)."""

    public: bool = False
    roles: frozenset[Role] = frozenset()
    admin_only: bool = False

    def admits(self, user: User) -> bool:
        if self.public:
            return True
        if user.role not in self.roles:
            return False
        return user.is_admin or not self.admin_only


def public(view: F) -> F:
    """Mark a view as reachable without logging in (login page, health check)."""
    view._access_policy = Policy(public=True)  # type: ignore[attr-defined]
    return view


def allow(*roles: Role, admin: bool = False) -> Callable[[F], F]:
    """Declare the roles that may call a view; ``admin=True`` also requires ``is_admin``."""
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorator(view: F) -> F:
        view._access_policy = Policy(roles=frozenset(roles), admin_only=admin)  # type: ignore[attr-defined]
        return view

    return decorator


def policy_of(endpoint: str | None) -> Policy | None:
    """The declared policy of an endpoint (``static`` is public), or ``None``."""
    if endpoint is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return Policy(public=True)
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "_access_policy", None)
