"""Scoped reads: which rows of a model a user may see (docs/permissions.md, « Scope rules »).

One rule per model, registered with :func:`scope_rule` by the area that owns the model
(``portal/<area>/access.py``, imported with the area's blueprint). :func:`scoped` applies
it; a model without a rule is visible to the facilitator only: deny by default.
:func:`get_or_404` goes through :func:`scoped`, so another organisation's object answers
404, never 403 (no existence oracle), and the attempt is noted for the audit trail.

The two rules every area relies on live here: organisations and users.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, g
from sqlalchemy import Select, select

from portal import audit
from portal.extensions import db
from portal.models import Organisation, OrgKind, Role, User

M = TypeVar("M")

ScopeRule = Callable[[Select, User], Select]
SCOPE_RULES: dict[type, ScopeRule] = {}


def _same(a: Callable, b: Callable) -> bool:
    """The same function defined again (a module imported twice), not a second rule."""
    return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


def scope_rule(model: type) -> Callable[[ScopeRule], ScopeRule]:
    """Register how ``model`` rows are filtered for a user who is not the facilitator.

    One rule per model: a second, different rule for the same model is a mistake (two
    areas claiming one table) and fails at import time rather than silently replacing the
    first one.
    """

    def decorator(rule: ScopeRule) -> ScopeRule:
        known = SCOPE_RULES.get(model)
        if known is not None and not _same(known, rule):
            raise ValueError(
                f"{model.__name__} already has a scope rule ({known.__module__}.{known.__name__})"
            )
        SCOPE_RULES[model] = rule
        return rule

    return decorator


def scoped(model: type[M], user: User | None = None) -> Select:
    """``select(model)`` limited to what the user (default ``g.user``) may see.

    A model without a registered rule is visible to the facilitator only: deny by default.
    """
    user = user if user is not None else g.get("user")
    stmt = select(model)
    if user is None:
        return stmt.where(False)
    if user.role is Role.FACILITATOR:
        return stmt
    rule = SCOPE_RULES.get(model)
    if rule is None:
        return stmt.where(False)
    return rule(stmt, user)


def get_or_404(model: type[M], object_id: int, user: User | None = None) -> M:
    """The object if the user may see it, otherwise 404 (never 403: no existence oracle).

    An object that exists outside the user's reach is noted for the audit trail (the error
    handler records it); the answer is the very same 404 as for an id that does not exist.
    """
    stmt = scoped(model, user).where(model.id == object_id)  # type: ignore[attr-defined]
    obj = db.session.execute(stmt).scalar_one_or_none()
    if obj is None:
        _note_out_of_scope(model, object_id, user if user is not None else g.get("user"))
        abort(404)
    return obj


def _note_out_of_scope(model: type, object_id: int, user: User | None) -> None:
    if user is None or user.role is Role.FACILITATOR:
        return  # the facilitator's scope is everything: the object does not exist
    exists = db.session.scalar(select(model.id).where(model.id == object_id))  # type: ignore[attr-defined]
    if exists is not None:
        audit.note_refusal("access.out_of_scope", model.__name__, object_id)


def buyer_org_ids(org: Organisation) -> list[int]:
    """A buyer sees itself and, for the coordinating buyer (the CCVG), its member communes."""
    ids = [org.id]
    if org.kind == OrgKind.BUYER and org.parent_id is None:
        ids += [m.id for m in org.members]
    return ids


@scope_rule(Organisation)
def _organisations(stmt: Select, user: User) -> Select:
    """Facilitator: all. CCVG: itself and its communes. Everyone else: its own organisation."""
    if user.role is Role.BUYER:
        return stmt.where(Organisation.id.in_(buyer_org_ids(user.organisation)))
    return stmt.where(Organisation.id == user.organisation_id)


@scope_rule(User)
def _users(stmt: Select, user: User) -> Select:
    """Outside the facilitator, users see their own colleagues only."""
    return stmt.where(User.organisation_id == user.organisation_id)
