"""The TCE split page: the AMOI prepares the hours per trade, the general contractor accepts
or comments the split of its own lot, the AMOI then the buyer validate it (docs/domain.md §2;
convention annexe 2: each share is then priced as one lot).

The page is read by the AMOI, the operation's buyers and the general contractor (scope rule
of ``TceSplit``); each button follows its predicate, and the URL refuses what the button
hides. AMOI prices are shown to the AMOI and the buyers only.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from portal import audit
from portal.access import Role, allow, get_or_404
from portal.clock import today
from portal.documents import notifications
from portal.extensions import db
from portal.markets import bp
from portal.markets import pricing as pricing
from portal.markets import split as tce
from portal.markets.access import (
    can_answer_split,
    can_prepare_split,
    can_reopen_split,
    can_see_prices,
    can_validate_split_as_amoi,
    can_validate_split_as_buyer,
)
from portal.markets.confirmations import confirm_share_deletion
from portal.markets.forms import ShareForm
from portal.markets.split import SplitRefused
from portal.models import Operation, SubcontractorShare, TceSplit
from portal.rules.hours import TRADES
from portal.web import confirm
from portal.web.actions import check_version, perform, stale
from portal.web.params import parse_int

ACTIONS = {
    "propose": ("Proposer la répartition à l'entreprise générale", can_prepare_split),
    "accept": ("Accepter la répartition", can_answer_split),
    "comment": ("Renvoyer à l'AMOI avec une remarque", can_answer_split),
    "validate_amoi": ("Valider la répartition (AMOI)", can_validate_split_as_amoi),
    "validate_buyer": ("Valider la répartition (maître d'ouvrage)", can_validate_split_as_buyer),
    "reopen": ("Rouvrir la répartition pour la modifier", can_reopen_split),
}
DONE = {
    "propose": "La répartition est proposée à l'entreprise générale.",
    "accept": "Vous avez accepté la répartition : l'AMOI et le maître d'ouvrage vont la valider.",
    "comment": "Votre remarque est transmise à l'AMOI, qui va revoir la répartition.",
    "validate_amoi": "Répartition validée par l'AMOI : le maître d'ouvrage doit la valider.",
    "validate_buyer": "La répartition est validée : le devis peut être construit sur elle.",
    "reopen": "La répartition est rouverte : elle devra être proposée et validée à nouveau.",
}


def split_or_404(operation_id: int) -> TceSplit:
    """The operation's split if the user may see it (scoped, through ``get_or_404``, so an
    attempt on another organisation's split is audited), else 404."""
    split_id = db.session.scalar(select(TceSplit.id).where(TceSplit.operation_id == operation_id))
    if split_id is None:
        abort(404)
    return get_or_404(TceSplit, split_id)


def _page(split_id_operation: int):
    return redirect(url_for("markets.tce_split", operation_id=split_id_operation), code=303)


@bp.route("/operations/<int:operation_id>/repartition-tce")
@allow(Role.FACILITATOR, Role.BUYER, Role.COMPANY)
def tce_split(operation_id: int):
    split = split_or_404(operation_id)
    operation = split.operation
    shares = db.session.scalars(
        select(SubcontractorShare)
        .where(SubcontractorShare.operation_id == operation.id)
        .options(joinedload(SubcontractorShare.company))
        .order_by(SubcontractorShare.id)
    ).all()
    show_prices = can_see_prices(g.user)
    prices, grid_info = {}, None
    if show_prices:
        grid_info = pricing.pricing_grid(operation, today())
        _lots, prices = pricing.lot_prices(operation, grid_info.grid)
    actions = [
        (action, label) for action, (label, allowed) in ACTIONS.items() if allowed(g.user, split)
    ]
    return render_template(
        "markets/tce_split.html",
        split=split,
        op=operation,
        shares=shares,
        weights={share.id: tce.share_weight(share) for share in shares},
        labour={
            share.id: TRADES[share.trade].labour_share for share in shares if share.trade in TRADES
        },
        prices=prices,
        grid_info=grid_info,
        total_price=pricing.tce_total(prices) if prices else None,
        award=pricing.operation_award_criterion(operation),
        actions=actions,
        can_prepare=can_prepare_split(g.user, split),
        share_form=ShareForm(),
        show_operation_link=g.role in (Role.FACILITATOR, Role.BUYER),
    )


