"""Home page per role, and the health check."""

from __future__ import annotations

from flask import g, render_template
from sqlalchemy import text

from portal.access import Role, allow, public, scoped
from portal.clock import today
from portal.extensions import db
from portal.followup import queries as followup_queries
from portal.main import bp, figures
from portal.models import User
from portal.statements.progress import method as progress_method


@bp.route("/")
@allow(*Role)
def home():
    """What the user's role can do today, with real figures only."""
    org = g.org
    colleagues = db.session.scalars(
        scoped(User).where(User.organisation_id == org.id).order_by(User.name)
    ).all()
    context = {"colleagues": colleagues}
    if g.role is Role.BUYER and org.parent_id is None:
        # First: reading the communes fills org.members, which the scope rules then use.
        context["communes"] = figures.member_communes(org)
    if g.role is Role.FACILITATOR:
        # The directory's counts come in the same statement as the to-do's.
        counts = figures.facilitator_figures(people=True, with_denials=g.user.is_admin)
        context["org_counts"] = figures.organisations_by_kind()
        context.update({k: counts[k] for k in figures.PEOPLE_FIGURES if k in counts})
        context["figures"] = counts
    elif g.role is Role.BUYER:
        context["figures"] = figures.buyer_figures()
        context["followup_waiting"] = followup_queries.waiting_for_buyer(g.user)
        context["penalties_waiting"] = followup_queries.penalties_waiting(g.user)
    elif g.role is Role.PRESCRIBER:
        context["figures"] = {}  # the job offers and its candidates are a click away
    else:
        context["figures"] = figures.holder_figures()
    context["progress"] = figures.progress_figures(today())
    context["progress_method"] = progress_method()
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
