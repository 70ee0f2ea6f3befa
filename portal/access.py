"""THE permission layer (DESIGN.md section 4).

1. Deny by default: a ``before_request`` hook refuses every endpoint whose view is not
   marked :func:`public` or :func:`allow`.
2. One request context: ``g.user``, ``g.org``, ``g.role`` (``None`` when anonymous).
3. Scoped queries: :func:`scoped` returns a ``select()`` already filtered to what
   ``g.org`` may see; :func:`get_or_404` goes through it, so another organisation's
   object answers 404 (no existence oracle).
4. Action predicates: small functions registered with :func:`predicate`, callable from
   views and templates alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import Select, select

from portal import audit
from portal.extensions import db, login_manager
from portal.models import (
    HoursRecord,
    Invoice,
    Lot,
    Market,
    Operation,
    Organisation,
    OrgKind,
    PurchaseDeclaration,
    Quote,
    Role,
    SubcontractorShare,
    TceSplit,
    User,
)
from portal.web.htmx import is_htmx
from portal.web.redirects import local_path, same_site_path

__all__ = ["Role", "allow", "get_or_404", "predicate", "public", "scoped"]

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


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


# --- authentication -------------------------------------------------------------------


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """Load the user of a session; a stale session version means the session was ended."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_version != version or not user.is_active:
        return None
    return user


def start_session(user: User) -> None:
    """Record the session's start and activity times (idle and absolute limits)."""
    now = int(time.time())
    session.permanent = True
    session["auth_at"] = now
    session["seen_at"] = now


def _session_expired() -> bool:
    now = time.time()
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    auth_at = session.get("auth_at", 0)
    seen_at = session.get("seen_at", 0)
    return now - seen_at > idle or now - auth_at > absolute


def _login_url() -> str:
    """The login page, with the page to come back to (a local path only)."""
    target = request.full_path if request.method == "GET" else request.path
    if is_htmx():
        target = same_site_path(request.headers.get("HX-Current-URL"), request.host) or target
    return url_for("auth.login", next=local_path(target.rstrip("?")) or "/")


def _enforce():
    """The single gate every request passes through (registered first)."""
    g.user = g.org = g.role = None
    policy = policy_of(request.endpoint)
    if request.endpoint is None:
        return None  # unknown URL: Flask answers 404 / 405
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None and _session_expired():
        logout_user()
        session.clear()
        flash("Votre session a expiré. Veuillez vous reconnecter.", "info")
        user = None
    if user is not None:
        session["seen_at"] = int(time.time())
        g.user, g.org, g.role = user, user.organisation, user.role
    if policy is None:
        # Undeclared view: deny by default (the inventory test catches it before release).
        current_app.logger.error("endpoint %s has no access policy", request.endpoint)
        abort(403)
    if policy.public:
        return None
    if user is None:
        if is_htmx():
            return "", 401, {"HX-Redirect": _login_url()}
        return redirect(_login_url())
    if not policy.admits(user):
        abort(403)  # audited by the error handler, like every refusal
    return None


# --- scoping --------------------------------------------------------------------------

ScopeRule = Callable[[Select, User], Select]
_SCOPES: dict[type, ScopeRule] = {}


def scope_rule(model: type) -> Callable[[ScopeRule], ScopeRule]:
    """Register how ``model`` rows are filtered for a user (one rule per model)."""

    def decorator(rule: ScopeRule) -> ScopeRule:
        _SCOPES[model] = rule
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
    rule = _SCOPES.get(model)
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


def _buyer_operation_ids(user: User) -> Select:
    return select(Operation.id).where(Operation.buyer_id.in_(buyer_org_ids(user.organisation)))


@scope_rule(Operation)
def _operations(stmt: Select, user: User) -> Select:
    """Buyers: their own operations (the CCVG: its communes' too). Companies and structures
    see lots and shares, never a whole operation (other holders' lots are confidential)."""
    if user.role is Role.BUYER:
        return stmt.where(Operation.buyer_id.in_(buyer_org_ids(user.organisation)))
    return stmt.where(False)


@scope_rule(Market)
def _markets(stmt: Select, user: User) -> Select:
    """Markets follow their operation."""
    if user.role is Role.BUYER:
        return stmt.where(Market.operation_id.in_(_buyer_operation_ids(user)))
    return stmt.where(False)


@scope_rule(Lot)
def _lots(stmt: Select, user: User) -> Select:
    """Buyers: the lots of their operations. A company or structure: the lots it holds."""
    if user.role is Role.BUYER:
        markets = select(Market.id).where(Market.operation_id.in_(_buyer_operation_ids(user)))
        return stmt.where(Lot.market_id.in_(markets))
    return stmt.where(Lot.holder_id == user.organisation_id)


@scope_rule(HoursRecord)
def _hours_records(stmt: Select, user: User) -> Select:
    """A lot's calculation history is visible to whoever sees the lot."""
    return stmt.where(HoursRecord.lot_id.in_(scoped(Lot, user).with_only_columns(Lot.id)))


@scope_rule(SubcontractorShare)
def _shares(stmt: Select, user: User) -> Select:
    """Buyers: the shares of their operations. A company or structure: the shares it
    carries."""
    if user.role is Role.BUYER:
        return stmt.where(SubcontractorShare.operation_id.in_(_buyer_operation_ids(user)))
    return stmt.where(SubcontractorShare.company_id == user.organisation_id)


