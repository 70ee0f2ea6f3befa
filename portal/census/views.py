"""Census of purchases (*recensement des achats*, convention art. 3): buyers declare their
upcoming purchases, the AMOI gives its opinion on each one and turns the retained ones
into operations; the yearly census point (the pilotage's *recensement annuel*, docs/domain.md
§4.1) sums them up per buyer, on screen and in XLSX."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from portal import audit
from portal.access import Role, allow, get_or_404, scoped
from portal.census import bp, queries
from portal.census.access import can_edit_declaration, is_declaring_buyer
from portal.census.confirmations import confirm_declaration_conversion
from portal.census.forms import DeclarationForm, ReviewForm
from portal.clock import today
from portal.documents.spreadsheets import XLSX_MIMETYPE, Column, Sheet, xlsx_bytes
from portal.extensions import db
from portal.jobs.kinds import JobOutput, Progress, job_kind
from portal.jobs.services import query_parameters
from portal.jobs.views import start_response as start_job
from portal.markets.services import operation_from_declaration
from portal.models import PurchaseDeclaration
from portal.models.base import utcnow
from portal.refusals import Refused
from portal.rules.workflow import (
    STATUS_LABELS,
    DeclarationStatus,
    TransitionNotAllowed,
    allowed_actions,
    next_status,
)
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.formflow import render_form, submitted_and_valid
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet, pairs

MACHINE = "declaration"
declaration_action = object_action(PurchaseDeclaration, id_arg="declaration_id")
"""Census views acting on one declaration: ``portal.web.actions.object_action``."""
STATUSES = list(DeclarationStatus)
CONVERTED = "Cette déclaration est déjà devenue une opération : elle ne peut plus changer."
REFUSALS = {
    "edit": (
        "L'AMOI a déjà examiné cette déclaration : elle ne peut plus être modifiée. "
        "Demandez à l'AMOI de rouvrir son avis si l'achat a changé."
    ),
    "review": (
        "L'AMOI a déjà donné son avis sur cette déclaration. Rouvrez-la pour en donner un autre."
    ),
    "reconsider": "Cette déclaration n'a pas encore reçu d'avis : il n'y a rien à rouvrir.",
    "convert": (
        "Seule une déclaration pour laquelle l'AMOI recommande une clause peut devenir "
        "une opération."
    ),
}


def _refuse(action: str, declaration: PurchaseDeclaration) -> NoReturn:
    """Refuse ``action`` now, with a French message saying why (a 409 through
    ``portal.web.actions``)."""
    converted = declaration.status == DeclarationStatus.CONVERTED
    raise Refused(CONVERTED if converted else REFUSALS[action])


# --- list -----------------------------------------------------------------------------


FILTERS = FilterSet(
    Filter("q", "Rechercher (intitulé)", "text"),
    Filter("statut", "Statut", "choice", list(STATUS_LABELS[MACHINE].items()), "Tous les statuts"),
    Filter(
        "annee",
        "Année de publication",
        "year",
        lambda: [(y, y) for y in queries.years(today().year)],
        "Toutes les années",
    ),
    Filter(
        "acheteur",
        "Acheteur",
        "id",
        lambda: pairs(queries.visible_buyers()),
        "Tous les acheteurs",
        min_options=2,
    ),
)


@bp.route("/")
@allow(Role.FACILITATOR, Role.BUYER)
def index():
    filters = FILTERS.read()
    q, status, year, buyer = (filters.parsed[k] for k in ("q", "statut", "annee", "acheteur"))
    stmt = (
        scoped(PurchaseDeclaration)
        .options(joinedload(PurchaseDeclaration.buyer))
        .order_by(PurchaseDeclaration.planned_publication.desc(), PurchaseDeclaration.id.desc())
    )
    if q:
        stmt = stmt.where(PurchaseDeclaration.title.icontains(q, autoescape=True))
    if status:
        stmt = stmt.where(PurchaseDeclaration.status == status)
    if year:
        stmt = stmt.where(queries.year_range(year))
    if buyer:
        stmt = stmt.where(PurchaseDeclaration.buyer_id == buyer)
    return render(
        "census/index.html",
        "census/_partials/_table.html",
        pagination=filters.paginate(stmt),
        filters=filters,
    )


# --- one declaration ------------------------------------------------------------------


@bp.route("/<int:declaration_id>")
@allow(Role.FACILITATOR, Role.BUYER)
def show(declaration_id: int):
    declaration = get_or_404(PurchaseDeclaration, declaration_id)
    return render_template(
        "census/show.html",
        declaration=declaration,
        actions=allowed_actions(MACHINE, declaration.status),
    )


@bp.route("/nouvelle", methods=["GET", "POST"])
@allow(Role.BUYER)
def create():
    form = DeclarationForm()
    if submitted_and_valid(form):
        declaration = PurchaseDeclaration(
            buyer_id=g.org.id,
            declared_by_id=g.user.id,
            status=DeclarationStatus.SUBMITTED.value,
        )
        form.apply_to(declaration)
        db.session.add(declaration)
        db.session.flush()
        audit.record("declaration.created", declaration, detail=f"nature={declaration.nature}")
        db.session.commit()
        flash(f"L'achat « {declaration.title} » est déclaré : l'AMOI va l'examiner.", "success")
        return redirect(url_for("census.show", declaration_id=declaration.id), code=303)
    return render_form("census/form.html", "census/_partials/_form.html", form, declaration=None)


@bp.route("/<int:declaration_id>/modifier", methods=["GET", "POST"])
@allow(Role.BUYER)
@declaration_action
def edit(declaration: PurchaseDeclaration):
    if not is_declaring_buyer(g.user, declaration):
        abort(403, description="Seul l'acheteur qui a déclaré cet achat peut le modifier.")
    if not can_edit_declaration(g.user, declaration):
        _refuse("edit", declaration)
    form = DeclarationForm(obj=declaration)
    if submitted_and_valid(form):
        changed = form.apply_to(declaration)
        if changed:
            audit.record("declaration.updated", declaration, detail="fields=" + ",".join(changed))
        flash("Les modifications de la déclaration ont été enregistrées.", "success")
        return redirect(url_for("census.show", declaration_id=declaration.id), code=303)
    return render_form(
        "census/form.html", "census/_partials/_form.html", form, declaration=declaration
    )


@bp.route("/<int:declaration_id>/avis", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
@declaration_action
def review(declaration: PurchaseDeclaration):
    if "retain" not in allowed_actions(MACHINE, declaration.status):
        _refuse("review", declaration)
    form = ReviewForm()
    if submitted_and_valid(form):
        decision = form.decision.data
        try:
            status = next_status(MACHINE, declaration.status, decision)
        except TransitionNotAllowed:
            _refuse("review", declaration)
        declaration.status = status.value
        declaration.recommended_basis = form.basis
        declaration.review_comment = form.review_comment.data.strip()
        declaration.reviewed_by_id = g.user.id
        declaration.reviewed_at = utcnow()
        detail = f"decision={decision}"
        if form.basis:
            detail += f" basis={form.basis}"
        audit.record("declaration.reviewed", declaration, detail=detail)
        flash(f"L'avis est enregistré : « {declaration.status_label} ».", "success")
        return redirect(url_for("census.show", declaration_id=declaration.id), code=303)
    return render_form(
        "census/review.html",
        "census/_partials/_review_form.html",
        form,
        declaration=declaration,
    )


@bp.route("/<int:declaration_id>/rouvrir", methods=["POST"])
@allow(Role.FACILITATOR)
@declaration_action
def reconsider(declaration: PurchaseDeclaration):
    """Back to *à examiner*; the previous opinion stays in the audit trail only."""
    try:
        status = next_status(MACHINE, declaration.status, "reconsider")
    except TransitionNotAllowed:
        _refuse("reconsider", declaration)
    detail = f"previous={declaration.status}"
    if declaration.recommended_basis:
        detail += f" basis={declaration.recommended_basis}"
    declaration.status = status.value
    declaration.recommended_basis = None
    declaration.review_comment = ""
    declaration.reviewed_by_id = None
    declaration.reviewed_at = None
    audit.record("declaration.reconsidered", declaration, detail=detail)
    flash("L'avis est rouvert : la déclaration est de nouveau à examiner.", "success")
    return redirect(url_for("census.show", declaration_id=declaration.id), code=303)


@bp.route("/<int:declaration_id>/operation", methods=["POST"])
@allow(Role.FACILITATOR)
@declaration_action
def convert(declaration: PurchaseDeclaration):
    """One step from a retained declaration to an operation (the service does the work)."""
    if "convert" not in allowed_actions(MACHINE, declaration.status):
        _refuse("convert", declaration)
    page = url_for("census.show", declaration_id=declaration.id)
    if (asked := confirm.step(confirm_declaration_conversion(declaration), page)) is not None:
        return asked
    try:
        operation = operation_from_declaration(declaration, g.user)
    except TransitionNotAllowed:
        _refuse("convert", declaration)
    flash(f"L'opération « {operation.name} » est créée à partir de la déclaration.", "success")
    return redirect(url_for("markets.operation", operation_id=operation.id), code=303)


# --- yearly census point ----------------------------------------------------------------


SUMMARY_FILTERS = FilterSet(
    Filter(
        "annee",
        "Année de publication",
        "year",
        # the year shown is offered even when nothing is declared for it
        lambda: [(y, y) for y in queries.years(today().year, _chosen_year())],
        default=lambda: str(today().year),
    )
)


def _chosen_year() -> int:
    return SUMMARY_FILTERS.read().parsed["annee"]


@bp.route("/bilan")
@allow(Role.FACILITATOR)
def summary():
    filters = SUMMARY_FILTERS.read()
    year = filters.parsed["annee"]
    rows = queries.summary_rows(year)
    totals = queries.BuyerSummary(None, [d for row in rows for d in row.declarations])
    return render_template(
        "census/summary.html",
        year=year,
        filters=filters,
        rows=rows,
        totals=totals,
        statuses=STATUS_LABELS[MACHINE],
    )


SUMMARY_COLUMNS = [
    Column("Acheteur", width=36),
    Column("Déclarations", "int", 14),
    *(Column(label, "int", 16) for label in STATUS_LABELS[MACHINE].values()),
    Column("Montant estimé total HT", "money", 22),
]
DECLARATION_COLUMNS = [
    Column("Acheteur", width=30),
    Column("Intitulé", width=40),
    Column("Nature", width=14),
    Column("Montant estimé HT", "money", 18),
    Column("Publication prévue", "date", 16),
    Column("Statut", width=20),
    Column("Base juridique recommandée", width=40),
    Column("Avis de l'AMOI", width=50),
    Column("Opération n°", "int", 12),
]


@bp.route("/bilan.xlsx", methods=["POST"])
@allow(Role.FACILITATOR)
def summary_xlsx():
    """The census point in XLSX: a job (its cost grows with the declarations)."""
    return start_job("census.xlsx", query_parameters(request.args, ("annee",)))


@job_kind("census.xlsx", "Point de recensement (Excel, XLSX)")
def census_xlsx(progress: Progress) -> JobOutput:
    year = _chosen_year()
    rows = queries.summary_rows(year)
    synthesis = [[row.buyer.name, row.count, *row.by_status.values(), row.total] for row in rows]
    declarations = [
        [
            d.buyer.name,
            d.title,
            d.nature_label,
            d.estimated_amount,
            d.planned_publication,
            d.status_label,
            d.recommended_basis_label,
            d.review_comment,
            d.operation_id,
        ]
        for row in rows
        for d in row.declarations
    ]
    progress(0, len(declarations))
    audit.record(
        "export.census",
        object_type="export",
        object_id="xlsx",
        detail=f"year={year} rows={len(declarations)}",
    )
    data = xlsx_bytes(
        [
            Sheet("Synthèse", SUMMARY_COLUMNS, synthesis),
            Sheet("Déclarations", DECLARATION_COLUMNS, declarations),
        ]
    )
    return JobOutput(f"recensement-{year}.xlsx", XLSX_MIMETYPE, data)
