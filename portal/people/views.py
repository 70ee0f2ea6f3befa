"""People, candidacies, eligibility decisions and hires (docs/domain.md §5 and §6).

Every page that shows a person's data, and every download, writes an audit line (ids
only). Buyers never see a person: their page is counts per lot. The AMOI searches people
by POST, so that no name travels in a URL or a log line.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.access import Role, allow, get_or_404, scoped
from portal.audit import ACTION_LABELS
from portal.clock import today
from portal.convention.payee import payee_block
from portal.documents.pdf import pdf_response, render_pdf
from portal.extensions import db
from portal.models import (
    Candidacy,
    CandidacyCriterion,
    Lot,
    Organisation,
    OrgKind,
    Participant,
    Placement,
)
from portal.people import bp, proofs, queries
from portal.people import services as service
from portal.people.access import (
    can_decide_eligibility,
    can_manage_placement,
    can_record_followup,
    can_see_health_data,
    can_upload_proof,
)
from portal.people.confirmations import (
    confirm_hire,
    confirm_merge,
    confirm_placement_break,
    confirm_placement_end,
    confirm_split,
)
from portal.people.forms import (
    BreakForm,
    CandidacyForm,
    ChangeForm,
    DecisionForm,
    ExitForm,
    HireForm,
    ProofForm,
    ReferentForm,
    RulesForm,
    SearchForm,
)
from portal.refusals import Refused
from portal.rules.eligibility import CRITERIA, HarmonisationRules, normalise_name
from portal.rules.workflow import STATUS_LABELS, CandidacyStatus
from portal.web import confirm
from portal.web.actions import object_action, perform
from portal.web.formflow import render_form, submitted_and_valid
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet, pairs
from portal.web.params import int_arg, parse_int

DECLARERS = (Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE)
candidacy_action = object_action(Candidacy)
placement_action = object_action(Placement)


def _visible_criteria(rows):
    """The criteria the user may see: health-data codes for the AMOI only."""
    if can_see_health_data(g.user):
        return list(rows)
    return [row for row in rows if not row.health_data]


# --- lists -----------------------------------------------------------------------------------


INDEX_FILTERS = FilterSet(
    Filter(
        "statut",
        "Statut",
        "choice",
        list(STATUS_LABELS["candidacy"].items()),
        "Tous les statuts",
    ),
)


@bp.route("/personnes/")
@allow(Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE)
def index():
    """Declarers and the AMOI: the candidacies (the people proposed). Buyers: counts per
    lot, never a name."""
    if g.role is Role.BUYER:
        return render_template("people/counts.html", rows=queries.lot_counts(g.user))
    filters = INDEX_FILTERS.read()
    stmt = (
        scoped(Candidacy)
        .options(
            joinedload(Candidacy.participant),
            joinedload(Candidacy.declarer),
            joinedload(Candidacy.lot).joinedload(Lot.market),
            joinedload(Candidacy.share),
        )
        .order_by(Candidacy.submitted_at.desc(), Candidacy.id.desc())
    )
    if filters.parsed["statut"]:
        stmt = stmt.where(Candidacy.status == filters.parsed["statut"])
    pagination = filters.paginate(stmt)
    service.record_view("participants.listed", None, g.user, detail=f"rows={len(pagination.items)}")
    db.session.commit()
    return render(
        "people/index.html",
        "people/_partials/_table.html",
        pagination=pagination,
        filters=filters,
        search_form=SearchForm(),
    )


@bp.route("/personnes/recherche", methods=["POST"])
@allow(Role.FACILITATOR)
def search():
    """The AMOI's people search, by POST (no name in a URL or a log)."""
    form = SearchForm()
    people = []
    if form.validate():
        term = form.q.data.strip()
        # Each pattern is one bound value, built here: SQLAlchemy's icontains/contains
        # write « '%' || lower(?) || '%' », which SQLite computes again on every row
        # (tests/benchmarks/bench_people.py: about twice the time at 30,000 people).
        lowered = _contains_pattern(term.lower())
        clauses = [
            func.lower(Participant.last_name).like(lowered, escape="/"),
            func.lower(Participant.first_name).like(lowered, escape="/"),
        ]
        if folded := normalise_name(term):  # accents, case and hyphens ignored
            clauses.append(Participant.match_key.like(_contains_pattern(folded), escape="/"))
        people = db.session.scalars(
            scoped(Participant)
            .where(or_(*clauses), Participant.anonymised_at.is_(None))
            .order_by(Participant.last_name, Participant.first_name, Participant.id)
            .limit(50)
        ).all()
        service.record_view("participants.searched", None, g.user, detail=f"rows={len(people)}")
    status = 200 if not form.errors else 422
    page = render(
        "people/search.html",
        "people/_partials/_search_results.html",
        status=status,
        form=form,
        people=people,
    )
    # after rendering: a commit expires the rows, and the page would reload each one
    db.session.commit()
    return page


