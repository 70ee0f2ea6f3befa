"""The follow-up's pages (blueprint ``followup``, URLs ``/suivi/…``; issue 11,
docs/domain.md §8): the AMOI's « À faire », a lot's follow-up (contacts, escalation,
meetings, penalties), an escalation's timeline, its letters, the meetings, a market's
notification and kick-off, a buyer's agreement settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.access import Role, allow, get_or_404, is_facilitator, scoped
from portal.clock import today
from portal.documents.pdf import pdf_response
from portal.extensions import db
from portal.followup import queries, services
from portal.followup.forms import (
    CommentForm,
    ContactForm,
    DayForm,
    LetterForm,
    MeetingForm,
    MinutesForm,
    PenaltyDecisionForm,
    PenaltyForm,
    RegisteredProposalForm,
    ResolveForm,
    SettingsForm,
)
from portal.models import (
    Contact,
    Escalation,
    EscalationEvent,
    Letter,
    Lot,
    Market,
    MarketKickoff,
    Meeting,
    MeetingParticipant,
    Operation,
    Organisation,
    OrgKind,
    PenaltyProposal,
)
from portal.models.followup import ImmutableDocument
from portal.refusals import Refused
from portal.rules import followup as rules
from portal.rules.followup import LetterKind
from portal.rules.workflow import OperationStatus
from portal.statements import progress as hours_progress
from portal.web import confirm
from portal.web.actions import object_action, perform
from portal.web.htmx import render
from portal.web.pagination import paginate

bp = Blueprint("followup", __name__)

from portal.followup import access  # noqa: E402
from portal.followup.access import (  # noqa: E402
    can_decide_penalty,
    can_decide_step,
    can_edit_followup_settings,
    can_notify_market,
    can_record_registered_letter,
)
from portal.followup.confirmations import (  # noqa: E402
    confirm_letter_generation,
    confirm_penalty_decision,
    confirm_resolution,
    confirm_step_decision,
)

assert access  # the scope rules are registered on import

AMOI = (Role.FACILITATOR,)
READERS = (Role.FACILITATOR, Role.BUYER, Role.COMPANY)
BUYERS = (Role.FACILITATOR, Role.BUYER)
MEETING_READERS = (Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE)


def _refuse(message: str):
    abort(409, description=message)


# --- the AMOI's work queue ----------------------------------------------------------------------


BEHIND_SHOWN = 50
"""The lots « en retard » or silent the work queue lists at most (the worst first is not
known without the projection of every lot: the list is in lot order)."""


def _lots_behind(day) -> list:
    """The lots of operations not closed that are « en retard » on their pace or without a
    validated statement for two months (issue 10's progress; two aggregate queries)."""
    closed = (
        select(Market.id).join(Market.operation).where(Operation.status == OperationStatus.CLOSED)
    )
    lots = scoped(Lot).where(Lot.market_id.not_in(closed))
    return [row for row, _ in hours_progress.summary(lots, day, BEHIND_SHOWN)["flagged"]]


@bp.route("/suivi/")
@allow(*AMOI)
def queue():
    """« À faire »: first contacts, deadlines, steps waiting for the buyer, letters to
    write or send, meetings due, kick-offs to confirm."""
    day = today()
    return render_template(
        "followup/queue.html",
        first_contacts=queries.first_contacts(g.user),
        deadlines=queries.deadlines(g.user, day),
        to_write=queries.letters_to_write(g.user),
        waiting=queries.waiting_for_buyer(g.user),
        penalties=queries.penalties_waiting(g.user),
        meetings=queries.meetings_due(g.user, day),
        kickoffs=queries.kickoffs_to_confirm(g.user),
        behind=_lots_behind(day),
        today=day,
    )


# --- a lot's follow-up --------------------------------------------------------------------------


def _lot_page(lot: Lot, status: int = 200, **forms):
    amoi = is_facilitator(g.user)
    contacts = db.session.scalars(
        scoped(Contact).where(Contact.lot_id == lot.id).order_by(Contact.day, Contact.id)
    ).all()
    escalations = db.session.scalars(
        scoped(Escalation).where(Escalation.lot_id == lot.id).order_by(Escalation.id.desc())
    ).all()
    meetings = db.session.scalars(
        scoped(Meeting).where(Meeting.lot_id == lot.id).order_by(Meeting.day)
    ).all()
    penalties = db.session.scalars(
        scoped(PenaltyProposal)
        .where(PenaltyProposal.lot_id == lot.id)
        .order_by(PenaltyProposal.id.desc())
    ).all()
    opening = services.reminder_opening(lot) if amoi and lot.holder_id else None
    form = forms.get("form") or ContactForm(formdata=None, day=today())
    return (
        render_template(
            "followup/lot.html",
            lot=lot,
            contacts=contacts,
            escalations=escalations,
            meetings=meetings,
            penalties=penalties,
            opening=opening,
            form=form,
            propose_form=CommentForm(formdata=None),
            penalty_form=forms.get("penalty_form") or PenaltyForm(formdata=None, smic=_smic()),
            decision_form=PenaltyDecisionForm(formdata=None),
            amoi=amoi,
        ),
        status,
    )


def _smic() -> Decimal:
    return Decimal(str(current_app.config["FOLLOWUP_SMIC_HOURLY"]))


@bp.route("/suivi/lots/<int:lot_id>")
@allow(*READERS)
def lot(lot_id: int):
    """The follow-up of one lot: contacts (a company: its own, without internal notes),
    escalations, meetings and penalty proposals."""
    return _lot_page(get_or_404(Lot, lot_id))


@bp.route("/suivi/lots/<int:lot_id>/contacts", methods=["POST"])
@allow(*AMOI)
def contact_create(lot_id: int):
    """The AMOI logs a contact with the lot's holder."""
    lot = get_or_404(Lot, lot_id)
    form = ContactForm()
    if not form.validate():
        return _lot_page(lot, 422, form=form)
    perform(lot, lambda: services.log_contact(lot, g.user, **form.values()))
    flash("Le contact est enregistré.", "success")
    return redirect(url_for("followup.lot", lot_id=lot.id), code=303)


@bp.route("/suivi/lots/<int:lot_id>/relance", methods=["POST"])
@allow(*AMOI)
def propose_reminder(lot_id: int):
    """The AMOI starts the reminder-letter step (a proposal when the buyer must agree)."""
    lot = get_or_404(Lot, lot_id)
    form = CommentForm()
    form.validate()
    try:
        escalation = perform(
            lot, lambda: services.start_reminder(lot, g.user, today(), form.comment.data or "")
        )
    except IntegrityError:  # another AMOI user opened the escalation at the same moment
        db.session.rollback()
        _refuse("Une relance vient d'être ouverte sur ce lot : rechargez la page.")
    if escalation.status == "reminder_proposed":
        flash("La lettre de relance est proposée à l'acheteur, qui en est averti.", "success")
    else:
        flash("L'acheteur n'exige pas son accord : rédigez la lettre de relance.", "success")
    return redirect(url_for("followup.escalation", escalation_id=escalation.id), code=303)


@bp.route("/suivi/lots/<int:lot_id>/penalites", methods=["POST"])
@allow(*AMOI)
def penalty_create(lot_id: int):
    """The AMOI proposes the penalty of the lot's missing hours, with its formula."""
    lot = get_or_404(Lot, lot_id)
    form = PenaltyForm()
    if not form.validate():
        return _lot_page(lot, 422, penalty_form=form)
    smic = form.smic.data or _smic()
    escalation = services.open_escalation(lot)
    perform(lot, lambda: services.propose_penalty(lot, g.user, form.as_of.data, smic, escalation))
    flash("La proposition de pénalités est transmise à l'acheteur, qui décide.", "success")
    return redirect(url_for("followup.lot", lot_id=lot.id), code=303)


@bp.route("/suivi/penalites/<int:penalty_proposal_id>/decision", methods=["POST"])
@allow(Role.BUYER)
@object_action(PenaltyProposal)
def penalty_decide(proposal: PenaltyProposal):
    """The buyer decides the penalty: amount applied (possibly zero) and reason."""
    if not can_decide_penalty(g.user, proposal):
        abort(403)
    form = PenaltyDecisionForm()
    if not form.validate():
        errors = [e for field in form for e in field.errors]
        raise Refused(" ".join(errors) or "Formulaire invalide.")
    page = url_for("followup.lot", lot_id=proposal.lot_id)
    asked = confirm.step(confirm_penalty_decision(proposal, form.amount.data), page)
    if asked is not None:
        return asked
    services.decide_penalty(proposal, g.user, form.amount.data, form.reason.data or "")
    flash("Votre décision est enregistrée.", "success")
    return redirect(page, code=303)


# --- an escalation ------------------------------------------------------------------------------


def _timeline(escalation: Escalation) -> list[tuple]:
    """Contacts, decisions and letters in date order: (day, kind, object)."""
    contacts = db.session.scalars(
        scoped(Contact).where(
            Contact.lot_id == escalation.lot_id, Contact.company_id == escalation.company_id
        )
    ).all()
    events = db.session.scalars(
        scoped(EscalationEvent)
        .where(EscalationEvent.escalation_id == escalation.id)
        .options(joinedload(EscalationEvent.actor_org))
    ).all()
    letters = db.session.scalars(
        scoped(Letter).where(Letter.escalation_id == escalation.id).order_by(Letter.id)
    ).all()
    meetings = db.session.scalars(
        scoped(Meeting).where(Meeting.escalation_id == escalation.id)
    ).all()
    items = [(c.day, 0, "contact", c) for c in contacts]
    items += [(e.at.date(), 1, "event", e) for e in events]
    items += [(m.day, 2, "meeting", m) for m in meetings]
    items.sort(key=lambda item: (item[0], item[1]))
    return [(day, kind, obj) for day, _, kind, obj in items], letters


@bp.route("/suivi/relances/<int:escalation_id>")
@allow(*READERS)
def escalation(escalation_id: int):
    """One escalation on one page: contacts, decisions, letters with their deadlines and
    hashes, meetings, and the actions of each party."""
    escalation = get_or_404(Escalation, escalation_id)
    timeline, letters = _timeline(escalation)
    superseded = {x.supersedes_id for x in letters if x.supersedes_id}
    reminder = escalation.current_letter(LetterKind.REMINDER.value)
    amoi = is_facilitator(g.user)
    registered = None
    if amoi and escalation.status == "reminder_letter":
        registered = rules.registered_step(
            escalation.status,
            reminder.deadline if reminder and reminder.sent_on else None,
            services.answered(escalation, reminder),
            today(),
            services.agreement_settings(services.buyer_of(escalation.lot)),
        )
    return render_template(
        "followup/escalation.html",
        escalation=escalation,
        timeline=timeline,
        letters=letters,
        superseded=superseded,
        reminder=reminder,
        deadline_state=rules.deadline_state(reminder.deadline, today())
        if reminder and reminder.sent_on and reminder.deadline
        else None,
        registered=registered,
        amoi=amoi,
        action_labels=services.ACTION_LABELS,
        comment_form=CommentForm(formdata=None),
        registered_form=RegisteredProposalForm(formdata=None),
        resolve_form=ResolveForm(formdata=None),
        day_form=DayForm(formdata=None, day=today()),
    )


@bp.route("/suivi/relances/<int:escalation_id>/accord", methods=["POST"])
@allow(Role.BUYER)
@object_action(Escalation)
def agree(escalation: Escalation):
    """The buyer accepts the proposed letter step."""
    return _decide(escalation, accept=True)


@bp.route("/suivi/relances/<int:escalation_id>/refus", methods=["POST"])
@allow(Role.BUYER)
@object_action(Escalation)
def decline(escalation: Escalation):
    """The buyer declines the proposed letter step, with a comment."""
    return _decide(escalation, accept=False)


def _decide(escalation: Escalation, accept: bool):
    if not can_decide_step(g.user, escalation):
        abort(403)
    form = CommentForm()
    form.validate()
    comment = form.comment.data or ""
    if not accept and not comment.strip():
        raise Refused("Expliquez votre refus : le commentaire est obligatoire.")
    page = url_for("followup.escalation", escalation_id=escalation.id)
    if (asked := confirm.step(confirm_step_decision(escalation, accept), page)) is not None:
        return asked
    services.decide(escalation, g.user, accept, comment)
    flash(
        "Votre accord est enregistré : l'AMOI va rédiger la lettre."
        if accept
        else "Votre refus est enregistré ; l'AMOI en est informée.",
        "success",
    )
    return redirect(page, code=303)


@bp.route("/suivi/relances/<int:escalation_id>/recommandee", methods=["POST"])
@allow(*AMOI)
@object_action(Escalation)
def propose_registered(escalation: Escalation):
    """After the reminder's deadline without answer, the AMOI proposes the registered
    letter (formal notice or penalties)."""
    form = RegisteredProposalForm()
    form.validate()
    services.start_registered(
        escalation, g.user, today(), form.kind.data or "", form.comment.data or ""
    )
    flash("La lettre recommandée est engagée.", "success")
    return redirect(url_for("followup.escalation", escalation_id=escalation.id), code=303)


@bp.route("/suivi/relances/<int:escalation_id>/resoudre", methods=["POST"])
@allow(*AMOI)
@object_action(Escalation)
def resolve(escalation: Escalation):
    """Any step can end the escalation as resolved, with a reason."""
    form = ResolveForm()
    if not form.validate():
        raise Refused("Indiquez le motif de la clôture (par exemple l'engagement pris).")
    page = url_for("followup.escalation", escalation_id=escalation.id)
    if (asked := confirm.step(confirm_resolution(escalation), page)) is not None:
        return asked
    services.resolve(escalation, g.user, today(), form.reason.data)
    flash("La relance est close.", "success")
    return redirect(page, code=303)


def _letter_kind(escalation: Escalation) -> str:
    if escalation.status == "formal_notice":
        return escalation.notice_kind or LetterKind.FORMAL_NOTICE.value
    return LetterKind.REMINDER.value


@bp.route("/suivi/relances/<int:escalation_id>/lettre", methods=["GET", "POST"])
@allow(*AMOI)
def letter_new(escalation_id: int):
    """The letter of the current step: the body in its French template, editable; the
    PDF is generated and stored as an immutable document on confirmation."""
    escalation = get_or_404(Escalation, escalation_id)
    if escalation.status not in ("reminder_letter", "formal_notice"):
        _refuse(
            f"Aucune lettre à rédiger à cette étape : la relance est « {escalation.status_label} »."
        )
    kind = _letter_kind(escalation)
    form = LetterForm()
    if not form.is_submitted():
        facts = services.letter_facts(escalation, kind, today())
        form = LetterForm(formdata=None, dated_on=today(), body=services.default_body(kind, facts))
    elif form.validate():
        page = url_for("followup.escalation", escalation_id=escalation.id)
        asked = confirm.step(confirm_letter_generation(escalation, kind), page)
        if asked is not None:
            return asked
        letter = perform(
            escalation,
            lambda: services.generate_letter(
                escalation, g.user, kind, form.dated_on.data, form.body.data
            ),
        )
        flash(
            f"La lettre est générée (empreinte SHA-256 {letter.sha256[:12]}…)"
            + (f" ; délai de réponse : {letter.deadline:%d/%m/%Y}." if letter.deadline else "."),
            "success",
        )
        return redirect(page, code=303)
    status = 422 if form.is_submitted() else 200
    return (
        render_template(
            "followup/letter_form.html",
            escalation=escalation,
            kind=LetterKind(kind),
            form=form,
        ),
        status,
    )


@bp.route("/suivi/lettres/<int:letter_id>.pdf")
@allow(*READERS)
def letter_pdf(letter_id: int):
    """The stored PDF, exactly as generated (its hash is shown on the timeline)."""
    letter = get_or_404(Letter, letter_id)
    data = db.session.scalar(select(Letter.pdf).where(Letter.id == letter.id))
    return pdf_response(data, f"{letter.kind_label}-{letter.dated_on:%Y-%m-%d}.pdf")


@bp.route("/suivi/lettres/<int:letter_id>/envoi", methods=["POST"])
@allow(*BUYERS)
def letter_sent(letter_id: int):
    """The sending date: the AMOI for its reminder letter, the buyer for the registered
    letter it sends on its own letterhead."""
    return _letter_day(letter_id, services.record_sent, "L'envoi de la lettre est enregistré.")


@bp.route("/suivi/lettres/<int:letter_id>/reception", methods=["POST"])
@allow(*BUYERS)
def letter_received(letter_id: int):
    """The receipt of the registered letter (accusé de réception)."""
    return _letter_day(
        letter_id, services.record_received, "La réception de la lettre est enregistrée."
    )


def _letter_day(letter_id: int, record, message: str):
    letter = get_or_404(Letter, letter_id)
    if not can_record_registered_letter(g.user, letter):
        abort(403)
    form = DayForm()
    if not form.validate():
        raise_message = " ".join(e for field in form for e in field.errors)
        _refuse(raise_message or "Indiquez la date.")
    try:
        perform(letter, lambda: record(letter, g.user, form.day.data))
    except ImmutableDocument as refused:  # pragma: no cover - the services change no fact
        db.session.rollback()
        _refuse(str(refused))
    flash(message, "success")
    return redirect(url_for("followup.escalation", escalation_id=letter.escalation_id), code=303)


# --- meetings -----------------------------------------------------------------------------------


@bp.route("/suivi/reunions/")
@allow(*MEETING_READERS)
def meetings():
    """The meetings one may see; for the AMOI, the pilotage and reserved-market meetings
    of the year, done or due."""
    meetings_page = paginate(scoped(Meeting).order_by(Meeting.day.desc(), Meeting.id.desc()))
    expected = None
    if is_facilitator(g.user):
        year = today().year
        held = db.session.scalars(
            select(Meeting.kind).where(
                Meeting.held.is_(True),
                Meeting.day >= date(year, 1, 1),
                Meeting.day <= date(year, 12, 31),
            )
        ).all()
        reserved = db.session.scalar(
            select(db.func.count(Market.id)).where(
                Market.legal_basis.in_(["reserved_disability", "reserved_siae", "reserved_both"])
            )
        )
        expected = {
            "year": year,
            "pilotage": rules.expected_meetings(rules.PILOTAGE_MEETINGS, held),
            "reserved": rules.expected_meetings(
                {k: v * (reserved or 0) for k, v in rules.RESERVED_MARKET_MEETINGS.items()},
                held,
            ),
            "reserved_markets": reserved or 0,
        }
    return render(
        "followup/meetings.html",
        "followup/_partials/_meetings.html",
        meetings=meetings_page,
        expected=expected,
        amoi=is_facilitator(g.user),
    )


def _meeting_form(form: MeetingForm) -> MeetingForm:
    lots = db.session.scalars(
        select(Lot).options(joinedload(Lot.market)).order_by(Lot.id.desc()).limit(300)
    ).all()
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.active.is_(True)).order_by(Organisation.name)
    ).all()
    form.lot.choices = [(0, "Aucun")] + [(x.id, f"{x.market.reference} – {x.label}") for x in lots]
    form.buyer.choices = [(0, "Aucun")] + [
        (o.id, o.name) for o in orgs if o.kind == OrgKind.BUYER.value
    ]
    form.participants.choices = [(o.id, o.name) for o in orgs]
    return form


