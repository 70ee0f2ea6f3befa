"""Job offers, their candidates and the information sessions (docs/domain.md §10).

Every page that shows a candidate's data, and every CV download, writes an audit line (ids
only). Buyers and structures never reach this area; a company sees only the candidates
presented for the offers of its lots; a prescriber only the candidates it proposed.
"""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.access import Role, allow, get_or_404, scoped
from portal.clock import today
from portal.convention.payee import payee_block
from portal.documents.pdf import pdf_response, render_pdf
from portal.extensions import db
from portal.models import Application, InfoSession, JobOffer, Lot, Organisation
from portal.people import proofs
from portal.recruitment import bp
from portal.recruitment import services as service
from portal.recruitment.access import (
    can_answer_application,
    can_give_feedback,
    can_propose_application,
    can_read_cv,
)
from portal.recruitment.confirmations import confirm_offer_action, confirm_retain
from portal.recruitment.forms import (
    ApplicationForm,
    AttendanceForm,
    DiffusionForm,
    FeedbackForm,
    OfferForm,
    PreselectForm,
    PresentForm,
    RejectForm,
    SessionForm,
)
from portal.refusals import Refused
from portal.rules.workflow import STATUS_LABELS, ApplicationStatus, OfferStatus
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.formflow import render_form, submitted_and_valid
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet
from portal.web.params import int_arg, parse_int

AMOI = (Role.FACILITATOR,)
OFFER_READERS = (Role.FACILITATOR, Role.COMPANY, Role.PRESCRIBER)
offer_action = object_action(JobOffer, id_arg="offer_id")
application_action = object_action(Application)

OFFER_FILTERS = FilterSet(
    Filter("statut", "Statut", "choice", list(STATUS_LABELS["offer"].items()), "Tous les états"),
)
BOARD_FILTERS = FilterSet(
    Filter(
        "etape",
        "Étape",
        "choice",
        list(STATUS_LABELS["application"].items()),
        "Toutes les étapes",
    ),
)


# --- offers ----------------------------------------------------------------------------------


@bp.route("/offres/")
@allow(*OFFER_READERS)
def index():
    """The AMOI: every offer; a company: the offers of its lots; a prescriber: the open
    offers (and those it proposed candidates to)."""
    filters = OFFER_FILTERS.read()
    stmt = (
        scoped(JobOffer)
        .options(joinedload(JobOffer.lot).joinedload(Lot.market))
        .order_by(JobOffer.id.desc())
    )
    if filters.parsed["statut"]:
        stmt = stmt.where(JobOffer.status == filters.parsed["statut"])
    if (lot_id := int_arg("lot")) is not None:
        stmt = stmt.where(JobOffer.lot_id == lot_id)
    pagination = filters.paginate(stmt)
    counts = _counts([o.id for o in pagination.items])
    return render(
        "recruitment/index.html",
        "recruitment/_partials/_offers.html",
        pagination=pagination,
        filters=filters,
        counts=counts,
    )


def _counts(offer_ids: list[int]) -> dict[int, int]:
    """Candidates per offer the user may see, in one statement."""
    if not offer_ids:
        return {}
    visible = scoped(Application).where(Application.offer_id.in_(offer_ids)).subquery()
    rows = db.session.execute(
        select(visible.c.offer_id, func.count()).group_by(visible.c.offer_id)
    ).all()
    return dict(rows)


