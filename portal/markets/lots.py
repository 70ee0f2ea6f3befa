"""Lots: list (every role, scoped), page, form with the htmx hours calculator, exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import Select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.access import Role, allow, get_or_404, scoped
from portal.clock import today
from portal.extensions import db
from portal.jobs.services import query_parameters
from portal.jobs.views import start_response as start_job
from portal.markets import bp, exports
from portal.markets import pricing as pricing
from portal.markets import split as tce
from portal.markets.access import can_see_prices
from portal.markets.forms import CalculatorFields, LotForm, hours_problem
from portal.markets.listing import LOT_FILTERS, lot_ids_statement, lots_counted
from portal.markets.services import clear_hours, latest_calculation, record_calculation
from portal.models import HoursRecord, Lot, Market, Operation, SubcontractorShare
from portal.models.accounts import CLAUSE_ROLES
from portal.rules.hours import (
    DEFAULT_HOURLY_COST,
    FORMULA,
    ROUNDING_LABELS,
    TRADES,
    HoursCalculation,
    insertion_hours,
)
from portal.rules.markets import LegalBasis, default_rate
from portal.rules.tariffs import BRACKET_NOTE, Package, TariffGrid, lot_package
from portal.statements import progress as hours_progress
from portal.web.actions import object_action
from portal.web.formflow import is_validation_only, render_form, submitted_and_valid
from portal.web.htmx import is_htmx, render
from portal.web.pagination import paginate_ids

lot_action = object_action(Lot)


def _lots_to_show(ids) -> Select:
    """The page's lots with what the table shows (holder, market, operation, buyer)."""
    return (
        scoped(Lot)
        .where(Lot.id.in_(ids))
        .options(
            joinedload(Lot.holder),
            joinedload(Lot.market).joinedload(Market.operation).joinedload(Operation.buyer),
        )
    )


@bp.route("/lots/")
@allow(*CLAUSE_ROLES)
def lots():
    filters = LOT_FILTERS.read()
    # Sort narrow, load 25 (docs/performance.md): the ids of the page, then those lots.
    # A text search counts in the same pass as the page (its filter is the expensive part).
    pagination = paginate_ids(
        lot_ids_statement(filters),
        _lots_to_show,
        lots_counted(filters),
        total_with_ids=bool(filters.parsed["q"]),
    )
    shares = []
    if g.role in (Role.COMPANY, Role.STRUCTURE) and not is_htmx():  # the fragment has none
        shares = db.session.scalars(
            scoped(SubcontractorShare)
            .options(joinedload(SubcontractorShare.operation).joinedload(Operation.buyer))
            .order_by(SubcontractorShare.id.desc())
            .limit(50)
        ).all()
    return render(
        "markets/lots.html",
        "markets/_partials/_lots_table.html",
        pagination=pagination,
        filters=filters,
        shares=shares,
    )


@bp.route("/lots/<int:lot_id>")
@allow(*CLAUSE_ROLES)
def lot(lot_id: int):
    lot = get_or_404(Lot, lot_id)
    history = db.session.scalars(
        scoped(HoursRecord)
        .where(HoursRecord.lot_id == lot.id)
        .options(joinedload(HoursRecord.author))
        .order_by(HoursRecord.id.desc())
    ).all()
    op = lot.market.operation
    show_prices = can_see_prices(g.user)
    grid_info = pricing.pricing_grid(op, today()) if show_prices else None
    split = tce.split_of(op) if op.is_tce else None
    return render_template(
        "markets/lot.html",
        lot=lot,
        market=lot.market,
        op=op,
        history=history,
        price=pricing.lot_price(lot, grid_info.grid) if grid_info else None,
        tce_prices=(pricing.lot_prices(op, grid_info.grid)[1] if grid_info and op.is_tce else {}),
        grid_info=grid_info,
        split=split,
        sees_split=split is not None
        and (g.role in (Role.FACILITATOR, Role.BUYER) or op.general_contractor_id == g.org.id),
        rounding_labels=ROUNDING_LABELS,
        progress=hours_progress.progress_for_lots([lot.id], today())[lot.id],
        progress_method=hours_progress.method(),
    )


def _defaults(form: LotForm, market: Market, lot: Lot | None) -> None:
    """Pre-fill the calculator: the lot's latest calculation, else the rule defaults."""
    latest = latest_calculation(lot) if lot is not None else None
    if latest is not None:
        form.labour_share.data = latest.labour_share
        form.hourly_cost.data = latest.hourly_cost
        form.rate.data = latest.rate
        form.rounding.data = latest.rounding
        return
    trade = form.trade.data if form.trade.data in TRADES else "building_average"
    form.trade.data = trade
    form.labour_share.data = TRADES[trade].labour_share
    form.hourly_cost.data = DEFAULT_HOURLY_COST
    if market.legal_basis == LegalBasis.EXECUTION_CONDITION:
        form.rate.data = default_rate(market.operation.nature)
    elif market.legal_basis == LegalBasis.AWARD_CRITERION:
        form.award_criterion.data = True  # hours only if the lot also has a condition


def _save_lot(form: LotForm, lot: Lot) -> list[str]:
    changed = form.apply_to(lot)
    db.session.flush()
    inputs = form.hour_inputs()
    if inputs is None:
        clear_hours(lot, g.user)
    else:
        record_calculation(lot, insertion_hours(*inputs), g.user)
    return changed