@bp.route("/operations/<int:operation_id>/repartition-tce/<action>", methods=["POST"])
@allow(Role.FACILITATOR, Role.BUYER, Role.COMPANY)
def tce_split_action(operation_id: int, action: str):
    split = split_or_404(operation_id)
    if action not in ACTIONS:
        abort(404)
    check_version(split)
    _label, allowed = ACTIONS[action]
    if not allowed(g.user, split):
        abort(403, description="Cette étape de la répartition ne vous revient pas à ce stade.")

    def act() -> None:
        tce.act(split, action, g.user, request.form.get("comment", ""))
        notifications.split_changed(split, action)  # queued: leaves with the commit

    perform(split, act)
    flash(DONE[action], "success")
    return _page(operation_id)


@bp.route("/operations/<int:operation_id>/repartition-tce/heures", methods=["POST"])
@allow(Role.FACILITATOR)
def tce_split_hours(operation_id: int):
    split = split_or_404(operation_id)
    check_version(split)
    try:
        message = _save_hours(split)
        db.session.commit()
    except StaleDataError:
        stale(split)
    except SplitRefused as refused:  # a typing mistake: back to the page, nothing saved
        db.session.rollback()
        flash(str(refused), "error")
        return _page(operation_id)
    flash(message, "success")
    return _page(operation_id)


def _save_hours(split: TceSplit) -> str:
    operation = split.operation
    if request.form.get("recompute"):
        tce.require_draft(operation)
        tce.propose_hours(operation)
        audit.record("split.hours_proposed", operation)
        split.last_changed_by_id = g.user.id
        return "Les heures sont proposées au prorata du montant × part de main-d'œuvre."
    hours = {}
    for share in operation.shares:
        value = parse_int(request.form.get(f"hours-{share.id}"))
        if value is None:
            raise SplitRefused(
                f"Saisissez un nombre entier d'heures pour {share.company.name} "
                f"({share.trade_label})."
            )
        hours[share.id] = value
    tce.set_hours(operation, hours, g.user)
    split.last_changed_by_id = g.user.id
    return "Les heures par corps d'état sont enregistrées."


# --- shares (the AMOI, while the split is in draft) ----------------------------------------


@bp.route("/operations/<int:operation_id>/parts", methods=["POST"])
@allow(Role.FACILITATOR)
def share_create(operation_id: int):
    op = get_or_404(Operation, operation_id)
    if not op.is_tce:
        abort(409, description="Seule une opération TCE a des parts de sous-traitants.")
    try:
        tce.require_draft(op)
    except SplitRefused as refused:
        abort(409, description=str(refused))
    form = ShareForm()
    if not form.validate():
        messages = " ".join(e for errors in form.errors.values() for e in errors)
        flash(f"La part n'a pas été ajoutée : {messages}", "error")
        return _page(op.id)
    share = SubcontractorShare(
        operation=op,
        company_id=int(form.company_id.data),
        trade=form.trade.data,
        amount_excl_tax=form.amount_excl_tax.data,
    )
    db.session.add(share)
    db.session.flush()
    db.session.refresh(op, ["shares"])
    tce.ensure_split(op)
    tce.propose_hours(op)
    audit.record("share.created", share, detail=f"operation={op.id}")
    db.session.commit()
    flash("La part du sous-traitant a été ajoutée et les heures proposées à nouveau.", "success")
    return _page(op.id)


@bp.route("/parts/<int:share_id>/supprimer", methods=["POST"])
@allow(Role.FACILITATOR)
def share_delete(share_id: int):
    share = get_or_404(SubcontractorShare, share_id)
    op = share.operation
    try:
        tce.require_draft(op)
    except SplitRefused as refused:
        abort(409, description=str(refused))
    page = url_for("markets.tce_split", operation_id=op.id)
    if (asked := confirm.step(confirm_share_deletion(share), page)) is not None:
        return asked
    audit.record("share.deleted", share, detail=f"operation={op.id}")
    db.session.delete(share)
    db.session.flush()
    db.session.refresh(op, ["shares"])
    tce.propose_hours(op)
    db.session.commit()
    flash("La part a été supprimée et les heures proposées à nouveau.", "success")
    return _page(op.id)
