"""Operations and their markets and TCE shares (convention art. 3 and 4).

The AMOI creates and edits; buyers read their own (scoping in ``portal.access``).
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload, selectinload

from portal import audit
from portal.access import Role, allow, get_or_404, scoped
from portal.clock import today
from portal.extensions import db
from portal.markets import bp, queries
from portal.markets import pricing as pricing
from portal.markets import split as tce
from portal.markets.confirmations import confirm_operation_transition
from portal.markets.forms import MarketForm, OperationForm
from portal.markets.listing import OPERATION_FILTERS, operations_statement
from portal.markets.services import recommended_basis
from portal.models import Lot, Market, Operation, PurchaseDeclaration, SubcontractorShare
from portal.rules.markets import LEGAL_BASES, LegalBasis
from portal.rules.workflow import (
    TransitionNotAllowed,
    allowed_actions,
    next_status,
)
from portal.statements import progress as hours_progress
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.formflow import render_form, submitted_and_valid
from portal.web.htmx import render

OPERATION_ACTIONS = {"start": "Démarrer le suivi", "close": "Clôturer", "reopen": "Rouvrir"}


operation_action = object_action(Operation)
market_action = object_action(Market)


# --- operations ---------------------------------------------------------------------


@bp.route("/operations/")
@allow(Role.FACILITATOR, Role.BUYER)
def operations():
    filters = OPERATION_FILTERS.read()
    stmt = operations_statement(filters).options(joinedload(Operation.buyer))
    pagination = filters.paginate(stmt)
    ids = [op.id for op in pagination.items]
    totals = queries.operation_totals(ids)
    return render(
        "markets/operations.html",
        "markets/_partials/_operations_table.html",
        pagination=pagination,
        totals=totals,
        filters=filters,
    )


@bp.route("/operations/<int:operation_id>")
@allow(Role.FACILITATOR, Role.BUYER)
def operation(operation_id: int):
    op = get_or_404(Operation, operation_id)
    markets = db.session.scalars(
        scoped(Market)
        .where(Market.operation_id == op.id)
        .options(selectinload(Market.lots).joinedload(Lot.holder))
        .order_by(Market.reference)
    ).all()
    shares = db.session.scalars(
        scoped(SubcontractorShare)
        .where(SubcontractorShare.operation_id == op.id)
        .options(joinedload(SubcontractorShare.company))
        .order_by(SubcontractorShare.id)
    ).all()
    declaration = db.session.scalars(
        scoped(PurchaseDeclaration).where(PurchaseDeclaration.operation_id == op.id)
    ).first()
    grid_info = pricing.pricing_grid(op, today())
    prices, share_prices = pricing.lot_prices(op, grid_info.grid)
    sourced = grid_info.quote.sourced_siae if grid_info.quote else 0
    reserved = [
        row
        for row in (pricing.operation_lines(op, grid_info.grid, sourced) if grid_info.grid else [])
        if row.lot_id is None and row.share_id is None
    ]
    planned = sum(lot.planned_hours or 0 for m in markets for lot in m.lots)
    scoped_lots = [lot for m in markets for lot in m.lots]
    progress_total, lot_progresses = hours_progress.total_for_lots(
        [lot.id for lot in scoped_lots], today()
    )
    actions = [(a, OPERATION_ACTIONS[a]) for a in allowed_actions("operation", op.status)]
    return render_template(
        "markets/operation.html",
        op=op,
        current_year=today().year,
        markets=markets,
        shares=shares,
        split=tce.split_of(op) if op.is_tce else None,
        declaration=declaration,
        prices=prices,
        share_prices=share_prices,
        reserved_lines=reserved,
        tce_total=pricing.tce_total(share_prices),
        planned=planned,
        actions=actions,
        grid_info=grid_info,
        progress_total=progress_total,
        lots_flagged=[
            (lot, lot_progresses[lot.id]) for lot in scoped_lots if lot_progresses[lot.id].flagged
        ],
        progress_method=hours_progress.method(),
    )


@bp.route("/operations/nouvelle", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
def operation_create():
    form = OperationForm()
    if submitted_and_valid(form):
        op = Operation(created_by_id=g.user.id)
        form.apply_to(op)
        db.session.add(op)
        db.session.flush()
        if op.is_tce:
            tce.ensure_split(op)
        audit.record("operation.created", op)
        db.session.commit()
        flash(f"L'opération « {op.name} » a été créée.", "success")
        return redirect(url_for("markets.operation", operation_id=op.id), code=303)
    return render_form(
        "markets/operation_form.html", "markets/_partials/_operation_form.html", form, op=None
    )


@bp.route("/operations/<int:operation_id>/modifier", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
@operation_action
def operation_edit(op: Operation):
    form = OperationForm(obj=op, current_buyer=op.buyer_id, current_gc=op.general_contractor_id)
    if request.method == "GET":
        form.buyer_id.data = str(op.buyer_id)
        form.general_contractor_id.data = str(op.general_contractor_id or "")
    if submitted_and_valid(form):
        values = form.values()
        if op.is_tce and values.get("tce_hours") != op.tce_hours:
            try:
                tce.require_draft(op)
            except tce.SplitRefused as refused:
                form.tce_hours.errors = [*form.tce_hours.errors, str(refused)]
                return render_form(
                    "markets/operation_form.html",
                    "markets/_partials/_operation_form.html",
                    form,
                    op=op,
                )
        changed = form.apply_to(op)
        if op.is_tce:
            tce.ensure_split(op)
        if {"is_tce", "tce_hours"} & set(changed):
            tce.propose_hours(op)
        if changed:
            audit.record("operation.updated", op, detail="fields=" + ",".join(changed))
        flash("Les modifications ont été enregistrées.", "success")
        return redirect(url_for("markets.operation", operation_id=op.id), code=303)
    return render_form(
        "markets/operation_form.html", "markets/_partials/_operation_form.html", form, op=op
    )


@bp.route("/operations/<int:operation_id>/statut", methods=["POST"])
@allow(Role.FACILITATOR)
@operation_action
def operation_transition(op: Operation):
    action = request.form.get("action", "")
    try:
        new_status = next_status("operation", op.status, action)
    except (TransitionNotAllowed, ValueError):
        abort(409, description="Ce changement de statut n'est pas possible depuis l'état actuel.")
    page = url_for("markets.operation", operation_id=op.id)
    if (asked := confirm.step(confirm_operation_transition(op, action), page)) is not None:
        return asked
    previous = op.status
    op.status = new_status.value
    audit.record("operation.status_changed", op, detail=f"{previous}->{op.status}")
    flash(f"L'opération est maintenant « {op.status_label} ».", "success")
    return redirect(url_for("markets.operation", operation_id=op.id), code=303)


# --- markets ------------------------------------------------------------------------


@bp.route("/operations/<int:operation_id>/marches/nouveau", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
def market_create(operation_id: int):
    op = get_or_404(Operation, operation_id)
    form = MarketForm()
    if request.method == "GET":
        form.legal_basis.data = recommended_basis(op) or LegalBasis.EXECUTION_CONDITION.value
    if submitted_and_valid(form):
        market = Market(operation=op)
        form.apply_to(market)
        db.session.add(market)
        db.session.flush()
        audit.record("market.created", market, detail=f"operation={op.id}")
        db.session.commit()
        flash(f"Le marché {market.reference} a été créé. Ajoutez ses lots.", "success")
        return redirect(url_for("markets.lot_create", market_id=market.id), code=303)
    return render_form(
        "markets/market_form.html",
        "markets/_partials/_market_form.html",
        form,
        op=op,
        market=None,
    )


@bp.route("/marches/<int:market_id>")
@allow(Role.FACILITATOR, Role.BUYER)
def market(market_id: int):
    """A market with its lots, legal basis and dates; scoped like its operation (companies
    see their lots, never a whole market: other holders' lots are confidential)."""
    market = get_or_404(Market, market_id)
    lots = db.session.scalars(
        scoped(Lot)
        .where(Lot.market_id == market.id)
        .options(joinedload(Lot.holder))
        .order_by(Lot.number)
    ).all()
    grid_info = pricing.pricing_grid(market.operation, today())
    prices, _shares = pricing.lot_prices(market.operation, grid_info.grid)
    return render_template(
        "markets/market.html",
        market=market,
        op=market.operation,
        lots=lots,
        prices=prices,
        grid_info=grid_info,
        planned=sum(lot.planned_hours or 0 for lot in lots),
        basis=LEGAL_BASES[LegalBasis(market.legal_basis)],
        current_year=today().year,
    )


@bp.route("/marches/<int:market_id>/modifier", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
@market_action
def market_edit(market: Market):
    form = MarketForm(obj=market)
    if submitted_and_valid(form):
        changed = form.apply_to(market)
        if changed:
            audit.record("market.updated", market, detail="fields=" + ",".join(changed))
        flash("Les modifications du marché ont été enregistrées.", "success")
        return redirect(
            url_for(
                "markets.operation", operation_id=market.operation_id, _anchor=f"marche-{market.id}"
            ),
            code=303,
        )
    return render_form(
        "markets/market_form.html",
        "markets/_partials/_market_form.html",
        form,
        op=market.operation,
        market=market,
    )
