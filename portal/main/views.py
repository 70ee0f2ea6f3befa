"""Home page per role, and the health check."""

from __future__ import annotations

from flask import g, render_template
from sqlalchemy import text

from portal.access import Role, allow, public, scoped
from portal.extensions import db
from portal.main import bp, figures
from portal.models import User


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
        context.update(figures.people_counts(with_denials=g.user.is_admin))
    if g.role is Role.FACILITATOR:
        context["figures"] = figures.facilitator_figures()
    elif g.role is Role.BUYER:
        context["figures"] = figures.buyer_figures()
    else:
        context["figures"] = figures.holder_figures()
    if g.role is Role.BUYER and org.parent_id is None:
        context["communes"] = figures.member_communes(org)
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
