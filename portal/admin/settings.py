"""The convention's avenants (periods added by renewal) and the payee block printed on
invoices: reference data that facilitator admins keep, never hard-coded (docs/domain.md §1)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from portal import audit
from portal.access import Role, allow, get_or_404
from portal.admin import bp
from portal.admin.settings_forms import AmendmentForm, BillingForm, TerminationForm
from portal.clock import today
from portal.convention import periods as convention
from portal.convention.payee import PAYEE_FIELDS, payee_block, payee_missing
from portal.convention.periods import convention_periods
from portal.extensions import db
from portal.models import Amendment, ConventionTermination, Quote, Setting
from portal.rules import deadlines, tariffs
from portal.web.formflow import render_form, submitted_and_valid

FORM_PAGE = "admin/amendment_form.html"
FORM_PARTIAL = "admin/_partials/_amendment_form.html"


@bp.route("/avenants")
@allow(Role.FACILITATOR, admin=True)
def amendments():
    day = today()
    periods = convention_periods()
    amendments = db.session.scalars(
        select(Amendment).order_by(Amendment.period_start, Amendment.id)
    ).all()
    payee = payee_block()
    try:
        grid_today = convention.grid_on(day)
    except convention.OutsideConvention:
        grid_today = None
    return render_template(
        "admin/amendments.html",
        day=day,
        convention=sorted(deadlines.CONVENTION_PERIODS, key=lambda p: p.start),
        amendments=amendments,
        grids={a.id: convention.amendment_grid(a) for a in amendments if a.grid},
        grid_today=grid_today,
        period_in_force=deadlines.convention_period_for(day, periods),
        last_period=_latest(periods),
        payee_missing=payee_missing(payee),
        termination=convention.active_termination(),
        termination_form=TerminationForm(data={"notice_given_on": day}),
        notice_months=deadlines.NOTICE_MONTHS,
    )


def _latest(periods: list[deadlines.ConventionPeriod]) -> deadlines.ConventionPeriod | None:
    """The period that ends last: the one a renewal follows."""
    return max(periods, key=lambda p: (p.end, p.start), default=None)


def _renewal_proposal() -> tuple[dict, str]:
    """Form values renewing the latest period for an equivalent length (docs/domain.md §1:
    renewed only by avenant, for an equivalent period) and a French note explaining them
    (or why none can be proposed, with no values)."""
    last = _latest(convention_periods())
    if last is None:
        return {}, "Aucune période connue : saisissez la période de l'avenant."
    count = db.session.scalar(select(func.count()).select_from(Amendment)) or 0
    reference = f"Avenant n°{count + 1}"
    try:
        renewal = deadlines.renewal_of(
            last,
            code=f"amendment_{count + 1}",
            label="Renouvellement de la convention",
            amendment=reference,
        )
    except ValueError:
        return {}, (
            f"La période « {last.label} » ne couvre pas un nombre entier de mois : aucun "
            "renouvellement ne peut être proposé, saisissez la période de l'avenant."
        )
    values = {
        "reference": reference,
        "label": f"{renewal.label} {renewal.start.year}-{renewal.end.year}",
        "period_start": renewal.start,
        "period_end": renewal.end,
    }
    note = (
        f"Période proposée : du {renewal.start:%d/%m/%Y} au {renewal.end:%d/%m/%Y}, "
        f"soit la durée de « {last.label} » ({last.start:%d/%m/%Y} – {last.end:%d/%m/%Y}). "
        "Vérifiez-la avec le texte signé avant d'enregistrer."
    )
    return values, note


def _base_grid() -> tariffs.TariffGrid:
    """The grid a new avenant's prices start from: the one in force today."""
    try:
        return convention.grid_on(today())
    except convention.OutsideConvention:
        return convention.grids()[-1]


def _grid_used_by(amendment: Amendment) -> str:
    """The number of a submitted quote priced with the avenant's grid, or ""."""
    return (
        db.session.scalar(
            select(Quote.number)
            .where(Quote.grid_code == f"amendment_{amendment.id}", Quote.number.is_not(None))
            .order_by(Quote.id)
            .limit(1)
        )
        or ""
    )


