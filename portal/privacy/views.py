"""A person's rights: the page that says how long the file is kept, the export for an
access request (JSON and PDF) and the erasure (docs/gdpr-record.md §9). The AMOI only; each
export and erasure leaves an audit line (ids and codes, never a value)."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, flash, g, redirect, render_template, url_for

from portal import audit
from portal.access import Role, allow, get_or_404
from portal.clock import today
from portal.convention.payee import payee_block
from portal.documents.pdf import pdf_response, render_pdf
from portal.extensions import db
from portal.models import Participant
from portal.models.base import utcnow
from portal.privacy import anonymisation, bp
from portal.privacy.access import can_erase_participant
from portal.privacy.confirmations import confirm_participant_erasure
from portal.privacy.export import person_data
from portal.privacy.forms import ErasureForm
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.formflow import render_form, submitted_and_valid

participant_action = object_action(Participant, id_arg="participant_id")


def _years() -> int:
    return current_app.config["PEOPLE_RETENTION_YEARS"]


def _export(participant: Participant) -> dict:
    return person_data(
        participant,
        exported_on=today(),
        kept_until=anonymisation.kept_until(participant, _years()),
    )


@bp.route("/personnes/<int:participant_id>/donnees")
@allow(Role.FACILITATOR)
def person(participant_id: int):
    participant = get_or_404(Participant, participant_id)
    audit.record("participant.privacy_viewed", participant, actor=g.user)
    page = render_template(
        "privacy/person.html",
        participant=participant,
        kept_until=anonymisation.kept_until(participant, _years()),
        form=ErasureForm(),
    )
    db.session.commit()  # the audit line of the view
    return page


@bp.route("/personnes/<int:participant_id>/donnees.json")
@allow(Role.FACILITATOR)
def export_json(participant_id: int):
    participant = get_or_404(Participant, participant_id)
    data = _export(participant)
    audit.record("participant.exported", participant, actor=g.user, detail="format=json")
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="donnees-personne-{participant.id}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/personnes/<int:participant_id>/donnees.pdf")
@allow(Role.FACILITATOR)
def export_pdf(participant_id: int):
    participant = get_or_404(Participant, participant_id)
    data = _export(participant)
    document = render_pdf("pdf/person_data.html", data=data, payee=payee_block())
    audit.record("participant.exported", participant, actor=g.user, detail="format=pdf")
    db.session.commit()
    return pdf_response(document, f"donnees-personne-{participant.id}.pdf")


@bp.route("/personnes/<int:participant_id>/effacer", methods=["POST"])
@allow(Role.FACILITATOR)
@participant_action
def erase(participant: Participant):
    if not can_erase_participant(g.user, participant):
        abort(409, description="Les données de cette personne sont déjà effacées.")
    form = ErasureForm()
    page = url_for("privacy.person", participant_id=participant.id)
    if not submitted_and_valid(form):
        return render_form(
            "privacy/person.html",
            "privacy/person.html",  # a plain POST form (a confirmation), never swapped by htmx
            form,
            participant=participant,
            kept_until=anonymisation.kept_until(participant, _years()),
        )
    if (asked := confirm.step(confirm_participant_erasure(participant), page)) is not None:
        return asked
    anonymisation.anonymise_participant(participant, g.user, form.reason.data, utcnow())
    flash(
        f"Les données personnelles de la personne n° {participant.id} sont effacées ; "
        "ses contrats et ses heures restent comptés.",
        "success",
    )
    return redirect(page, code=303)
