"""The hire and the placement's life: change, break, end, the situation at six months
(docs/domain.md §6)."""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from portal.access import Role, allow
from portal.extensions import db
from portal.models import (
    Candidacy,
    Placement,
)
from portal.people import bp
from portal.people import services as service
from portal.people.access import (
    can_manage_placement,
    can_record_followup,
)
from portal.people.confirmations import (
    confirm_hire,
    confirm_placement_break,
    confirm_placement_end,
)
from portal.people.forms import (
    BreakForm,
    ChangeForm,
    ExitForm,
    HireForm,
)
from portal.people.view_common import (
    DECLARERS,
    candidacy_action,
    placement_action,
)
from portal.refusals import Refused
from portal.rules.workflow import CandidacyStatus
from portal.web import confirm
from portal.web.formflow import render_form, submitted_and_valid

# --- hire and the placement's life -----------------------------------------------------------


@bp.route("/candidatures/<int:candidacy_id>/embauche", methods=["GET", "POST"])
@allow(*DECLARERS)
@candidacy_action
def hire(candidacy: Candidacy):
    """The declarer confirms the actual start; refused without an eligible decision."""
    if candidacy.status != CandidacyStatus.ELIGIBLE:
        raise Refused(service.NOT_ELIGIBLE_YET)
    form = HireForm(
        data={
            "contract_type": candidacy.contract_type,
            "start_date": candidacy.planned_start,
            "weekly_hours": candidacy.weekly_hours,
        }
        if request.method == "GET"
        else None
    )
    page = url_for("people.candidacy", candidacy_id=candidacy.id)
    if submitted_and_valid(form):
        if (asked := confirm.step(confirm_hire(candidacy), page)) is not None:
            return asked
        try:
            service.hire(
                candidacy,
                g.user,
                contract_type=form.contract_type.data,
                start_date=form.start_date.data,
                planned_end=form.planned_end.data,
                weekly_hours=form.weekly_hours.data,
            )
        except Refused as refused:
            db.session.rollback()
            db.session.refresh(candidacy)
            form.start_date.errors = [*form.start_date.errors, str(refused)]
        else:
            flash("L'embauche est confirmée : elle est en cours sur le lot.", "success")
            return redirect(page, code=303)
    service.record_view("candidacy.viewed", candidacy, g.user, detail="hire_page")
    return render_form(
        "people/hire.html", "people/_partials/_hire_confirm.html", form, candidacy=candidacy
    )


def _placement_form_page(
    placement: Placement, form, title: str, endpoint: str, confirm_builder=None
):
    service.record_view("placement.viewed", placement, g.user, detail=endpoint)
    return render_form(
        "people/placement_form.html",
        "people/_partials/_placement_confirm.html",
        form,
        placement=placement,
        title=title,
        endpoint=endpoint,
        confirm_builder=confirm_builder,
    )


def _managed(placement: Placement) -> None:
    if not can_manage_placement(g.user, placement):
        raise Refused("Cette embauche est terminée : elle ne peut plus changer.")


def _placement_step(
    placement: Placement,
    form,
    *,
    title: str,
    endpoint: str,
    act,
    error_field: str,
    success: str,
    confirm_builder=None,
):
    """One step of a placement's life (change, break, end): the form, the confirmation
    stating the consequence when there is one, the service ``act()``, its refusal shown on
    ``error_field``, then back to the candidacy's page."""
    _managed(placement)
    page = url_for("people.candidacy", candidacy_id=placement.candidacy_id)
    if submitted_and_valid(form):
        if (
            confirm_builder is not None
            and (asked := confirm.step(confirm_builder(placement), page)) is not None
        ):
            return asked
        try:
            act()
        except Refused as refused:
            db.session.rollback()
            db.session.refresh(placement)
            field = form[error_field]
            field.errors = [*field.errors, str(refused)]
        else:
            flash(success, "success")
            return redirect(page, code=303)
    return _placement_form_page(placement, form, title, endpoint, confirm_builder)


@bp.route("/embauches/<int:placement_id>/modification", methods=["GET", "POST"])
@allow(*DECLARERS)
@placement_action
def change_placement(placement: Placement):
    form = ChangeForm()
    return _placement_step(
        placement,
        form,
        title="Modifier la fin prévue ou les heures",
        endpoint="people.change_placement",
        act=lambda: service.change_placement(
            placement,
            g.user,
            effective_on=form.effective_on.data,
            planned_end=form.planned_end.data,
            weekly_hours=form.weekly_hours.data,
        ),
        error_field="effective_on",
        success="La modification de l'embauche est enregistrée.",
    )


@bp.route("/embauches/<int:placement_id>/rupture", methods=["GET", "POST"])
@allow(*DECLARERS)
@placement_action
def break_placement(placement: Placement):
    form = BreakForm()
    return _placement_step(
        placement,
        form,
        title="Enregistrer une rupture ou un abandon",
        endpoint="people.break_placement",
        act=lambda: service.break_placement(
            placement, g.user, day=form.day.data, kind=form.kind.data, reason=form.reason.data
        ),
        error_field="day",
        success="La rupture est enregistrée. Vous pouvez proposer un remplaçant.",
        confirm_builder=confirm_placement_break,
    )


@bp.route("/embauches/<int:placement_id>/fin", methods=["GET", "POST"])
@allow(*DECLARERS)
@placement_action
def end_placement(placement: Placement):
    form = ExitForm()
    return _placement_step(
        placement,
        form,
        title="Enregistrer la fin du contrat",
        endpoint="people.end_placement",
        act=lambda: service.end_placement(
            placement,
            g.user,
            day=form.day.data,
            exit_kind=form.exit_kind.data,
            duration_months=form.months,
        ),
        error_field="day",
        success="La fin du contrat et la situation de la personne sont enregistrées.",
        confirm_builder=confirm_placement_end,
    )


@bp.route("/embauches/<int:placement_id>/situation-6-mois", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
@placement_action
def followup(placement: Placement):
    if not can_record_followup(g.user, placement):
        raise Refused("Le contrat est en cours : la situation à 6 mois viendra après sa fin.")
    form = ExitForm()
    if submitted_and_valid(form):
        try:
            service.record_followup(
                placement,
                g.user,
                day=form.day.data,
                exit_kind=form.exit_kind.data,
                duration_months=form.months,
            )
        except Refused as refused:
            db.session.rollback()
            db.session.refresh(placement)
            form.exit_kind.errors = [*form.exit_kind.errors, str(refused)]
        else:
            flash("La situation à 6 mois est enregistrée.", "success")
            return redirect(url_for("people.followups"), code=303)
    return _placement_form_page(placement, form, "Situation à 6 mois", "people.followup")
