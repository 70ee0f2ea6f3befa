"""Proposing a person on a lot, the candidacy page with its proofs, and the AMOI's eligibility
decision (docs/domain.md §5)."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from portal.access import Role, allow, get_or_404
from portal.clock import today
from portal.convention.payee import payee_block
from portal.documents.pdf import pdf_response, render_pdf
from portal.extensions import db
from portal.models import (
    Candidacy,
    CandidacyCriterion,
    Organisation,
    OrgKind,
    Placement,
)
from portal.people import bp, proofs
from portal.people import services as service
from portal.people.access import (
    can_decide_eligibility,
    can_upload_proof,
)
from portal.people.forms import (
    CandidacyForm,
    DecisionForm,
    ProofForm,
)
from portal.people.view_common import (
    DECLARERS,
    candidacy_action,
    visible_criteria,
)
from portal.refusals import Refused
from portal.rules.eligibility import CRITERIA
from portal.rules.workflow import CandidacyStatus
from portal.web.formflow import render_form, submitted_and_valid
from portal.web.params import int_arg, parse_int

# --- proposal --------------------------------------------------------------------------------


def _replaced_placement() -> Placement | None:
    placement_id = int_arg("remplace")
    return get_or_404(Placement, placement_id) if placement_id else None


@bp.route("/candidatures/nouvelle", methods=["GET", "POST"])
@allow(*DECLARERS)
def propose():
    """A company or structure proposes a person for a lot; the AMOI can on its behalf."""
    replaces = _replaced_placement()
    amoi = g.role is Role.FACILITATOR
    form = CandidacyForm()
    form.declarer.choices = [("", "Choisir…")] + [(str(o.id), o.name) for o in service.declarers()]
    targets = service.targets_for(g.user)
    form.target.choices = [("", "Choisir…")] + [(t.key, t.label) for t in targets]
    if replaces is not None and request.method == "GET":
        form.target.data = (
            f"lot-{replaces.lot_id}" if replaces.lot_id else f"part-{replaces.share_id}"
        )
        if amoi:
            form.declarer.data = str(replaces.employer_id)
    if submitted_and_valid(form):
        declarer = _declarer_of(form, amoi)
        if declarer is not None:
            try:
                target = service.resolve_target(g.user, declarer, form.target.data)
                candidacy = service.propose(
                    g.user,
                    declarer,
                    target,
                    service.Identity(
                        last_name=form.last_name.data.strip(),
                        first_name=form.first_name.data.strip(),
                        birth_date=form.birth_date.data,
                        sex=form.sex.data,
                        commune=form.commune.data.strip(),
                        postal_code=form.postal_code.data.strip(),
                        qpv_resident=bool(form.qpv_resident.data),
                        qualification=form.qualification.data,
                    ),
                    form.details(),
                    list(form.criteria.data or []),
                    today(),
                    replaces=replaces,
                )
            except Refused as refused:
                db.session.rollback()
                form.target.errors = [*form.target.errors, str(refused)]
            else:
                db.session.commit()
                flash(
                    f"La candidature n° {candidacy.id} est transmise à l'AMOI, qui décidera "
                    "de l'éligibilité avant toute embauche.",
                    "success",
                )
                return redirect(url_for("people.candidacy", candidacy_id=candidacy.id), code=303)
    return render_form(
        "people/propose.html",
        "people/_partials/_propose_form.html",
        form,
        amoi=amoi,
        replaces=replaces,
    )


def _declarer_of(form: CandidacyForm, amoi: bool) -> Organisation | None:
    if not amoi:
        return g.org
    declarer_id = parse_int(form.declarer.data or "", minimum=1)
    declarer = db.session.get(Organisation, declarer_id) if declarer_id is not None else None
    if declarer is None or declarer.kind not in (OrgKind.COMPANY, OrgKind.STRUCTURE):
        form.declarer.errors = [*form.declarer.errors, "Choisissez l'entreprise ou la structure."]
        return None
    return declarer


# --- a candidacy -----------------------------------------------------------------------------


def _candidacy_page(candidacy: Candidacy, proof_form: ProofForm | None = None, status: int = 200):
    proof_form = proof_form or ProofForm()
    proof_form.code.choices = [("", "Choisir…")] + [
        (c.code, c.label) for c in CRITERIA.values() if not c.health_data
    ]
    earlier = None
    if g.role is Role.FACILITATOR and candidacy.status == CandidacyStatus.PENDING:
        earlier = service.earlier_decision(candidacy, today())
    return (
        render_template(
            "people/candidacy.html",
            candidacy=candidacy,
            criteria=visible_criteria(candidacy.criteria),
            proof_form=proof_form,
            earlier=earlier,
        ),
        status,
    )


@bp.route("/candidatures/<int:candidacy_id>")
@allow(*DECLARERS)
def candidacy(candidacy_id: int):
    candidacy = get_or_404(Candidacy, candidacy_id)
    service.record_view("candidacy.viewed", candidacy, g.user)
    db.session.commit()
    return _candidacy_page(candidacy)


@bp.route("/candidatures/<int:candidacy_id>/justificatifs", methods=["POST"])
@allow(*DECLARERS)
def upload_proof(candidacy_id: int):
    """A proof for one criterion (PDF, JPEG or PNG, checked by its first bytes). A refused
    file answers 422 with a French message and nothing is written."""
    candidacy = get_or_404(Candidacy, candidacy_id)
    if not can_upload_proof(g.user, candidacy):
        abort(409, description="L'AMOI a déjà décidé : les justificatifs ne peuvent plus changer.")
    form = ProofForm()
    form.code.choices = [(c, c) for c in CRITERIA]
    if form.validate():
        upload = request.files.get("file")
        data = upload.read(proofs.max_bytes() + 1) if upload else b""
        try:
            service.add_proof(
                candidacy,
                g.user,
                form.code.data,
                data,
                (form.proof_type.data or "").strip(),
                form.proof_date.data,
            )
        except Refused as refused:
            db.session.rollback()
            form.file.errors = [str(refused)]
        else:
            db.session.commit()
            flash("Le justificatif est déposé ; seule l'AMOI pourra le consulter.", "success")
            return redirect(url_for("people.candidacy", candidacy_id=candidacy.id), code=303)
    return _candidacy_page(candidacy, form, 422)


@bp.route("/candidatures/<int:candidacy_id>/justificatifs/<int:criterion_id>")
@allow(Role.FACILITATOR)
def proof(candidacy_id: int, criterion_id: int):
    """A proof file, to the AMOI only, as an attachment, never cached."""
    candidacy = get_or_404(Candidacy, candidacy_id)
    row = db.session.scalar(
        select(CandidacyCriterion).where(
            CandidacyCriterion.id == criterion_id, CandidacyCriterion.candidacy_id == candidacy.id
        )
    )
    path = proofs.path_of(row.proof_file) if row is not None and row.proof_file else None
    if path is None:
        abort(404)
    service.record_view("proof.downloaded", candidacy, g.user, detail=f"criterion={row.id}")
    db.session.commit()
    response = Response(path.read_bytes(), mimetype=row.proof_content_type)
    name = f"justificatif-{candidacy.id}-{row.id}{path.suffix}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the decision ----------------------------------------------------------------------------


@bp.route("/candidatures/<int:candidacy_id>/decision", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
@candidacy_action
def decide(candidacy: Candidacy):
    if not can_decide_eligibility(g.user, candidacy):
        raise Refused("L'AMOI a déjà décidé de cette candidature.")
    day = today()
    rules_row, rules = service.rules_on(day)
    claimed = [row.code for row in candidacy.criteria]
    default_hours = None
    if candidacy.lot is not None and candidacy.lot.planned_hours:
        default_hours = Decimal(candidacy.lot.planned_hours)
    elif candidacy.share is not None and candidacy.share.hours:
        default_hours = Decimal(candidacy.share.hours)
    form = DecisionForm(
        data={
            "retained": [code for code in claimed if rules.accepts(code)],
            "countable_hours": default_hours,
        }
    )
    if submitted_and_valid(form):
        eligible = form.outcome.data == "eligible"
        seen = {}
        if form.rqth_seen.data:
            seen["disabled_worker"] = ("Décision MDPH (vue, non conservée)", form.rqth_date.data)
        retained = list(form.retained.data or [])
        try:
            service.decide(
                candidacy,
                g.user,
                day,
                eligible=eligible,
                retained=retained,
                countable_hours=form.countable_hours.data,
                reason=form.reason.data or "",
                seen=seen,
            )
        except Refused as refused:
            db.session.rollback()
            db.session.refresh(candidacy)
            form.outcome.errors = [*form.outcome.errors, str(refused)]
        else:
            flash("La décision est enregistrée ; le déclarant en est informé.", "success")
            return redirect(url_for("people.candidacy", candidacy_id=candidacy.id), code=303)
    service.record_view("candidacy.viewed", candidacy, g.user, detail="decision_page")
    return render_form(
        "people/decide.html",
        "people/_partials/_decision_form.html",
        form,
        candidacy=candidacy,
        checks=service.proof_checks(candidacy, rules, day),
        rules=rules,
        rules_row=rules_row,
        earlier=service.earlier_decision(candidacy, day),
        day=day,
    )


@bp.route("/candidatures/<int:candidacy_id>/notification.pdf")
@allow(*DECLARERS)
def notification_pdf(candidacy_id: int):
    """The *notification de validation*: the person, the lot, the modality, the validity
    and the hours that will count; never a criterion (health data among them)."""
    candidacy = get_or_404(Candidacy, candidacy_id)
    decision = candidacy.decision
    if decision is None or not decision.eligible:
        abort(404)
    service.record_view("notification.downloaded", candidacy, g.user)
    db.session.commit()
    data = render_pdf(
        "pdf/eligibility_notification.html",
        candidacy=candidacy,
        decision=decision,
        payee=payee_block(),
    )
    return pdf_response(data, f"notification-validation-{candidacy.id}.pdf")