@scope_rule(TceSplit)
def _splits(stmt: Select, user: User) -> Select:
    """A TCE split: the buyers of its operation, and the general contractor, who accepts
    the split of its own lot (DOMAIN.md 2). Subcontractors see their own share only."""
    if user.role is Role.BUYER:
        return stmt.where(TceSplit.operation_id.in_(_buyer_operation_ids(user)))
    if user.role is Role.COMPANY:
        contractor = select(Operation.id).where(
            Operation.general_contractor_id == user.organisation_id, Operation.is_tce.is_(True)
        )
        return stmt.where(TceSplit.operation_id.in_(contractor))
    return stmt.where(False)


@scope_rule(PurchaseDeclaration)
def _declarations(stmt: Select, user: User) -> Select:
    """Census declarations: the declaring buyer (and the CCVG for its communes)."""
    if user.role is Role.BUYER:
        return stmt.where(PurchaseDeclaration.buyer_id.in_(buyer_org_ids(user.organisation)))
    return stmt.where(False)


@scope_rule(Quote)
def _quotes(stmt: Select, user: User) -> Select:
    """Quotes: the CCVG sees all of its own and its communes'; a commune those of its
    operations (read-only); drafts stay with the AMOI until submitted. Companies and
    structures never see the AMOI's prices."""
    if user.role is Role.BUYER:
        return stmt.where(
            Quote.buyer_id.in_(buyer_org_ids(user.organisation)), Quote.status != "draft"
        )
    return stmt.where(False)


@scope_rule(Invoice)
def _invoices(stmt: Select, user: User) -> Select:
    """Invoices follow their quote's buyer."""
    if user.role is Role.BUYER:
        return stmt.where(Invoice.buyer_id.in_(buyer_org_ids(user.organisation)))
    return stmt.where(False)


# --- predicates -----------------------------------------------------------------------

PREDICATES: dict[str, Callable[..., bool]] = {}


def predicate(fn: Callable[..., bool]) -> Callable[..., bool]:
    """Register an action predicate; it becomes a template global of the same name."""
    PREDICATES[fn.__name__] = fn
    return fn


@predicate
def is_facilitator(user: User | None) -> bool:
    """AMOI staff (the facilitator organisation)."""
    return user is not None and user.role is Role.FACILITATOR


@predicate
def can_manage_accounts(user: User | None) -> bool:
    """Invite, deactivate, reset: facilitator admins only (DESIGN.md 4, issue 2)."""
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


@predicate
def can_manage_markets(user: User | None) -> bool:
    """Operations, markets, lots, hours and shares are prepared by the AMOI (convention
    art. 3 and 4); buyers read theirs."""
    return is_facilitator(user)


@predicate
def can_declare_purchases(user: User | None) -> bool:
    """Buyers (the CCVG and its communes) declare their upcoming purchases (art. 3)."""
    return user is not None and user.role is Role.BUYER


@predicate
def can_edit_declaration(user: User | None, declaration: PurchaseDeclaration) -> bool:
    """The declaring buyer (not its coordinator) may correct a declaration until the AMOI
    has reviewed it."""
    return (
        can_declare_purchases(user)
        and declaration.status == "submitted"
        and declaration.buyer_id == user.organisation_id
    )


@predicate
def can_review_declarations(user: User | None) -> bool:
    """The AMOI reviews census declarations and turns them into operations (art. 3)."""
    return is_facilitator(user)


@predicate
def can_manage_quotes(user: User | None) -> bool:
    """The AMOI prices its work: creates, edits and submits quotes, records deliveries and
    payments (convention art. 7)."""
    return is_facilitator(user)


def is_coordinator(user: User | None) -> bool:
    """Staff of the coordinating buyer (the CCVG): a buyer with no parent."""
    return user is not None and user.role is Role.BUYER and user.organisation.parent_id is None


@predicate
def can_approve_quote(user: User | None, quote: Quote) -> bool:
    """A submitted quote is approved or rejected by a CCVG user (convention art. 7); the
    communes read their quotes only."""
    return (
        is_coordinator(user)
        and quote.status == "submitted"
        and quote.buyer_id in buyer_org_ids(user.organisation)
    )


@predicate
def can_prepare_split(user: User | None, split: TceSplit) -> bool:
    """The AMOI prepares the TCE split (shares, hours) while it is in draft (DOMAIN.md 2)."""
    return is_facilitator(user) and split.status == "draft"


@predicate
def can_answer_split(user: User | None, split: TceSplit) -> bool:
    """The general contractor accepts or comments the split of its own lot (DOMAIN.md 2)."""
    return (
        user is not None
        and user.role is Role.COMPANY
        and split.status == "proposed"
        and split.operation.general_contractor_id == user.organisation_id
    )


@predicate
def can_validate_split(user: User | None, split: TceSplit) -> bool:
    """Once the general contractor accepted, the AMOI validates, then the buyer (the
    operation's *maître d'ouvrage*) (DOMAIN.md 2)."""
    if split.status == "accepted":
        return is_facilitator(user)
    if split.status == "amoi_validated":
        return (
            user is not None
            and user.role is Role.BUYER
            and split.operation.buyer_id == user.organisation_id
        )
    return False


@predicate
def can_reopen_split(user: User | None, split: TceSplit) -> bool:
    """The AMOI reopens a split to change it; everyone validates it again."""
    return is_facilitator(user) and split.status != "draft"


@predicate
def can_record_chorus_references(user: User | None, quote: Quote) -> bool:
    """The Chorus Pro references of a quote (receiving SIRET, service code, commitment
    number) are given by the CCVG, which pays (convention art. 7), or recorded for it by
    the AMOI; the communes read them."""
    if is_facilitator(user):
        return True
    return is_coordinator(user) and quote.buyer_id in buyer_org_ids(user.organisation)


def register_access(app: Flask) -> None:
    """Install the gate first, so that nothing runs before the permission check."""
    app.before_request_funcs.setdefault(None, []).insert(0, _enforce)
    app.jinja_env.globals.update(PREDICATES)
