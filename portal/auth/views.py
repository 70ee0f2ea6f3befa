"""Login, logout, invitation and reset links, the user's own account."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import select

from portal import audit
from portal.access import Role, allow, public, start_session
from portal.auth import bp
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
from portal.services import accounts
from portal.web.redirects import local_path

ALL_ROLES = tuple(Role)
FAILED_LOGIN = "Adresse e-mail ou mot de passe incorrect."
THROTTLED = (
    "Trop de tentatives de connexion. Par sécurité, patientez quelques minutes avant de réessayer."
)


def _account_key() -> str:
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))


def _safe_next(target: str | None) -> str:
    """Only local paths: never send the user to another site after login."""
    return local_path(target) or url_for("main.home")


@bp.route("/connexion", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_IP"], methods=["POST"], error_message=THROTTLED
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=lambda response: g.get("login_failed", False),
    error_message=THROTTLED,
)
def login():
    if g.user is not None:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data)
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        password_hash = user.password_hash if user is not None else None
        if (
            user is not None
            and user.is_active
            and verify_password(password_hash, form.password.data)
        ):
            return _complete_login(user, form.password.data)
        if user is None:
            verify_password(None, form.password.data)  # same time whether or not it exists
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


@bp.route("/compte", methods=["GET", "POST"])
@allow(*ALL_ROLES)
def account():
    user = g.user
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
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