def _contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own ``%``, ``_`` and ``/`` escaped
    (with ``escape="/"``)."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _queue_lots():
    rows = db.session.execute(
        select(Lot.id, Lot.number, Lot.title)
        .join(Candidacy, Candidacy.lot_id == Lot.id)
        .where(Candidacy.status == CandidacyStatus.PENDING.value)
        .distinct()
        .order_by(Lot.id)
    ).all()
    return [(row.id, f"Lot {row.number} – {row.title}") for row in rows]


def _queue_declarers():
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .join(Candidacy, Candidacy.declarer_id == Organisation.id)
        .where(Candidacy.status == CandidacyStatus.PENDING.value)
        .distinct()
        .order_by(Organisation.name)
    ).all()
    return [(row.id, row.name) for row in rows]


QUEUE_FILTERS = FilterSet(
    Filter("lot", "Lot", "id", _queue_lots, "Tous les lots"),
    Filter("declarant", "Déclarant", "id", _queue_declarers, "Tous les déclarants"),
    Filter(
        "referent",
        "Référent AMOI",
        "id",
        lambda: pairs(service.amoi_users()),
        "Tous les référents",
    ),
    Filter("mes", "Dossiers", "choice", [("1", "Mes dossiers")], "Tous les dossiers"),
)


@bp.route("/candidatures/a-decider")
@allow(Role.FACILITATOR)
def queue():
    """Pending candidacies, oldest first (convention annex 1 §3)."""
    filters = QUEUE_FILTERS.read()
    stmt = (
        scoped(Candidacy)
        .join(Candidacy.participant)
        .options(
            joinedload(Candidacy.participant).joinedload(Participant.amoi_referent),
            joinedload(Candidacy.declarer),
            joinedload(Candidacy.lot).joinedload(Lot.market),
            joinedload(Candidacy.share),
        )
        .where(Candidacy.status == CandidacyStatus.PENDING.value)
        .order_by(Candidacy.submitted_at, Candidacy.id)
    )
    if filters.parsed["lot"]:
        stmt = stmt.where(Candidacy.lot_id == filters.parsed["lot"])
    if filters.parsed["declarant"]:
        stmt = stmt.where(Candidacy.declarer_id == filters.parsed["declarant"])
    if filters.parsed["referent"]:
        stmt = stmt.where(Participant.amoi_referent_id == filters.parsed["referent"])
    if filters.parsed["mes"]:
        stmt = stmt.where(Participant.amoi_referent_id == g.user.id)
    pagination = filters.paginate(stmt)
    service.record_view(
        "candidacies.queue_viewed", None, g.user, detail=f"rows={len(pagination.items)}"
    )
    page = render(
        "people/queue.html",
        "people/_partials/_queue_table.html",
        pagination=pagination,
        filters=filters,
    )
    # after rendering: a commit expires the rows, and the page would reload each one
    db.session.commit()
    return page


@bp.route("/embauches/suivis-6-mois")
@allow(Role.FACILITATOR)
def followups():
    """Placements whose +6-month situation is due (docs/domain.md §6)."""
    stmt = service.followups_due(today()).options(
        joinedload(Placement.participant), joinedload(Placement.employer)
    )
    pagination = db.paginate(stmt, per_page=50, error_out=False)
    service.record_view("placements.followups_listed", None, g.user)
    db.session.commit()
    return render_template("people/followups.html", pagination=pagination)


# --- a person --------------------------------------------------------------------------------


@bp.route("/personnes/<int:participant_id>")
@allow(*DECLARERS)
def show(participant_id: int):
    """A person: identity and, for the AMOI, every candidacy, decision and placement; for a
    declarer, only its own candidacies and placements."""
    participant = get_or_404(Participant, participant_id)
    candidacies = db.session.scalars(
        scoped(Candidacy)
        .where(Candidacy.participant_id == participant.id)
        .options(
            selectinload(Candidacy.criteria),
            joinedload(Candidacy.decision),
            joinedload(Candidacy.placement),
            joinedload(Candidacy.declarer),
        )
        .order_by(Candidacy.submitted_at.desc())
    ).all()
    history = service.history(participant, candidacies) if g.role is Role.FACILITATOR else []
    service.record_view("participant.viewed", participant, g.user)
    db.session.commit()
    return render_template(
        "people/show.html",
        participant=participant,
        candidacies=candidacies,
        history=history,
        action_labels=ACTION_LABELS,
        visible_criteria=_visible_criteria,
        referent_form=ReferentForm(data={"referent": participant.amoi_referent_id or ""}),
        amoi_users=service.amoi_users(),
    )


