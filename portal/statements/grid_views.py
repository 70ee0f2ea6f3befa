"""The company's typed grid (URLs ``/releves/saisie…``; docs/domain.md §7; issue 10).

A titulaire types the month's hours of its direct hires, one row per placement
(:mod:`portal.statements.grid`); the AMOI may type on a company's behalf
(``entered_by_amoi``). The rows are checked as the user types (htmx, debounced: the page
posts the grid to ``grid_check``, which answers each row's problems out of band) and again
on save. « Enregistrer le brouillon » keeps a draft; « Transmettre » submits it to the
AMOI after a confirmation. A validated month is read-only. Registered on the statements
blueprint (imported at the end of :mod:`portal.statements.views`).
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from portal import audit, clock
from portal.access import Role, allow, get_or_404, is_facilitator, predicate, scoped
from portal.extensions import db
from portal.french import quantity
from portal.models import Organisation, OrgKind, Placement, User
from portal.models.base import utcnow
from portal.refusals import Refused
from portal.rules.deadlines import add_months
from portal.statements import grid as grids
from portal.statements.grid_confirmations import confirm_grid_submit
from portal.statements.services import target_label
from portal.statements.views import bp
from portal.web import confirm
from portal.web.actions import stale
from portal.web.params import parse_int

TYPISTS = (Role.FACILITATOR, Role.COMPANY)


@predicate
def can_type_statement(user: User | None) -> bool:
    """A company types the statements of its direct hires; the AMOI may type on a
    company's behalf (issue 10; docs/domain.md §6 and §7)."""
    return user is not None and (is_facilitator(user) or user.role is Role.COMPANY)


@bp.app_template_filter("target")
def _target(placement: Placement) -> str:
    """The lot or the TCE share a placement counts on, as the pages show it."""
    return target_label(placement)


def _companies() -> list[Organisation]:
    return list(
        db.session.scalars(
            scoped(Organisation)
            .where(Organisation.kind == OrgKind.COMPANY.value, Organisation.active.is_(True))
            .order_by(Organisation.name)
        )
    )


def _organisation(raw) -> Organisation | None:
    """The company whose grid it is: the user's own; for the AMOI, the one it chose (a
    company, in its scope), None when it chose none."""
    if not is_facilitator(g.user):
        return g.user.organisation
    org_id = parse_int(raw)
    if not org_id:
        return None
    organisation = get_or_404(Organisation, org_id)
    if organisation.kind != OrgKind.COMPANY.value:
        abort(404)
    return organisation


def _month(raw) -> tuple[date, str | None]:
    """The month asked (default: the last one) and why it cannot be typed, if so."""
    now = clock.today()
    if not raw:
        return grids.default_month(now), None
    month = grids.parse_month(raw)
    if month is None:
        return grids.default_month(now), (
            f"« {str(raw)[:20]} » n'est pas un mois (choisissez un mois, par exemple 03/2026)."
        )
    return month, grids.month_problem(month, now)


def _url(month: date, organisation: Organisation | None) -> str:
    args = {"mois": f"{month:%Y-%m}"}
    if organisation is not None and is_facilitator(g.user):
        args["organisation"] = organisation.id
    return url_for("statements.grid", **args)


def _page(result: grids.Grid | None, organisation, month, status: int = 200, **context):
    now = clock.today()
    previous = add_months(month, -1)
    following = add_months(month, 1)
    return (
        render_template(
            "statements/grid.html",
            grid=result,
            organisation=organisation,
            month=month,
            amoi=is_facilitator(g.user),
            companies=_companies() if is_facilitator(g.user) else [],
            previous_url=_url(previous, organisation),
            next_url=_url(following, organisation) if following <= now.replace(day=1) else None,
            **context,
        ),
        status,
    )


def _typed(result_rows) -> dict[int, tuple[str, str]]:
    """The values the form carried, per placement id of the grid (other ids are ignored)."""
    form = request.form
    return {
        row.id: (form.get(f"hours-{row.id}", "")[:20], form.get(f"training-{row.id}", "")[:20])
        for row in result_rows
    }


@bp.route("/releves/saisie")
@allow(*TYPISTS)
def grid():
    """The month's grid of the company's direct hires (the AMOI: of the company chosen)."""
    organisation = _organisation(request.args.get("organisation"))
    month, month_error = _month(request.args.get("mois"))
    if organisation is None:
        return _page(None, None, month)
    if month_error:
        return _page(None, organisation, month, 422, month_error=month_error)
    result = grids.grid(organisation, month)
    audit.record(
        "statement.grid_viewed",
        result.statement,
        object_type="" if result.statement else "Organisation",
        object_id="" if result.statement else organisation.id,
        detail=f"mois={month:%Y-%m} lignes={len(result.rows)}",
        actor=g.user,
        organisation=organisation,
    )
    db.session.commit()
    return _page(result, organisation, month)


def _posted() -> tuple[Organisation, date]:
    organisation = _organisation(request.form.get("organisation"))
    if organisation is None:
        abort(404)
    month, month_error = _month(request.form.get("mois"))
    if month_error:
        abort(422, description=month_error)
    return organisation, month


@bp.route("/releves/saisie/verifier", methods=["POST"])
@allow(*TYPISTS)
def grid_check():
    """htmx, as the user types: each row's problems (out-of-band swaps) and the summary.
    Writes nothing."""
    organisation, month = _posted()
    result = grids.grid(organisation, month)
    result = grids.check(organisation, month, _typed(result.rows))
    return render_template("statements/_grid_check.html", grid=result)


@bp.route("/releves/saisie", methods=["POST"])
@allow(*TYPISTS)
def grid_save():
    """Save the grid as a draft, or submit it (after the confirmation): checked again, all
    or nothing, the typed values back with their errors when a row is wrong."""
    organisation, month = _posted()
    current = grids.grid(organisation, month)
    statement = current.statement
    sent_version = parse_int(request.form.get("version"))
    if statement is not None and sent_version != statement.version:
        stale(statement)
    if statement is None and sent_version:
        abort(
            409,
            description="Ce relevé a changé pendant que vous le saisissiez : rechargez la page.",
        )
    result = grids.check(organisation, month, _typed(current.rows))
    if not result.editable:
        abort(
            409,
            description=f"Le relevé de {month:%m/%Y} est {statement.status_label.lower()} : "
            "il ne peut plus être modifié.",
        )
    if not result.ok:
        return _page(result, organisation, month, 422, saving=True)
    submit = (request.form.get("action") or ("submit" if confirm.confirmed() else "")) == "submit"
    if submit:
        asked = confirm.step(confirm_grid_submit(organisation, month), _url(month, organisation))
        if asked is not None:
            return asked
    try:
        grids.save(result, g.user, utcnow(), submit=submit)
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        abort(409, description=str(refused))
    except IntegrityError:  # the same month created meanwhile (another tab, a colleague)
        db.session.rollback()
        abort(
            409,
            description="Un relevé du même mois vient d'être enregistré : rechargez la page "
            "pour le voir avant de le modifier.",
        )
    count = quantity(len(result.filled), "ligne")
    if submit:
        flash(
            f"Le relevé de {month:%m/%Y} est transmis ({count}) : l'AMOI va le valider.",
            "success",
        )
    else:
        flash(f"Le brouillon du relevé de {month:%m/%Y} est enregistré ({count}).", "success")
    return redirect(_url(month, organisation), code=303)
