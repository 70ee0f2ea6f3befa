"""The statements' review pages (blueprint ``statements``; convention art. 4; docs/domain.md §7).

- ``/releves/a-valider``: the AMOI's queue of submitted statements, oldest first;
- ``/releves/<id>/examen``: the AMOI validates every line, or proposes to refuse chosen
  lines each with a reason (``/releves/<id>/validation``, ``/releves/<id>/refus``);
- ``/releves/refus-a-decider``: the lines of the buyer's lots whose refusal the AMOI
  proposed; the buyer confirms or overturns each, with a comment
  (``/releves/lignes/<id>/decision``). No name on the buyer's page (docs/domain.md §7).

Imported by :mod:`portal.statements.views`, whose blueprint it extends.
"""

from __future__ import annotations

import re
from datetime import date

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.access import Role, allow, get_or_404
from portal.extensions import db
from portal.french import quantity
from portal.models import HourLine, HourStatement, Lot, Placement
from portal.models.base import utcnow
from portal.refusals import Refused
from portal.statements import review
from portal.statements.access import can_decide_refusal, can_review_statement
from portal.statements.review_confirmations import (
    confirm_refusal_decision,
    confirm_refusal_proposal,
    confirm_statement_validation,
)
from portal.statements.services import line_counts
from portal.statements.views import bp
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.pagination import paginate
from portal.web.params import int_arg, parse_int

MONTH = re.compile(r"(\d{4})-(\d{2})")


def _month_arg() -> date | None:
    match = MONTH.fullmatch(request.args.get("mois", ""))
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


# --- the AMOI ---------------------------------------------------------------------------------


@bp.route("/releves/a-valider")
@allow(Role.FACILITATOR)
def queue():
    """The submitted statements, oldest first; filters by organisation and month."""
    organisation_id = int_arg("organisation")
    month = _month_arg()
    page = paginate(review.queue(g.user, organisation_id, month))
    return render_template(
        "statements/review_queue.html",
        page=page,
        counts=line_counts([statement.id for statement in page.items]),
        organisations=review.queue_organisations(g.user),
        organisation_id=organisation_id,
        month=month,
        filters={
            key: value
            for key, value in (
                ("organisation", organisation_id),
                ("mois", f"{month:%Y-%m}" if month else None),
            )
            if value
        },
    )


def _lines(statement: HourStatement) -> list[HourLine]:
    return list(
        db.session.scalars(
            select(HourLine)
            .where(HourLine.statement_id == statement.id)
            .options(
                joinedload(HourLine.placement).joinedload(Placement.participant),
                joinedload(HourLine.placement).joinedload(Placement.lot).joinedload(Lot.market),
            )
            .order_by(HourLine.source_line, HourLine.id)
        )
    )


def _review_page(statement: HourStatement, status: int = 200, **context):
    audit.record("statement.viewed", statement, actor=g.user, detail="review_page")
    return (
        render_template(
            "statements/review.html",
            statement=statement,
            lines=_lines(statement),
            chosen=context.pop("chosen", {}),
            errors=context.pop("errors", {}),
            **context,
        ),
        status,
    )


@bp.route("/releves/<int:statement_id>/examen")
@allow(Role.FACILITATOR)
def review_page(statement_id: int):
    """The AMOI's review of one statement: its lines with the people's names (audited)."""
    statement = get_or_404(HourStatement, statement_id)
    response = _review_page(statement)
    db.session.commit()
    return response


@bp.route("/releves/<int:statement_id>/validation", methods=["POST"])
@allow(Role.FACILITATOR)
@object_action(HourStatement, id_arg="statement_id")
def validate(statement: HourStatement):
    """« Valider tout »: every line validated, the statement validated."""
    if not can_review_statement(g.user, statement):
        raise Refused(f"Ce relevé est « {statement.status_label} » : il n'est plus à valider.")
    back = url_for("statements.review_page", statement_id=statement.id)
    if (asked := confirm.step(confirm_statement_validation(statement), back)) is not None:
        return asked
    review.validate_all(statement, g.user, utcnow())
    flash(
        f"Le relevé de {statement.month:%m/%Y} est validé "
        f"({quantity(len(statement.lines), 'ligne')}) ; la structure en est informée.",
        "success",
    )
    return redirect(url_for("statements.queue"), code=303)