@bp.route("/offres/nouvelle", methods=["GET", "POST"])
@allow(Role.FACILITATOR, Role.COMPANY)
def create():
    """The AMOI, or a company for a lot it holds, writes an offer (a draft)."""
    lots = service.offer_lots(g.user)
    form = OfferForm()
    form.lot.choices = [("", "Choisir…")] + [
        (str(lot.id), f"{lot.market.reference} – {lot.label}") for lot in lots
    ]
    if request.method == "GET" and (lot_id := int_arg("lot")) is not None:
        form.lot.data = str(lot_id)
    if submitted_and_valid(form):
        lot = next((lot for lot in lots if str(lot.id) == form.lot.data), None)
        if lot is None:
            form.lot.errors = [*form.lot.errors, "Choisissez un lot dont vous êtes titulaire."]
        else:
            offer = service.create_offer(g.user, lot, form.values())
            db.session.commit()
            flash(
                "L'offre est enregistrée en brouillon : l'AMOI la vérifie et l'ouvre.",
                "success",
            )
            return redirect(url_for("recruitment.show", offer_id=offer.id), code=303)
    return render_form(
        "recruitment/offer_form.html", "recruitment/_partials/_offer_form.html", form
    )


@bp.route("/offres/<int:offer_id>")
@allow(*OFFER_READERS)
def show(offer_id: int):
    offer = get_or_404(JobOffer, offer_id)
    applications = list(
        db.session.scalars(
            scoped(Application)
            .where(Application.offer_id == offer.id)
            .options(joinedload(Application.prescriber))
            .order_by(Application.id)
        )
    )
    if applications:
        service.record_view(
            "applications.listed", offer, g.user, detail=f"rows={len(applications)}"
        )
        db.session.commit()
    return render_template("recruitment/show.html", offer=offer, applications=applications)


@bp.route("/offres/<int:offer_id>/fiche.pdf")
@allow(*OFFER_READERS)
def sheet(offer_id: int):
    """The printable sheet of the offer (no personal data)."""
    offer = get_or_404(JobOffer, offer_id)
    return pdf_response(_sheet(offer), f"offre-{offer.id}.pdf")


def _sheet(offer: JobOffer) -> bytes:
    return render_pdf("pdf/job_offer.html", offer=offer, payee=payee_block())


@bp.route("/offres/<int:offer_id>/etat", methods=["POST"])
@allow(*AMOI)
@offer_action
def offer_status(offer: JobOffer):
    """Open (after checking it), fill or cancel an offer."""
    action = request.form.get("action", "")
    if action not in service.OFFER_ACTIONS:
        abort(400)
    page = url_for("recruitment.show", offer_id=offer.id)
    if (asked := confirm.step(confirm_offer_action(offer, action), page)) is not None:
        return asked
    service.change_offer(offer, g.user, action, today())
    flash(f"L'offre est maintenant « {offer.status_label} ».", "success")
    return redirect(page, code=303)


@bp.route("/offres/<int:offer_id>/diffusion", methods=["GET", "POST"])
@allow(*AMOI)
@offer_action
def diffuse(offer: JobOffer):
    """The AMOI picks prescribers, SIAE and GEIQ; each gets the offer and its PDF sheet."""
    targets = service.diffusion_targets()
    form = DiffusionForm()
    form.organisations.choices = [(str(o.id), o.name) for o in targets]
    if submitted_and_valid(form):
        chosen = {parse_int(v, minimum=1) for v in form.organisations.data or []}
        orgs = [o for o in targets if o.id in chosen]
        try:
            rows = service.diffuse(offer, g.user, orgs, _sheet(offer))
        except Refused as refused:
            db.session.rollback()
            form.organisations.errors = [*form.organisations.errors, str(refused)]
        else:
            flash(f"L'offre est envoyée à {len(rows)} destinataire(s).", "success")
            return redirect(url_for("recruitment.show", offer_id=offer.id), code=303)
    return render_form(
        "recruitment/diffuse.html",
        "recruitment/diffuse.html",
        form,
        offer=offer,
        targets=targets,
    )


# --- the AMOI's board ------------------------------------------------------------------------


