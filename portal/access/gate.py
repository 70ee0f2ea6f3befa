"""The gate every request passes through (docs/permissions.md, « The gate »).

It loads the user of the session once (``g.user``, ``g.org``, ``g.role``; ``None`` when
anonymous), ends sessions that were idle or open too long, and refuses any endpoint whose
view declares no policy: deny by default. It runs before every other ``before_request``
hook, so nothing happens before the permission check.
"""

from __future__ import annotations

import time

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy.orm import joinedload

from portal.access.policy import policy_of
from portal.extensions import db, login_manager
from portal.models import User
from portal.web.htmx import is_htmx
from portal.web.redirects import local_path, same_site_path

ACTIVITY_RESOLUTION = 60
"""Seconds between two writes of the session's activity time: the idle timeout is kept to
the minute, and most responses send no new cookie (issue 15)."""


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """Load the user of a session; a stale session version means the session was ended."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    # One statement for the user and its organisation (read on every page: role, name).
    user = db.session.get(User, user_id, options=[joinedload(User.organisation)])
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
        now = int(time.time())
        if now - session.get("seen_at", 0) >= ACTIVITY_RESOLUTION:
            session["seen_at"] = now  # once a minute: the cookie is not re-signed each page
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


def register_access(app: Flask) -> None:
    """Install the gate first, so that nothing runs before the permission check. The
    predicates become template globals later, once the areas have registered theirs
    (:func:`portal.access.predicates.register_predicates`)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _enforce)