@bp.route("/lots/<int:lot_id>/personnes")
@allow(Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE)
def lot_people(lot_id: int):
    """The people hired on one lot. The AMOI and the employers see the placements they may
    see (names, modality, contract, dates: audited); the lot's buyer sees counts only, never
    a name (docs/domain.md §5)."""
    lot = get_or_404(Lot, lot_id)
    if g.role is Role.BUYER:
        counts = queries.lot_counts(g.user, lot.id)
        return render_template(
            "people/lot.html", lot=lot, counts=counts[0] if counts else None, placements=None
        )
    placements = db.session.scalars(
        service.placements_in_scope(g.user)
        .where(Placement.lot_id == lot.id)
        .options(joinedload(Placement.participant), joinedload(Placement.employer))
    ).all()
    service.record_view("placements.listed", lot, g.user, detail=f"rows={len(placements)}")
    db.session.commit()
    return render_template("people/lot.html", lot=lot, counts=None, placements=placements)


@bp.route("/personnes/<int:participant_id>/referent", methods=["POST"])
@allow(Role.FACILITATOR)
@object_action(Participant)
def referent(participant: Participant):
    form = ReferentForm()
    form.validate()
    raw = form.referent.data or ""
    referent_id = int(raw) if raw.isdigit() else None
    service.set_participant_referent(participant, g.user, referent_id)
    flash("Le référent unique de la personne est enregistré.", "success")
    return redirect(url_for("people.show", participant_id=participant.id), code=303)


@bp.route("/personnes/<int:participant_id>/fusion", methods=["POST"])
@allow(Role.FACILITATOR)
@object_action(Participant)
def merge(participant: Participant):
    """The AMOI merges this record into another (the same person entered twice)."""
    into = int_arg("fiche") or parse_int(request.form.get("fiche"), minimum=1)
    target = get_or_404(Participant, into) if into else None
    if target is None:
        raise Refused("Indiquez le numéro de la fiche dans laquelle fusionner celle-ci.")
    page = url_for("people.show", participant_id=participant.id)
    if (asked := confirm.step(confirm_merge(participant, target), page)) is not None:
        return asked
    service.merge_participants(participant, target, g.user)
    flash(f"La fiche est fusionnée dans la fiche n° {target.id}.", "success")
    return redirect(url_for("people.show", participant_id=target.id), code=303)


@bp.route("/candidatures/<int:candidacy_id>/separer", methods=["POST"])
@allow(Role.FACILITATOR)
@candidacy_action
def split(candidacy: Candidacy):
    """The AMOI detaches a candidacy wrongly linked to a known person."""
    page = url_for("people.candidacy", candidacy_id=candidacy.id)
    if (asked := confirm.step(confirm_split(candidacy), page)) is not None:
        return asked
    new = service.split_candidacy(candidacy, g.user)
    flash("La candidature a désormais sa propre fiche de personne.", "success")
    return redirect(url_for("people.show", participant_id=new.id), code=303)


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
            criteria=_visible_criteria(candidacy.criteria),
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


@bp.route("/embauches/<int:placement_id>/modification", methods=["GET", "POST"])
@allow(*DECLARERS)
@placement_action
def change_placement(placement: Placement):
    _managed(placement)
    form = ChangeForm()
    if submitted_and_valid(form):
        try:
            service.change_placement(
                placement,
                g.user,
                effective_on=form.effective_on.data,
                planned_end=form.planned_end.data,
                weekly_hours=form.weekly_hours.data,
            )
        except Refused as refused:
            db.session.rollback()
            db.session.refresh(placement)
            form.effective_on.errors = [*form.effective_on.errors, str(refused)]
        else:
            flash("La modification de l'embauche est enregistrée.", "success")
            return redirect(
                url_for("people.candidacy", candidacy_id=placement.candidacy_id), code=303
            )
    return _placement_form_page(
        placement, form, "Modifier la fin prévue ou les heures", "people.change_placement"
    )