@bp.route("/marches/<int:market_id>/lots/nouveau", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
def lot_create(market_id: int):
    market = get_or_404(Market, market_id)
    form = LotForm(market=market)
    if request.method == "GET":
        next_number = max((lot.number for lot in market.lots), default=0) + 1
        form.number.data = next_number
        _defaults(form, market, None)
    if submitted_and_valid(form):
        lot = Lot(market=market)
        db.session.add(lot)
        _save_lot(form, lot)
        audit.record("lot.created", lot, detail=f"market={market.id}")
        db.session.commit()
        flash(f"Le {lot.label} a été créé.", "success")
        return redirect(url_for("markets.lot", lot_id=lot.id), code=303)
    return _render_lot_form(form, market, None)


@bp.route("/lots/<int:lot_id>/modifier", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
@lot_action
def lot_edit(lot: Lot):
    form = LotForm(obj=lot, market=lot.market, lot=lot)
    if request.method == "GET":
        form.holder_id.data = str(lot.holder_id or "")
        _defaults(form, lot.market, lot)
    if submitted_and_valid(form):
        changed = _save_lot(form, lot)
        if changed:
            audit.record("lot.updated", lot, detail="fields=" + ",".join(changed))
        flash("Les modifications du lot ont été enregistrées.", "success")
        return redirect(url_for("markets.lot", lot_id=lot.id), code=303)
    return _render_lot_form(form, lot.market, lot)


def _render_lot_form(form: LotForm, market: Market, lot: Lot | None):
    return render_form(
        "markets/lot_form.html",
        "markets/_partials/_lot_form.html",
        form,
        market=market,
        op=market.operation,
        lot=lot,
        calc=calculator_result(form) if not is_validation_only() else None,
    )


# --- the hours calculator -------------------------------------------------------------

CALCULATOR_FIELDS = ("trade", "amount_excl_tax", "labour_share", "hourly_cost", "rate", "rounding")


@dataclass
class CalculatorView:
    """What the calculator shows: errors, a prompt for a missing input, or the result."""

    errors: list[tuple[str, str, str]] = field(default_factory=list)
    empty: str = ""
    calculation: HoursCalculation | None = None
    package: Package | None = None
    above_grid: bool = False
    grid: TariffGrid | None = None
    rounding_label: str = ""
    formula: str = FORMULA
    note: str = BRACKET_NOTE

    @property
    def parameters(self):
        return self.calculation.parameters if self.calculation else None


def calculator_result(form: CalculatorFields) -> CalculatorView:
    """The calculator for the current inputs: errors, or the formula written out, raw and
    planned hours and the AMOI package (docs/domain.md §3 and 4.1)."""
    errors = [
        (form[name].id, form[name].label.text, message)
        for name in CALCULATOR_FIELDS
        for message in form[name].errors
    ]
    if errors:
        return CalculatorView(errors=errors)
    inputs = form.hour_inputs()
    if inputs is None:
        missing = "le montant HT" if form.amount_excl_tax.data is None else "le taux d'insertion"
        return CalculatorView(empty=f"Saisissez {missing} pour calculer les heures.")
    try:
        calculation = insertion_hours(*inputs)
    except ValueError as error:  # the rules module's own checks, in French
        return CalculatorView(errors=[("", "Calcul", str(error))])
    problem = hours_problem(calculation)
    if problem:  # e.g. a trade just chosen changed the labour share after validation
        field = form.amount_excl_tax
        return CalculatorView(errors=[(field.id, field.label.text, problem)])
    grid = pricing.today_grid(today()).grid
    planned = calculation.planned
    return CalculatorView(
        calculation=calculation,
        package=lot_package(planned, grid) if grid and planned else None,
        above_grid=grid is not None and planned > grid.brackets[-1].max_hours,
        grid=grid,
        rounding_label=ROUNDING_LABELS[calculation.parameters.rounding],
    )


@bp.route("/lots/calculateur", methods=["POST"])
@allow(Role.FACILITATOR)
def calculator():
    """The calculator fragment, recomputed as the user types (no saving)."""
    form = CalculatorFields(meta={"csrf": False})  # CSRFProtect has checked the request
    form.validate()
    trade_changed = request.form.get("_last_trade") != form.trade.data
    if trade_changed and form.trade.data in TRADES:
        # Choosing a trade proposes its labour share (docs/domain.md §3).
        form.labour_share.data = TRADES[form.trade.data].labour_share
        form.labour_share.raw_data = None
        form.labour_share.errors = []
    return render_template(
        "markets/_partials/_calculator.html",
        calc=calculator_result(form),
        form=form,
        trade_changed=trade_changed,
    )


# --- exports ----------------------------------------------------------------------------


@bp.route("/lots/export.<fmt>", methods=["POST"])
@allow(*CLAUSE_ROLES)
def export(fmt: str):
    """The filtered lots, as on screen (same scoping), in XLSX or French CSV: a job
    (portal.markets.exports), whose status page offers the file when it is ready."""
    if fmt not in ("xlsx", "csv"):
        abort(404)
    return start_job(f"lots.{fmt}", query_parameters(request.args, exports.FILTER_NAMES))