@bp.route("/offres/<int:offer_id>/candidats")
@allow(*AMOI)
def board(offer_id: int):
    """The candidates of an offer by stage, filtered with htmx."""
    offer = get_or_404(JobOffer, offer_id)
    filters = BOARD_FILTERS.read()
    stmt = (
        scoped(Application)
        .where(Application.offer_id == offer.id)
        .options(joinedload(Application.prescriber))
        .order_by(Application.id)
    )
    if filters.parsed["etape"]:
        stmt = stmt.where(Application.status == filters.parsed["etape"])
    pagination = filters.paginate(stmt)
    stages = dict(
        db.session.execute(
            select(Application.status, func.count())
            .where(Application.offer_id == offer.id)
            .group_by(Application.status)
        ).all()
    )
    service.record_view(
        "applications.listed", offer, g.user, detail=f"rows={len(pagination.items)}"
    )
    db.session.commit()
    return render(
        "recruitment/board.html",
        "recruitment/_partials/_board.html",
        offer=offer,
        pagination=pagination,
        filters=filters,
        stages=stages,
        stage_labels=STATUS_LABELS["application"],
    )


# --- candidates ------------------------------------------------------------------------------


@bp.route("/offres/<int:offer_id>/candidats/nouveau", methods=["GET", "POST"])
@allow(Role.FACILITATOR, Role.PRESCRIBER)
def propose(offer_id: int):
    """A prescriber positions a candidate; the AMOI enters one received by e-mail."""
    offer = get_or_404(JobOffer, offer_id)
    if not can_propose_application(g.user, offer):
        abort(409, description="Cette offre n'est pas ouverte aux candidatures.")
    amoi = g.role is Role.FACILITATOR
    form = ApplicationForm()
    form.prescriber.choices = [("", "Choisir…")] + [
        (str(o.id), o.name) for o in service.prescribers()
    ]
    if submitted_and_valid(form):
        prescriber = _prescriber_of(form, amoi)
        if prescriber is not None:
            upload = request.files.get(form.cv.name)
            data = upload.read() if upload and upload.filename else None
            try:
                application = service.propose(
                    offer,
                    g.user,
                    prescriber,
                    service.Candidate(
                        last_name=form.last_name.data.strip(),
                        first_name=form.first_name.data.strip(),
                        birth_date=form.birth_date.data,
                        sex=form.sex.data,
                        commune=form.commune.data.strip(),
                        postal_code=form.postal_code.data.strip(),
                        qpv_resident=bool(form.qpv_resident.data),
                        qualification=form.qualification.data,
                        criteria=tuple(form.criteria.data or ()),
                        referent_name=form.referent_name.data.strip(),
                        referent_email=form.referent_email.data.strip(),
                    ),
                    cv=data,
                )
            except Refused as refused:
                db.session.rollback()
                form.cv.errors = [*form.cv.errors, str(refused)]
            else:
                db.session.commit()
                flash(
                    f"Le candidat est positionné (candidature n° {application.id}) : l'AMOI "
                    "l'analyse avant toute présentation à l'entreprise.",
                    "success",
                )
                return redirect(
                    url_for("recruitment.application", application_id=application.id), code=303
                )
    return render_form(
        "recruitment/propose.html",
        "recruitment/propose.html",
        form,
        offer=offer,
        amoi=amoi,
    )


def _prescriber_of(form: ApplicationForm, amoi: bool) -> Organisation | None:
    if not amoi:
        return g.org
    prescriber_id = parse_int(form.prescriber.data or "", minimum=1)
    org = next((o for o in service.prescribers() if o.id == prescriber_id), None)
    if org is None:
        form.prescriber.errors = [*form.prescriber.errors, "Choisissez le prescripteur."]
    return org


@bp.route("/mes-candidats")
@allow(Role.PRESCRIBER)
def mine():
    """A prescriber: the candidates it proposed and their outcome."""
    filters = BOARD_FILTERS.read()
    stmt = (
        scoped(Application).options(joinedload(Application.offer)).order_by(Application.id.desc())
    )
    if filters.parsed["etape"]:
        stmt = stmt.where(Application.status == filters.parsed["etape"])
    pagination = filters.paginate(stmt)
    service.record_view("applications.listed", None, g.user, detail=f"rows={len(pagination.items)}")
    db.session.commit()
    return render(
        "recruitment/mine.html",
        "recruitment/_partials/_mine.html",
        pagination=pagination,
        filters=filters,
    )