@bp.route("/embauches/<int:placement_id>/rupture", methods=["GET", "POST"])
@allow(*DECLARERS)
@placement_action
def break_placement(placement: Placement):
    _managed(placement)
    form = BreakForm()
    page = url_for("people.candidacy", candidacy_id=placement.candidacy_id)
    if submitted_and_valid(form):
        if (asked := confirm.step(confirm_placement_break(placement), page)) is not None:
            return asked
        try:
            service.break_placement(
                placement, g.user, day=form.day.data, kind=form.kind.data, reason=form.reason.data
            )
        except Refused as refused:
            db.session.rollback()
            db.session.refresh(placement)
            form.day.errors = [*form.day.errors, str(refused)]
        else:
            flash("La rupture est enregistrée. Vous pouvez proposer un remplaçant.", "success")
            return redirect(page, code=303)
    return _placement_form_page(
        placement,
        form,
        "Enregistrer une rupture ou un abandon",
        "people.break_placement",
        confirm_placement_break,
    )


@bp.route("/embauches/<int:placement_id>/fin", methods=["GET", "POST"])
@allow(*DECLARERS)
@placement_action
def end_placement(placement: Placement):
    _managed(placement)
    form = ExitForm()
    page = url_for("people.candidacy", candidacy_id=placement.candidacy_id)
    if submitted_and_valid(form):
        if (asked := confirm.step(confirm_placement_end(placement), page)) is not None:
            return asked
        try:
            service.end_placement(
                placement,
                g.user,
                day=form.day.data,
                exit_kind=form.exit_kind.data,
                duration_months=form.months,
            )
        except Refused as refused:
            db.session.rollback()
            db.session.refresh(placement)
            form.day.errors = [*form.day.errors, str(refused)]
        else:
            flash("La fin du contrat et la situation de la personne sont enregistrées.", "success")
            return redirect(page, code=303)
    return _placement_form_page(
        placement,
        form,
        "Enregistrer la fin du contrat",
        "people.end_placement",
        confirm_placement_end,
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


# --- AMOI settings: harmonisation rules and referents ----------------------------------------


@bp.route("/personnes/regles", methods=["GET", "POST"])
@allow(Role.FACILITATOR, admin=True)
def rules():
    """Versions of the departmental harmonisation rules; a new one from a date."""
    _row, current = service.rules_on(today())
    form = RulesForm(
        data={
            "criteria": sorted(current.criteria),
            "proof_max_age_months": Decimal(current.proof_max_age_months),
            "eligibility_months": Decimal(current.eligibility_months),
            "cdi_cap_months": None
            if current.cdi_cap_months is None
            else Decimal(current.cdi_cap_months),
        }
        if request.method == "GET"
        else None
    )
    if submitted_and_valid(form):
        try:
            version = HarmonisationRules(
                effective_from=form.effective_from.data,
                criteria=frozenset(form.criteria.data),
                proof_max_age_months=int(form.proof_max_age_months.data),
                eligibility_months=int(form.eligibility_months.data),
                cdi_cap_months=int(form.cdi_cap_months.data)
                if form.cdi_cap_months.data is not None
                else None,
            )
            service.record_rules_version(g.user, version, (form.note.data or "").strip())
        except (Refused, ValueError) as refused:
            db.session.rollback()
            form.effective_from.errors = [*form.effective_from.errors, str(refused)]
        else:
            db.session.commit()
            flash("La nouvelle version des règles d'harmonisation est enregistrée.", "success")
            return redirect(url_for("people.rules"), code=303)
    return render_form(
        "people/rules.html",
        "people/_partials/_rules_form.html",
        form,
        versions=service.rules_versions(),
        current=current,
        criteria=CRITERIA,
    )


@bp.route("/personnes/referents", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
def referents():
    """The AMOI's *référent unique* of each company and structure (convention annex 1 §1)."""
    orgs = service.declarers()
    users = service.amoi_users()
    if request.method == "POST":
        form = ReferentForm()
        form.validate()
        org_id = request.form.get("organisation", "")
        org = next((o for o in orgs if str(o.id) == org_id), None)
        if org is None:
            abort(404)
        raw = form.referent.data or ""

        def act():
            service.set_organisation_referent(org, g.user, int(raw) if raw.isdigit() else None)

        perform(org, act)
        flash(f"Le référent unique de {org.name} est enregistré.", "success")
        return redirect(url_for("people.referents"), code=303)
    current = service.organisation_referents()
    return render_template(
        "people/referents.html", orgs=orgs, users=users, current=current, form=ReferentForm()
    )
