"""Login, logout, invitation and reset links, the user's own account."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import login_user, logout_user
from sqlalchemy import select

from portal import audit
from portal.access import Role, allow, public, start_session
from portal.auth import bp
from portal.auth import services as accounts
from portal.auth.forms import ChangePasswordForm, LoginForm, SetPasswordForm
from portal.extensions import db, limiter
from portal.models import User
from portal.models.base import utcnow
from portal.passwords import (
    context_words_for,
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from portal.web.redirects import local_path

ALL_ROLES = tuple(Role)
FAILED_LOGIN = "Adresse e-mail ou mot de passe incorrect."
THROTTLED = (
    "Trop de tentatives de connexion. Par sécurité, patientez quelques minutes avant de réessayer."
)
THROTTLED_CHECK = (
    "Trop de tentatives avec un mot de passe actuel erroné. Par sécurité, patientez quelques "
    "minutes avant de réessayer."
)


# --- throttling (issue 8, findings 6, 7 and 11) -------------------------------------------
# Only failures count (``deduct_when``): an office behind one address logs in all day. The
# tight limit is per account *and* address, so that an attacker elsewhere cannot lock the
# owner out; a gentler one per account stops a distributed attack, one per address stops
# a sweep over many accounts. Every refusal leaves an audit line (ids, never the e-mail).


def _typed_email() -> str:
    return accounts.normalise_email(request.form.get("email", ""))[:254]


def _account_address_key() -> str:
    return f"login-account-address:{_typed_email()}|{get_remote_address()}"


def _account_key() -> str:
    return f"login-account:{_typed_email()}"


def _address_key() -> str:
    return f"login-address:{get_remote_address()}"


def _login_failed(_response) -> bool:
    return g.get("login_failed", False)


def _throttled_login(scope: str):
    def on_breach(_limit) -> None:
        email = _typed_email()
        user_id = None
        if email and "\x00" not in email:
            user_id = db.session.scalar(select(User.id).where(User.email == email))
        audit.record(
            "auth.throttled",
            object_type="User" if user_id else "",
            object_id=user_id or "",
            actor=None,
            detail=f"limit={scope}",
        )
        db.session.commit()

    return on_breach


def _login_limit(setting: str, key_func, scope: str):
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key_func,
        methods=["POST"],
        deduct_when=_login_failed,
        error_message=THROTTLED,
        on_breach=_throttled_login(scope),
    )


def _safe_next(target: str | None) -> str:
    """Only local paths: never send the user to another site after login."""
    return local_path(target) or url_for("main.home")


@bp.route("/connexion", methods=["GET", "POST"])
@public
@_login_limit("LOGIN_LIMIT_ACCOUNT_ADDRESS", _account_address_key, "account_address")
@_login_limit("LOGIN_LIMIT_ACCOUNT", _account_key, "account")
@_login_limit("LOGIN_LIMIT_IP", _address_key, "address")
def login():
    if g.user is not None:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        may_log_in = user is not None and user.is_active
        # One argon2 verification on every path (a dummy hash for a missing, deactivated
        # or invited account): the answer's timing tells nothing (issue 8, finding 5).
        password_hash = user.password_hash if may_log_in else None
        if verify_password(password_hash, form.password.data) and may_log_in:
            return _complete_login(user, form.password.data)
        g.login_failed = True
        if user is not None:
            user.failed_login_count = (user.failed_login_count or 0) + 1
            user.last_failed_login_at = utcnow()
        audit.record(
            "auth.login_failed",
            object_type="User" if user else "",
            object_id=user.id if user else "",
            actor=None,
            organisation=user.organisation if user else None,
            detail="inactive" if user is not None and not user.is_active else "",
        )
        db.session.commit()
        form.password.errors.append(FAILED_LOGIN)
        return render_template("auth/login.html", form=form, failed=True), 401
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form, failed=False), status


def _complete_login(user: User, password: str):
    next_url = _safe_next(request.args.get("next"))
    session.clear()  # no pre-login state survives (session fixation)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.last_login_at = utcnow()
    login_user(user)
    start_session(user)
    audit.record("auth.login", user, actor=user)
    db.session.commit()
    return redirect(next_url, code=303)


@bp.route("/deconnexion", methods=["POST"])
@allow(*ALL_ROLES)
def logout():
    user = g.user
    user.end_sessions()  # a copied cookie stops working too
    audit.record("auth.logout", user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Vous êtes déconnecté.", "success")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/compte/mot-de-passe/<token>", methods=["GET", "POST"])
@public
@limiter.limit("30 per 15 minutes", methods=["POST"], error_message=THROTTLED)
def set_password(token: str):
    account_token = accounts.find_valid_token(token)
    if account_token is None:
        return render_template("auth/link_invalid.html"), 404
    user = account_token.user
    form = SetPasswordForm()
    if form.validate_on_submit():
        problems = password_problems(
            form.password.data, context_words_for(user.email, user.organisation.name)
        )
        if not problems:
            accounts.set_password(account_token, form.password.data)
            db.session.commit()
            if g.user is not None:
                logout_user()
            session.clear()
            flash(
                "Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.",
                "success",
            )
            return redirect(url_for("auth.login"), code=303)
        form.password.errors.extend(problems)
    status = 422 if form.errors else 200
    return render_template(
        "auth/set_password.html", form=form, account=user, purpose=account_token.purpose
    ), status


def _current_password_key() -> str:
    user = g.get("user")
    return f"current-password:{user.id if user else get_remote_address()}"


def _throttled_check(_limit) -> None:
    audit.record("auth.throttled", g.user, detail="limit=current_password")
    db.session.commit()


@bp.route("/compte", methods=["GET", "POST"])
@allow(*ALL_ROLES)
@limiter.limit(
    lambda: current_app.config["PASSWORD_CHECK_LIMIT"],
    key_func=_current_password_key,
    methods=["POST"],
    deduct_when=lambda _response: g.get("password_check_failed", False),
    error_message=THROTTLED_CHECK,
    on_breach=_throttled_check,
)
def account():
    user = g.user
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
            # Someone at an open session guessing the password: counted and recorded.
            g.password_check_failed = True
            audit.record("auth.password_check_failed", user)
            db.session.commit()
            form.current.errors.append("Le mot de passe actuel est incorrect.")
        else:
            problems = password_problems(
                form.password.data, context_words_for(user.email, user.organisation.name)
            )
            if not problems:
                user.password_hash = hash_password(form.password.data)
                user.password_changed_at = utcnow()
                user.end_sessions()
                audit.record("auth.password_set", user, detail="via=account")
                db.session.commit()
                logout_user()
                session.clear()
                flash(
                    "Mot de passe modifié. Toutes vos sessions ont été fermées : "
                    "reconnectez-vous avec le nouveau mot de passe.",
                    "success",
                )
                return redirect(url_for("auth.login"), code=303)
            form.password.errors.extend(problems)
    status = 422 if form.errors else 200
    return render_template("auth/account.html", form=form), status