@bp.route("/candidats/<int:application_id>")
@allow(*OFFER_READERS)
def application(application_id: int):
    application = get_or_404(Application, application_id)
    service.record_view("application.viewed", application, g.user)
    db.session.commit()
    return render_template(
        "recruitment/application.html",
        application=application,
        preselect_form=PreselectForm(),
        present_form=PresentForm(),
        reject_form=RejectForm(),
    )


@bp.route("/candidats/<int:application_id>/cv")
@allow(*OFFER_READERS)
def cv(application_id: int):
    """The CV, as an attachment, never cached: the AMOI, the proposing prescriber, the
    company once the candidate is presented."""
    application = get_or_404(Application, application_id)
    if not can_read_cv(g.user, application):
        abort(404)
    path = proofs.path_of(application.cv_file or "")
    if path is None:
        abort(404)
    service.record_view("application.cv_downloaded", application, g.user)
    db.session.commit()
    response = Response(path.read_bytes(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="cv-{application.id}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _back(application: Application):
    return redirect(url_for("recruitment.application", application_id=application.id), code=303)


def _form_refused(form) -> None:
    messages = [m for errors in form.errors.values() for m in errors]
    raise Refused(" ".join(messages) or "Le formulaire est incomplet.")


@bp.route("/candidats/<int:application_id>/preselection", methods=["POST"])
@allow(*AMOI)
@application_action
def preselect(application: Application):
    form = PreselectForm()
    if not form.validate():
        _form_refused(form)
    service.preselect(
        application, g.user, interview_on=form.interview_on.data, outcome=form.outcome.data
    )
    flash("Le candidat est présélectionné ; son référent en est informé.", "success")
    return _back(application)


@bp.route("/candidats/<int:application_id>/presentation", methods=["POST"])
@allow(*AMOI)
@application_action
def present(application: Application):
    form = PresentForm()
    if not form.validate():
        _form_refused(form)
    service.present(application, g.user, note=form.note.data)
    flash("Le candidat est présenté à l'entreprise, qui est prévenue.", "success")
    return _back(application)


@bp.route("/candidats/<int:application_id>/retenir", methods=["POST"])
@allow(Role.FACILITATOR, Role.COMPANY)
@application_action
def retain(application: Application):
    """*Retenu*: the candidacy of the people area is created from the application; the
    AMOI then decides eligibility before the hire."""
    if not can_answer_application(g.user, application):
        raise Refused("Seul un candidat présenté peut être retenu.")
    page = url_for("recruitment.application", application_id=application.id)
    if (asked := confirm.step(confirm_retain(application), page)) is not None:
        return asked
    candidacy = service.retain(application, g.user, today())
    flash(
        f"Le candidat est retenu : la candidature n° {candidacy.id} attend la décision "
        "d'éligibilité de l'AMOI avant l'embauche.",
        "success",
    )
    return _back(application)


@bp.route("/candidats/<int:application_id>/non-retenu", methods=["POST"])
@allow(Role.FACILITATOR, Role.COMPANY)
@application_action
def reject(application: Application):
    if g.role is Role.COMPANY and not can_answer_application(g.user, application):
        raise Refused("L'entreprise répond seulement pour un candidat qui lui a été présenté.")
    form = RejectForm()
    if not form.validate():
        _form_refused(form)
    service.reject(application, g.user, reason=form.reason.data, detail=form.detail.data or "")
    flash("Le candidat n'est pas retenu ; son référent en est informé.", "success")
    return _back(application)


@bp.route("/candidats/<int:application_id>/bilan", methods=["GET", "POST"])
@allow(Role.FACILITATOR, Role.PRESCRIBER)
def feedback(application_id: int):
    """The post-mission feedback form (progress, obstacles), once the mission ended."""
    application = get_or_404(Application, application_id)
    if not can_give_feedback(g.user, application):
        abort(404)
    form = FeedbackForm(
        data={
            "progress": application.feedback_progress,
            "obstacles": application.feedback_obstacles,
        }
        if request.method == "GET"
        else None
    )
    if submitted_and_valid(form):
        service.record_feedback(
            application, g.user, progress=form.progress.data, obstacles=form.obstacles.data or ""
        )
        db.session.commit()
        flash("Merci : le bilan de fin de mission est enregistré.", "success")
        return _back(application)
    service.record_view("application.viewed", application, g.user, detail="feedback")
    db.session.commit()
    return render_form(
        "recruitment/feedback.html",
        "recruitment/feedback.html",
        form,
        application=application,
    )


# --- information sessions --------------------------------------------------------------------


@bp.route("/offres/informations-collectives")
@allow(*AMOI)
def sessions():
    rows = list(
        db.session.scalars(select(InfoSession).order_by(InfoSession.held_on.desc()).limit(100))
    )
    return render_template("recruitment/sessions.html", sessions=rows)


@bp.route("/offres/informations-collectives/nouvelle", methods=["GET", "POST"])
@allow(*AMOI)
def create_session():
    offers = list(
        db.session.scalars(
            select(JobOffer)
            .where(JobOffer.status.in_([OfferStatus.OPEN.value, OfferStatus.DRAFT.value]))
            .order_by(JobOffer.id)
        )
    )
    candidates = list(
        db.session.scalars(
            select(Application)
            .where(
                Application.offer_id.in_([o.id for o in offers]),
                Application.status.in_(
                    [ApplicationStatus.RECEIVED.value, ApplicationStatus.PRESELECTED.value]
                ),
            )
            .order_by(Application.offer_id, Application.id)
        )
    )
    form = SessionForm()
    form.offers.choices = [(str(o.id), f"n° {o.id} – {o.title}") for o in offers]
    form.invited.choices = [
        (str(a.id), f"{a.display_name} (offre n° {a.offer_id})") for a in candidates
    ]
    if submitted_and_valid(form):
        offer_ids = {parse_int(v, minimum=1) for v in form.offers.data or []}
        invited_ids = {parse_int(v, minimum=1) for v in form.invited.data or []}
        try:
            info = service.create_session(
                g.user,
                held_on=form.held_on.data,
                starts_at=form.starts_at.data.replace("h", ":"),
                place=form.place.data,
                note=form.note.data or "",
                offers=[o for o in offers if o.id in offer_ids],
                applications=[a for a in candidates if a.id in invited_ids],
            )
        except Refused as refused:
            db.session.rollback()
            form.invited.errors = [*form.invited.errors, str(refused)]
        else:
            db.session.commit()
            flash("L'information collective est programmée.", "success")
            return redirect(url_for("recruitment.session", session_id=info.id), code=303)
    return render_form("recruitment/session_form.html", "recruitment/session_form.html", form)


@bp.route("/offres/informations-collectives/<int:session_id>", methods=["GET", "POST"])
@allow(*AMOI)
def session(session_id: int):
    """The session, its invited candidates and their attendance."""
    info = get_or_404(InfoSession, session_id)
    form = AttendanceForm()
    form.present.choices = [(str(i.id), i.application.display_name) for i in info.invites]
    if request.method == "GET":
        form.present.data = [str(i.id) for i in info.invites if i.attended]
    if submitted_and_valid(form):
        present_ids = {parse_int(v, minimum=1) for v in form.present.data or []}
        service.record_attendance(info, g.user, present_ids)
        db.session.commit()
        flash("Les présences sont enregistrées.", "success")
        return redirect(url_for("recruitment.session", session_id=info.id), code=303)
    service.record_view("application.viewed", info, g.user, detail="info_session")
    db.session.commit()
    return render_template("recruitment/session.html", info=info, form=form)
