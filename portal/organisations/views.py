"""Organisations: directory (AMOI), detail (scoped), create/edit/deactivate (AMOI admins)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import or_
from sqlalchemy.orm import joinedload, undefer

from portal import audit
from portal.access import Role, allow, get_or_404, is_facilitator, scoped
from portal.auth import services as accounts
from portal.extensions import db
from portal.models import Organisation, OrgKind, StructureKind, Trade, User
from portal.organisations import bp, directory
from portal.organisations.confirmations import confirm_organisation_deactivation
from portal.organisations.forms import OrganisationForm
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.formflow import render_form, submitted_and_valid
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet

STATUS_FILTERS = {"actives": True, "inactives": False, "toutes": None}
FILTERS = FilterSet(
    Filter("q", "Rechercher (nom ou SIRET)", "text"),
    Filter("type", "Type", "choice", [(k.value, k.label) for k in OrgKind], "Tous les types"),
    Filter(
        "statut",
        "Statut",
        "choice",
        [("actives", "Actives"), ("inactives", "Désactivées"), ("toutes", "Toutes")],
        default="actives",
    ),
)

DIRECTORY_FILTERS = FilterSet(
    Filter("q", "Rechercher (nom ou commune)", "text"),
    Filter(
        "type",
        "Type de structure",
        "choice",
        [(k.value, k.label) for k in StructureKind],
        "Tous les types",
    ),
    Filter("metier", "Métier", "choice", [(t.value, t.label) for t in Trade], "Tous les métiers"),
    Filter(
        "commune",
        "Commune",
        "choice",
        lambda: [(c, c) for c in db.session.scalars(directory.communes_statement(g.user))],
        "Toutes les communes",
    ),
)


organisation_action = object_action(Organisation, id_arg="org_id")


@bp.route("/")
@allow(Role.FACILITATOR)
def index():
    filters = FILTERS.read()
    q, kind, status = (filters.parsed[k] for k in ("q", "type", "statut"))
    stmt = (
        scoped(Organisation)
        .options(joinedload(Organisation.parent), undefer(Organisation.user_count))
        .order_by(Organisation.name)
    )
    if q:
        like = f"%{q.lower()}%"
        digits = "".join(ch for ch in q if ch in "0123456789")  # a SIRET: ASCII digits
        conditions = [Organisation.name.ilike(like)]
        if digits:
            conditions.append(Organisation.siret.contains(digits))
        stmt = stmt.where(or_(*conditions))
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    active = STATUS_FILTERS[status]
    if active is not None:
        stmt = stmt.where(Organisation.active.is_(active))
    return render(
        "organisations/index.html",
        "organisations/_partials/_table.html",
        pagination=filters.paginate(stmt),
        filters=filters,
    )


@bp.route("/annuaire")
@allow(*Role)
def structure_directory():
    """The directory of SIAE and GEIQ (annexe 1 §1), public fields only (see
    :mod:`portal.organisations.directory`)."""
    filters = DIRECTORY_FILTERS.read()
    q, kind, trade, commune = (filters.parsed[k] for k in ("q", "type", "metier", "commune"))
    stmt = directory.directory_statement(g.user, text=q, kind=kind, trade=trade, commune=commune)
    return render(
        "organisations/directory.html",
        "organisations/_partials/_directory_table.html",
        pagination=directory.as_entries(filters.paginate(stmt)),
        filters=filters,
    )


@bp.route("/<int:org_id>")
@allow(*Role)
def show(org_id: int):
    org = get_or_404(Organisation, org_id)
    users: list[User] = []
    if is_facilitator(g.user) or org.id == g.org.id:
        users = db.session.scalars(
            scoped(User).where(User.organisation_id == org.id).order_by(User.name)
        ).all()
    members = db.session.scalars(
        scoped(Organisation).where(Organisation.parent_id == org.id).order_by(Organisation.name)
    ).all()
    return render_template("organisations/show.html", org=org, users=users, members=members)


@bp.route("/nouvelle", methods=["GET", "POST"])
@allow(Role.FACILITATOR, admin=True)
def create():
    form = OrganisationForm()
    if request.method == "GET" and request.args.get("type") in {k.value for k in OrgKind}:
        form.kind.data = request.args["type"]
    if submitted_and_valid(form):
        org = Organisation(active=True)
        form.apply_to(org)
        db.session.add(org)
        db.session.flush()
        audit.record("organisation.created", org, detail=f"kind={org.kind}")
        db.session.commit()
        flash(f"L'organisation « {org.name} » a été créée.", "success")
        return redirect(url_for("organisations.show", org_id=org.id), code=303)
    return render_form(
        "organisations/form.html", "organisations/_partials/_form.html", form, org=None
    )


@bp.route("/<int:org_id>/modifier", methods=["GET", "POST"])
@allow(Role.FACILITATOR, admin=True)
@organisation_action
def edit(org: Organisation):
    form = OrganisationForm(obj=org, organisation=org)
    if request.method == "GET":
        form.parent_id.data = str(org.parent_id or "")
    if submitted_and_valid(form):
        changed = form.apply_to(org)
        if changed:
            audit.record("organisation.updated", org, detail="fields=" + ",".join(changed))
        flash("Les modifications ont été enregistrées.", "success")
        return redirect(url_for("organisations.show", org_id=org.id), code=303)
    return render_form(
        "organisations/form.html", "organisations/_partials/_form.html", form, org=org
    )


@bp.route("/<int:org_id>/desactiver", methods=["POST"])
@allow(Role.FACILITATOR, admin=True)
@organisation_action
def deactivate(org: Organisation):
    if org.id == g.org.id:
        abort(409, description="Vous ne pouvez pas désactiver votre propre organisation.")
    if org.active:
        page = url_for("organisations.show", org_id=org.id)
        if (asked := confirm.step(confirm_organisation_deactivation(org), page)) is not None:
            return asked
        accounts.deactivate_organisation(org, g.user)
        flash(
            f"L'organisation « {org.name} » est désactivée : ses comptes ne peuvent plus se connecter.",
            "success",
        )
    return redirect(url_for("organisations.show", org_id=org.id), code=303)


@bp.route("/<int:org_id>/reactiver", methods=["POST"])
@allow(Role.FACILITATOR, admin=True)
@organisation_action
def reactivate(org: Organisation):
    if not org.active:
        org.active = True
        audit.record("organisation.reactivated", org)
        flash(f"L'organisation « {org.name} » est réactivée.", "success")
    return redirect(url_for("organisations.show", org_id=org.id), code=303)