@bp.route("/suivi/reunions/nouvelle", methods=["GET", "POST"])
@allow(*AMOI)
def meeting_create():
    """The AMOI records a meeting: kind, date, participants, minutes."""
    form = _meeting_form(MeetingForm())
    if form.is_submitted() and form.validate():
        lot_obj = get_or_404(Lot, form.lot.data) if form.lot.data else None
        meeting = services.create_meeting(
            g.user,
            participants=form.participants.data or [],
            kind=form.kind.data,
            day=form.day.data,
            lot_id=lot_obj.id if lot_obj else None,
            buyer_id=form.buyer.data or None,
            escalation_id=(
                services.open_escalation(lot_obj).id
                if lot_obj and services.open_escalation(lot_obj)
                else None
            ),
            held=bool(form.held.data),
            minutes=(form.minutes.data or "").strip(),
            minutes_shared=bool(form.minutes_shared.data),
        )
        db.session.commit()
        flash("La réunion est enregistrée.", "success")
        return redirect(url_for("followup.meeting", meeting_id=meeting.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("followup/meeting_form.html", form=form), status


@bp.route("/suivi/reunions/<int:meeting_id>")
@allow(*MEETING_READERS)
def meeting(meeting_id: int):
    """A meeting; its minutes are shown to the participants once the AMOI shares them."""
    meeting = get_or_404(Meeting, meeting_id)
    amoi = is_facilitator(g.user)
    participants = db.session.scalars(
        select(Organisation)
        .join(MeetingParticipant, MeetingParticipant.organisation_id == Organisation.id)
        .where(MeetingParticipant.meeting_id == meeting.id)
        .order_by(Organisation.name)
    ).all()
    return render_template(
        "followup/meeting.html",
        meeting=meeting,
        participants=participants,
        form=MinutesForm(formdata=None, obj=meeting) if amoi else None,
        amoi=amoi,
    )


@bp.route("/suivi/reunions/<int:meeting_id>/compte-rendu", methods=["POST"])
@allow(*AMOI)
def meeting_minutes(meeting_id: int):
    """The AMOI records the minutes, marks the meeting held, shares the minutes."""
    meeting = get_or_404(Meeting, meeting_id)
    form = MinutesForm()
    if not form.validate():
        raise Refused("Le compte rendu est trop long.")
    perform(
        meeting,
        lambda: services.save_minutes(
            meeting,
            g.user,
            form.minutes.data or "",
            bool(form.minutes_shared.data),
            bool(form.held.data),
        ),
    )
    flash("Le compte rendu est enregistré.", "success")
    return redirect(url_for("followup.meeting", meeting_id=meeting.id), code=303)


# --- notification and kick-off ------------------------------------------------------------------


@bp.route("/suivi/marches/<int:market_id>")
@allow(*BUYERS)
def market(market_id: int):
    """A market's notification and kick-off meeting: the buyer records them, the AMOI
    confirms its presence."""
    market = get_or_404(Market, market_id)
    kickoff = db.session.get(MarketKickoff, market.id)
    return render_template(
        "followup/market.html",
        market=market,
        kickoff=kickoff,
        day_form=DayForm(formdata=None, day=today()),
        amoi=is_facilitator(g.user),
    )


@bp.route("/suivi/marches/<int:market_id>/notification", methods=["POST"])
@allow(Role.BUYER)
@object_action(Market)
def notify_market(market: Market):
    """The buyer marks the market notified: the AMOI referents are told."""
    if not can_notify_market(g.user, market):
        abort(403)
    form = DayForm()
    if not form.validate():
        raise Refused("Indiquez la date de notification (jj/mm/aaaa).")
    services.notify_market(market, g.user, form.day.data)
    flash(
        "Le marché est notifié : l'AMOI prendra un premier contact avec les titulaires.", "success"
    )
    return redirect(url_for("followup.market", market_id=market.id), code=303)


@bp.route("/suivi/marches/<int:market_id>/lancement", methods=["POST"])
@allow(Role.BUYER)
@object_action(Market)
def kickoff(market: Market):
    """The buyer records the kick-off meeting's date (réunion de lancement)."""
    if not can_notify_market(g.user, market):
        abort(403)
    form = DayForm()
    if not form.validate():
        raise Refused("Indiquez la date de la réunion de lancement (jj/mm/aaaa).")
    services.record_kickoff(market, g.user, form.day.data)
    flash("La réunion de lancement est enregistrée ; l'AMOI est invitée.", "success")
    return redirect(url_for("followup.market", market_id=market.id), code=303)


@bp.route("/suivi/marches/<int:market_id>/presence", methods=["POST"])
@allow(*AMOI)
def confirm_presence(market_id: int):
    """The AMOI confirms its presence at the kick-off meeting."""
    market = get_or_404(Market, market_id)
    perform(market, lambda: services.confirm_presence(market, g.user))
    flash("Votre présence à la réunion de lancement est confirmée.", "success")
    return redirect(url_for("followup.market", market_id=market.id), code=303)


# --- a buyer's settings -------------------------------------------------------------------------


@bp.route("/suivi/parametres/<int:org_id>", methods=["GET", "POST"])
@allow(*BUYERS)
def settings(org_id: int):
    """Which letter steps need the buyer's agreement (default: every letter)."""
    buyer = get_or_404(Organisation, org_id)
    if buyer.kind != OrgKind.BUYER.value:
        abort(404)
    editable = can_edit_followup_settings(g.user, buyer.id)
    current = services.agreement_settings(buyer)
    form = SettingsForm(reminder=current.reminder_letter, registered=current.registered_letter)
    if form.is_submitted():
        if not editable:
            abort(403)
        if form.validate():
            services.save_settings(
                buyer, g.user, bool(form.reminder.data), bool(form.registered.data)
            )
            db.session.commit()
            flash("Vos préférences de relance sont enregistrées.", "success")
            return redirect(url_for("followup.settings", org_id=buyer.id), code=303)
    return render_template("followup/settings.html", buyer=buyer, form=form, editable=editable)