@bp.route("/avenants/nouveau", methods=["GET", "POST"])
@allow(Role.FACILITATOR, admin=True)
def amendment_create():
    form = AmendmentForm(base_grid=_base_grid())
    renewal = None  # (values proposed?, French note)
    if request.method == "GET" and request.args.get("renouvellement"):
        values, note = _renewal_proposal()
        for name, value in values.items():
            form[name].data = value
        renewal = (bool(values), note)
    if submitted_and_valid(form):
        amendment = Amendment()
        changed = form.apply_to(amendment)
        db.session.add(amendment)
        db.session.flush()
        audit.record("amendment.created", amendment, detail="fields=" + ",".join(changed))
        db.session.commit()
        flash(f"L'avenant « {amendment.reference} » a été enregistré.", "success")
        return redirect(url_for("admin.amendments"), code=303)
    return render_form(FORM_PAGE, FORM_PARTIAL, form, amendment=None, renewal=renewal)


@bp.route("/avenants/<int:amendment_id>/modifier", methods=["GET", "POST"])
@allow(Role.FACILITATOR, admin=True)
def amendment_edit(amendment_id: int):
    amendment = get_or_404(Amendment, amendment_id)
    form = AmendmentForm(
        obj=amendment,
        amendment=amendment,
        base_grid=_base_grid(),
        grid_locked_by=_grid_used_by(amendment),
    )
    if submitted_and_valid(form):
        changed = form.apply_to(amendment)
        if changed:
            audit.record("amendment.updated", amendment, detail="fields=" + ",".join(changed))
        db.session.commit()
        flash("Les modifications de l'avenant ont été enregistrées.", "success")
        return redirect(url_for("admin.amendments"), code=303)
    return render_form(FORM_PAGE, FORM_PARTIAL, form, amendment=amendment, renewal=None)


@bp.route("/facturation", methods=["GET", "POST"])
@allow(Role.FACILITATOR, admin=True)
def billing_settings():
    form = BillingForm(data=payee_block() if request.method == "GET" else None)
    if submitted_and_valid(form):
        rows = {
            row.key: row
            for row in db.session.scalars(select(Setting).where(Setting.key.in_(PAYEE_FIELDS)))
        }
        changed = []
        for key, value in form.values().items():
            row = rows.get(key)
            if (row.value if row else "") == value:
                continue
            if row is None:
                db.session.add(Setting(key=key, value=value))
            else:
                row.value = value
            changed.append(key)
        if changed:
            # Keys only: bank details are not written to the audit trail.
            audit.record(
                "settings.payee_updated",
                object_type="Setting",
                object_id="payee",
                detail="keys=" + ",".join(changed),
            )
        db.session.commit()
        flash("Les coordonnées de facturation ont été enregistrées.", "success")
        return redirect(url_for("admin.billing_settings"), code=303)
    return render_form("admin/billing.html", "admin/_partials/_billing_form.html", form)


# --- termination of the convention (art. 6) -----------------------------------------------------


@bp.route("/avenants/resiliation", methods=["POST"])
@allow(Role.FACILITATOR, admin=True)
def termination_create():
    form = TerminationForm()
    if not form.validate():
        messages = " ".join(e for errors in form.errors.values() for e in errors)
        flash(f"La résiliation n'a pas été enregistrée : {messages}", "error")
        return redirect(url_for("admin.amendments", _anchor="resiliation"), code=303)
    if convention.active_termination() is not None:
        flash("Une résiliation est déjà enregistrée : retirez-la d'abord.", "error")
        return redirect(url_for("admin.amendments", _anchor="resiliation"), code=303)
    given_on = form.notice_given_on.data
    termination = ConventionTermination(
        notice_given_on=given_on,
        effective_on=deadlines.notice_end(given_on),
        given_by=form.given_by.data,
        reason=form.reason.data.strip(),
        created_by_id=g.user.id,
    )
    db.session.add(termination)
    db.session.flush()
    audit.record(
        "convention.terminated", termination, detail=f"effective={termination.effective_on}"
    )
    db.session.commit()
    flash(
        f"Résiliation enregistrée : la convention prend fin le "
        f"{termination.effective_on:%d/%m/%Y} ; aucun devis ne pourra être daté de ce jour "
        "ou après.",
        "success",
    )
    return redirect(url_for("admin.amendments", _anchor="resiliation"), code=303)


@bp.route("/avenants/resiliation/<int:termination_id>/retrait", methods=["POST"])
@allow(Role.FACILITATOR, admin=True)
def termination_withdraw(termination_id: int):
    termination = get_or_404(ConventionTermination, termination_id)
    if termination.withdrawn_on is None:
        termination.withdrawn_on = today()
        audit.record("convention.termination_withdrawn", termination)
        db.session.commit()
        flash("Le préavis de résiliation est retiré : la convention suit son cours.", "success")
    return redirect(url_for("admin.amendments", _anchor="resiliation"), code=303)
