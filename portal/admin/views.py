"""Accounts (invite, deactivate, reactivate, reset link) and the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.access import Role, allow, get_or_404, scoped
from portal.admin import audit_trail, bp
from portal.admin.confirmations import confirm_account_deactivation
from portal.admin.forms import InviteForm
from portal.auth import services as accounts
from portal.extensions import db
from portal.models import AccountToken, AuditEvent, Organisation, OrgKind, TokenPurpose, User
from portal.models.base import utcnow
from portal.web import confirm
from portal.web.formflow import render_form, submitted_and_valid
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet

USER_STATUSES = {
    "actifs": "Actifs",
    "invites": "Invitation en attente",
    "desactives": "Désactivés",
    "tous": "Tous",
}


USER_FILTERS = FilterSet(
    Filter("q", "Rechercher (nom, e-mail, organisation)", "text"),
    Filter(
        "type",
        "Type d'organisation",
        "choice",
        [(k.value, k.label) for k in OrgKind],
        "Tous les types",
    ),
    Filter("statut", "Statut", "choice", list(USER_STATUSES.items()), default="tous"),
)


@bp.route("/comptes")
@allow(Role.FACILITATOR, admin=True)
def users():
    filters = USER_FILTERS.read()
    q, kind, status = (filters.parsed[k] for k in ("q", "type", "statut"))
    stmt = (
        scoped(User)
        .join(User.organisation)
        .options(joinedload(User.organisation))
        .order_by(User.name)
    )
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            or_(User.name.ilike(like), User.email.ilike(like), Organisation.name.ilike(like))
        )
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if status == "actifs":
        stmt = stmt.where(User.active.is_(True), User.password_hash.is_not(None))
    elif status == "invites":
        stmt = stmt.where(User.active.is_(True), User.password_hash.is_(None))
    elif status == "desactives":
        stmt = stmt.where(User.active.is_(False))
    # Audit first: the commit would otherwise expire the rows about to be rendered.
    audit.record("users.listed", detail=f"page={request.args.get('page', '1')[:8]}")
    db.session.commit()
    return render(
        "admin/users.html",
        "admin/_partials/_users_table.html",
        pagination=filters.paginate(stmt),
        filters=filters,
    )


@bp.route("/comptes/inviter", methods=["GET", "POST"])
@allow(Role.FACILITATOR, admin=True)
def invite():
    form = InviteForm()
    if request.method == "GET" and request.args.get("organisation"):
        form.organisation_id.data = request.args["organisation"]
    if submitted_and_valid(form):
        user, link = accounts.invite(
            form.organisation, form.name.data, form.email.data, bool(form.is_admin.data), g.user
        )
        db.session.commit()
        return render(
            "admin/link_issued.html",
            "admin/_partials/_link_issued.html",
            status=201,
            account=user,
            link=link,
            purpose=TokenPurpose.INVITATION,
        )
    return render_form("admin/invite.html", "admin/_partials/_invite_form.html", form)


@bp.route("/comptes/<int:user_id>")
@allow(Role.FACILITATOR, admin=True)
def user(user_id: int):
    account = get_or_404(User, user_id)
    tokens = db.session.scalars(
        select(AccountToken)
        .where(AccountToken.user_id == account.id)
        .order_by(AccountToken.created_at.desc())
        .limit(5)
    ).all()
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == account.id,
                (AuditEvent.object_type == "User") & (AuditEvent.object_id == str(account.id)),
            )
        )
        .order_by(AuditEvent.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "admin/user.html",
        account=account,
        tokens=tokens,
        events=events,
        now=utcnow(),
        actions=audit.ACTION_LABELS,
    )


@bp.route("/comptes/<int:user_id>/lien", methods=["POST"])
@allow(Role.FACILITATOR, admin=True)
def issue_link(user_id: int):
    """A new invitation (no password yet) or a password-reset link."""
    account = get_or_404(User, user_id)
    if not account.active:
        abort(409, description="Ce compte est désactivé : réactivez-le avant d'envoyer un lien.")
    purpose = TokenPurpose.RESET if account.has_password else TokenPurpose.INVITATION
    link = accounts.issue_link(account, purpose, g.user)
    action = "user.reset_link" if purpose is TokenPurpose.RESET else "user.invitation_renewed"
    audit.record(action, account)
    db.session.commit()
    return render(
        "admin/link_issued.html",
        "admin/_partials/_link_issued.html",
        status=201,
        account=account,
        link=link,
        purpose=purpose,
    )


@bp.route("/comptes/<int:user_id>/desactiver", methods=["POST"])
@allow(Role.FACILITATOR, admin=True)
def deactivate_user(user_id: int):
    account = get_or_404(User, user_id)
    if account.id == g.user.id:
        abort(409, description="Vous ne pouvez pas désactiver votre propre compte.")
    if account.active:
        page = url_for("admin.user", user_id=account.id)
        if (asked := confirm.step(confirm_account_deactivation(account), page)) is not None:
            return asked
        accounts.deactivate(account, g.user)
        db.session.commit()
        flash(f"Le compte de {account.name} est désactivé ; ses sessions sont fermées.", "success")
    return redirect(url_for("admin.user", user_id=account.id), code=303)


@bp.route("/comptes/<int:user_id>/reactiver", methods=["POST"])
@allow(Role.FACILITATOR, admin=True)
def reactivate_user(user_id: int):
    account = get_or_404(User, user_id)
    if not account.active:
        accounts.reactivate(account, g.user)
        db.session.commit()
        flash(f"Le compte de {account.name} est réactivé.", "success")
    return redirect(url_for("admin.user", user_id=account.id), code=303)


def _organisations() -> list[tuple[int, str]]:
    """The audit filter's choices: ids and names only, never whole rows (issue 15)."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)
    ).all()
    return [(org_id, name) for org_id, name in rows]


AUDIT_FILTERS = FilterSet(
    Filter("action", "Action", "choice", list(audit.ACTION_LABELS.items()), "Toutes les actions"),
    Filter("acteur", "Auteur (nom ou e-mail)", "text"),
    Filter("organisation", "Organisation", "id", _organisations, "Toutes"),
    Filter("du", "Du", "date"),
    Filter("au", "Au", "date"),
)


@bp.route("/journal")
@allow(Role.FACILITATOR, admin=True)
def audit_log():
    filters = AUDIT_FILTERS.read()
    action, actor_q, org_id, start, end = (
        filters.parsed[k] for k in ("action", "acteur", "organisation", "du", "au")
    )
    stmt = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.organisation))
        .order_by(AuditEvent.id.desc())
    )
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor_q:
        like = f"%{actor_q.lower()}%"
        stmt = stmt.join(AuditEvent.actor).where(or_(User.name.ilike(like), User.email.ilike(like)))
    if org_id is not None:
        stmt = stmt.where(AuditEvent.organisation_id == org_id)
    if start:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(start, time.min, UTC))
    if end and end < date.max:
        stmt = stmt.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min, UTC))
    pagination = filters.paginate(stmt)
    return render(
        "admin/audit.html",
        "admin/_partials/_audit_table.html",
        pagination=pagination,
        described=audit_trail.describe(pagination.items),
        actions=audit.ACTION_LABELS,
        filters=filters,
        date_error=bool(filters.refused & {"du", "au"}),
    )