def _chosen(statement: HourStatement) -> dict[int, str]:
    """The lines the AMOI checked (``refuser`` values) and their reasons (``motif-<id>``)."""
    ids = {line.id for line in statement.lines}
    chosen = {}
    for raw in request.form.getlist("refuser"):
        if (line_id := parse_int(raw)) in ids:
            chosen[line_id] = request.form.get(f"motif-{raw}", "")
    return chosen


@bp.route("/releves/<int:statement_id>/refus", methods=["POST"])
@allow(Role.FACILITATOR)
@object_action(HourStatement, id_arg="statement_id")
def propose_refusal(statement: HourStatement):
    """Propose to refuse the checked lines, each with its reason; the others are validated."""
    if not can_review_statement(g.user, statement):
        raise Refused(f"Ce relevé est « {statement.status_label} » : il n'est plus à valider.")
    chosen = _chosen(statement)
    errors = {}
    if not chosen:
        errors[0] = review.NOTHING_CHOSEN
    for line_id, reason in chosen.items():
        if not reason.strip():
            errors[line_id] = review.REASON_REQUIRED
    if errors:
        return _review_page(statement, 422, chosen=chosen, errors=errors)
    back = url_for("statements.review_page", statement_id=statement.id)
    if (asked := confirm.step(confirm_refusal_proposal(statement), back)) is not None:
        return asked
    proposed = review.propose_refusal(statement, g.user, utcnow(), chosen)
    others = len(statement.lines) - len(proposed)
    flash(
        f"Le refus de {quantity(len(proposed), 'ligne')} est proposé au maître d'ouvrage du "
        f"lot ; {quantity(others, 'autre ligne', 'autres lignes')} "
        f"{'validée' if others < 2 else 'validées'}.",
        "success",
    )
    return redirect(url_for("statements.queue"), code=303)


# --- the buyer --------------------------------------------------------------------------------


def _refusals_page(status: int = 200, **context):
    page = paginate(review.pending_decisions(g.user))
    audit.record("hour_line.viewed", None, object_type="HourLine", detail="refusals_page")
    return (
        render_template(
            "statements/review_refusals.html",
            page=page,
            errors=context.pop("errors", {}),
            comments=context.pop("comments", {}),
            lot_label=review.placement_target,
            **context,
        ),
        status,
    )


@bp.route("/releves/refus-a-decider")
@allow(Role.BUYER, Role.FACILITATOR)
def refusals():
    """The lines of the buyer's lots whose refusal waits for its decision (the AMOI sees
    every one waiting). Hours, month, lot, employer and reason: no name."""
    response = _refusals_page()
    db.session.commit()
    return response


@bp.route("/releves/lignes/<int:hour_line_id>/decision", methods=["POST"])
@allow(Role.BUYER)
@object_action(HourLine)
def decide_refusal(line: HourLine):
    """The lot's buyer confirms (``decision=confirmer``) or overturns (``ecarter``) the
    refusal, with a comment."""
    if not can_decide_refusal(g.user, line):
        raise Refused(f"Cette ligne est « {line.status_label} » : elle n'attend plus de décision.")
    decision = request.form.get("decision", "")
    comment = request.form.get("commentaire", "").strip()
    if decision not in {"confirmer", "ecarter"}:
        return _refusals_page(
            422,
            errors={line.id: "Choisissez : confirmer le refus ou l'écarter."},
            comments={line.id: comment},
        )
    if not comment:
        return _refusals_page(422, errors={line.id: review.COMMENT_REQUIRED})
    if (
        asked := confirm.step(confirm_refusal_decision(line), url_for("statements.refusals"))
    ) is not None:
        return asked
    confirmed = decision == "confirmer"
    review.decide(line, g.user, utcnow(), confirm=confirmed, comment=comment)
    flash(
        "Le refus est confirmé : ces heures ne compteront pas."
        if confirmed
        else "Le refus est écarté : ces heures comptent pour la clause.",
        "success",
    )
    return redirect(url_for("statements.refusals"), code=303)
