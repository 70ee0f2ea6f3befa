"""Home page per role, and the health check."""

from __future__ import annotations

from flask import g, render_template
from sqlalchemy import func, select, text

from portal.access import Role, allow, buyer_org_ids, public, scoped
from portal.extensions import db
from portal.main import bp, figures
from portal.models import AuditEvent, Organisation, OrgKind, User


@bp.route("/")
@allow(*Role)
def home():
    """What the user's role can do today, with real figures only."""
    org = g.org
    colleagues = db.session.scalars(
        scoped(User).where(User.organisation_id == org.id).order_by(User.name)
    ).all()
    context = {"colleagues": colleagues}
    if g.role is Role.FACILITATOR:
        counts = dict(
            db.session.execute(
                select(Organisation.kind, func.count())
                .where(Organisation.active.is_(True))
                .group_by(Organisation.kind)
            ).all()
        )
        context["org_counts"] = [(kind, counts.get(kind.value, 0)) for kind in OrgKind]
        context["pending_invitations"] = db.session.scalar(
            select(func.count()).select_from(User).where(User.password_hash.is_(None), User.active)
        )
        context["active_users"] = db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.password_hash.is_not(None), User.active)
        )
        if g.user.is_admin:
            context["recent_denials"] = db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "access.denied")
            )
    if g.role is Role.FACILITATOR:
        context["figures"] = figures.facilitator_figures()
    elif g.role is Role.BUYER:
        context["figures"] = figures.buyer_figures()
    else:
        context["figures"] = figures.holder_figures()
    if g.role is Role.BUYER and org.parent_id is None:
        ids = [i for i in buyer_org_ids(org) if i != org.id]
        context["communes"] = db.session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        ).all()
    return render_template("main/home.html", **context)


@bp.route("/healthz")
@public
def healthz():
    """200 when the database answers, 503 otherwise (for the load balancer and monitoring)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure of the database means "not healthy"
        db.session.rollback()
        return {"status": "indisponible", "database": "injoignable"}, 503
    return {"status": "ok", "database": "ok"}, 200
