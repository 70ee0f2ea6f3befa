"""The follow-up's use cases (docs/domain.md §8): take the user, change the session, audit,
queue the e-mails; never commit (the views do, through ``portal.web.actions``)."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from portal import audit
from portal.documents import mail
from portal.documents.notifications import _emails, _facilitator_ids
from portal.documents.pdf import render_pdf
from portal.extensions import db
from portal.links import external_url
from portal.models import (
    Contact,
    Escalation,
    EscalationEvent,
    FollowupSettings,
    Letter,
    Lot,
    Market,
    MarketKickoff,
    Meeting,
    MeetingParticipant,
    Organisation,
    OrganisationReferent,
    PenaltyProposal,
    User,
)
from portal.models.base import utcnow
from portal.refusals import Refused
from portal.rules import followup as rules
from portal.rules.deadlines import ContactFact, reply_deadline
from portal.rules.followup import AgreementSettings, LetterKind
from portal.rules.workflow import EscalationStatus, next_status
from portal.statements.queries import validated_hours_by_lot

E = EscalationStatus
OPEN = [s.value for s in E if s is not E.RESOLVED]

ACTION_LABELS = {
    "propose_reminder_letter": "Lettre de relance proposée à l'acheteur",
    "send_reminder_letter": "Lettre de relance engagée (sans accord requis)",
    "propose_formal_notice": "Lettre recommandée proposée à l'acheteur",
    "send_formal_notice": "Lettre recommandée engagée (sans accord requis)",
    "accept": "Accord de l'acheteur",
    "decline": "Refus de l'acheteur",
    "letter_generated": "Lettre générée",
    "letter_sent": "Envoi de la lettre enregistré",
    "letter_received": "Réception de la lettre recommandée enregistrée",
    "resolve": "Relance close : entreprise remobilisée",
}


# --- settings ---------------------------------------------------------------------------------


def settings_row(buyer: Organisation) -> FollowupSettings | None:
    return db.session.get(FollowupSettings, buyer.id)


def agreement_settings(buyer: Organisation) -> AgreementSettings:
    """The buyer's own settings, else its coordinator's (a commune of the CCVG), else the
    defaults: every letter needs the buyer's agreement."""
    for org in (buyer, buyer.parent):
        row = settings_row(org) if org is not None else None
        if row is not None:
            return AgreementSettings(row.reminder_needs_agreement, row.registered_needs_agreement)
    return AgreementSettings()


def save_settings(buyer: Organisation, user: User, reminder: bool, registered: bool) -> None:
    row = settings_row(buyer) or FollowupSettings(buyer_id=buyer.id)
    row.reminder_needs_agreement = reminder
    row.registered_needs_agreement = registered
    row.updated_by_id = user.id
    db.session.add(row)
    audit.record("followup.settings_saved", buyer, actor=user)


def buyer_of(lot: Lot) -> Organisation:
    return lot.market.operation.buyer


# --- contacts -----------------------------------------------------------------------------------


def log_contact(lot: Lot, user: User, **values) -> Contact:
    """The AMOI logs a contact with the lot's holder."""
    if lot.holder_id is None:
        raise Refused("Ce lot n'a pas de titulaire : aucun contact à enregistrer.")
    contact = Contact(lot_id=lot.id, company_id=lot.holder_id, author_id=user.id, **values)
    db.session.add(contact)
    db.session.flush()
    audit.record("followup.contact_logged", contact, actor=user)
    return contact


def contacts_of(lot_id: int, company_id: int) -> list[Contact]:
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.lot_id == lot_id, Contact.company_id == company_id)
            .order_by(Contact.day, Contact.id)
        )
    )


def facts(contacts: list[Contact]) -> list[ContactFact]:
    return [ContactFact(c.day, c.channel, c.outcome, c.written) for c in contacts]


def open_escalation(lot: Lot) -> Escalation | None:
    if lot.holder_id is None:
        return None
    return db.session.scalar(
        select(Escalation).where(
            Escalation.lot_id == lot.id,
            Escalation.company_id == lot.holder_id,
            Escalation.status.in_(OPEN),
        )
    )


def reminder_opening(lot: Lot) -> rules.StepOpening:
    escalation = open_escalation(lot)
    status = escalation.status if escalation else E.NONE
    contacts = contacts_of(lot.id, lot.holder_id) if lot.holder_id else []
    return rules.reminder_step(status, facts(contacts), agreement_settings(buyer_of(lot)))


def _event(escalation: Escalation, user: User, action: str, comment: str = "") -> None:
    db.session.add(
        EscalationEvent(
            escalation=escalation,
            action=action,
            comment=comment,
            actor_id=user.id,
            actor_org_id=user.organisation_id,
            at=utcnow(),
        )
    )


def _move(escalation: Escalation, user: User, action: str, comment: str = "") -> None:
    escalation.status = next_status("escalation", escalation.status, action).value
    _event(escalation, user, action, comment)
    audit.record(f"escalation.{action}", escalation, actor=user)


# --- the escalation's steps -------------------------------------------------------------------


def start_reminder(lot: Lot, user: User, today: date, comment: str = "") -> Escalation:
    """The AMOI starts the reminder-letter step: a proposal to the buyer when its settings
    ask for its agreement, the letter directly otherwise (docs/domain.md §8)."""
    opening = reminder_opening(lot)
    if not opening.open:
        raise Refused(f"La lettre de relance n'est pas encore possible. {opening.reason}")
    escalation = open_escalation(lot)
    if escalation is None:
        escalation = Escalation(
            lot_id=lot.id, company_id=lot.holder_id, opened_on=today, status=E.NONE.value
        )
        db.session.add(escalation)
        db.session.flush()
    _move(escalation, user, opening.action, comment)
    if opening.needs_agreement:
        _tell_buyer(escalation, "une lettre de relance")
    return escalation


def start_registered(
    escalation: Escalation, user: User, today: date, kind: str, comment: str = ""
) -> None:
    """After the reminder's deadline without answer, the AMOI proposes (or, without
    agreement required, starts) the registered letter: formal notice or penalties."""
    if kind not in (LetterKind.FORMAL_NOTICE, LetterKind.PENALTIES):
        raise Refused("Choisissez une mise en demeure ou l'application des pénalités.")
    reminder = escalation.current_letter(LetterKind.REMINDER.value)
    opening = rules.registered_step(
        escalation.status,
        reminder.deadline if reminder and reminder.sent_on else None,
        answered(escalation, reminder),
        today,
        agreement_settings(buyer_of(escalation.lot)),
    )
    if not opening.open:
        raise Refused(f"La lettre recommandée n'est pas encore possible. {opening.reason}")
    escalation.notice_kind = kind
    _move(escalation, user, opening.action, comment)
    if opening.needs_agreement:
        _tell_buyer(escalation, "une lettre recommandée")


def answered(escalation: Escalation, reminder: Letter | None) -> bool:
    """A contact that reached the company since the reminder letter was sent."""
    if reminder is None or reminder.sent_on is None:
        return False
    return any(
        c.successful and c.day >= reminder.sent_on
        for c in contacts_of(escalation.lot_id, escalation.company_id)
    )


def decide(escalation: Escalation, user: User, accept: bool, comment: str) -> None:
    """The buyer accepts or declines the proposed letter step, with a comment."""
    if not accept and not comment.strip():
        raise Refused("Expliquez votre refus : le commentaire est obligatoire.")
    _move(escalation, user, "accept" if accept else "decline", comment.strip())
    verdict = "accepté" if accept else "refusé"
    body = (
        f"Bonjour,\n\nL'acheteur a {verdict} l'étape proposée pour {_subject(escalation)}."
        + (f"\n\nCommentaire :\n{comment.strip()}" if comment.strip() else "")
        + f"\n\nConsulter la relance : {_url(escalation)}\n\n-- Passerelle"
    )
    for email in _emails(_facilitator_ids()):
        mail.queue(email, f"Relance {verdict}e par l'acheteur", body)


def resolve(escalation: Escalation, user: User, today: date, reason: str) -> None:
    if not reason.strip():
        raise Refused("Indiquez le motif de la clôture (par exemple l'engagement pris).")
    escalation.resolved_on = today
    escalation.resolution_reason = reason.strip()
    _move(escalation, user, "resolve", reason.strip())


def _subject(escalation: Escalation) -> str:
    lot = escalation.lot
    return f"le lot {lot.number} du marché {lot.market.reference} ({escalation.company.name})"


def _url(escalation: Escalation) -> str:
    return external_url("followup.escalation", escalation_id=escalation.id)


def _tell_buyer(escalation: Escalation, what: str) -> None:
    buyer = buyer_of(escalation.lot)
    body = (
        f"Bonjour,\n\nL'AMO Insertion vous propose d'envoyer {what} pour {_subject(escalation)} :"
        f" la clause d'insertion n'est pas respectée. Votre accord est demandé.\n\n"
        f"Accepter ou refuser : {_url(escalation)}\n\n-- Passerelle"
    )
    for email in _emails([buyer.id]):
        mail.queue(email, "Relance d'un titulaire : votre accord est demandé", body)


# --- letters ----------------------------------------------------------------------------------


def letter_facts(escalation: Escalation, kind: str, dated_on: date) -> dict:
    """What the letter prints, frozen on the day it is generated."""
    lot = escalation.lot
    market = lot.market
    company = escalation.company
    buyer = buyer_of(lot)
    validated = validated_hours_by_lot([lot.id]).get(lot.id, Decimal(0))
    deadline = reply_deadline(dated_on) if kind == LetterKind.REMINDER else None
    return {
        "company": company.name,
        "company_address": company.address or "",
        "buyer": buyer.name,
        "buyer_address": buyer.address or "",
        "market_reference": market.reference,
        "market_title": market.title,
        "operation": market.operation.name,
        "lot": lot.label,
        "planned_hours": str(lot.planned_hours or 0),
        "validated_hours": f"{validated:.2f}",
        "dated_on": dated_on.isoformat(),
        "deadline": deadline.isoformat() if deadline else None,
        "penalty": lot.penalty_text,
    }


def default_body(kind: str, f: dict) -> str:
    """The French template the AMOI edits before generating."""
    if kind == LetterKind.REMINDER:
        return (
            f"Malgré nos sollicitations répétées, nous n'avons pas pu faire le point avec vous "
            f"sur l'exécution de la clause d'insertion du {f['lot']} du marché "
            f"{f['market_reference']}.\n\n"
            "Nous vous rappelons que cette clause est une obligation contractuelle : nous vous "
            "invitons à prendre contact avec nous afin d'organiser la mise en œuvre des heures "
            "d'insertion prévues."
        )
    if kind == LetterKind.FORMAL_NOTICE:
        return (
            "Par lettre de relance, l'AMO Insertion vous a invité à prendre contact dans un "
            "délai de deux semaines ; ce délai est expiré sans réponse de votre part.\n\n"
            "Nous vous mettons en demeure de respecter l'obligation d'insertion prévue au "
            "marché et de prendre contact avec l'AMO Insertion sans délai, faute de quoi les "
            "pénalités prévues au CCAP pourront être appliquées."
        )
    return (
        "Malgré les relances de l'AMO Insertion et notre mise en demeure, l'obligation "
        "d'insertion prévue au marché n'est pas respectée.\n\n"
        "Nous vous informons de l'application des pénalités prévues au CCAP "
        f"({f['penalty']})."
    )


LETTER_TEMPLATE = "pdf/followup_letter.html"


def render_letter(kind: str, facts_: dict, body: str) -> bytes:
    return render_pdf(
        LETTER_TEMPLATE,
        kind=LetterKind(kind),
        f=facts_,
        body=body,
        dated_on=date.fromisoformat(facts_["dated_on"]),
        deadline=date.fromisoformat(facts_["deadline"]) if facts_.get("deadline") else None,
        planned=Decimal(facts_["planned_hours"]),
        validated=Decimal(facts_["validated_hours"]),
        amoi=current_app.config.get("FOLLOWUP_LETTERHEAD", "Sud-Ouest Emploi"),
    )


def generate_letter(
    escalation: Escalation, user: User, kind: str, dated_on: date, body: str
) -> Letter:
    """Generate the letter's PDF and store it, with its hash, as an immutable document; a
    letter of the same kind already generated is superseded by this one."""
    kind = LetterKind(kind)
    expected = E.REMINDER_LETTER if kind is LetterKind.REMINDER else E.FORMAL_NOTICE
    if escalation.status != expected:
        raise Refused(
            "Cette lettre ne peut pas être générée à cette étape : "
            f"la relance est « {escalation.status_label} »."
        )
    if kind.registered and kind.value != escalation.notice_kind:
        raise Refused("Cette lettre n'est pas celle que l'acheteur a acceptée.")
    if not body.strip():
        raise Refused("Le corps de la lettre est vide.")
    previous = escalation.current_letter(kind.value)
    if previous is not None and previous.sent_on is not None:
        raise Refused("La lettre est déjà envoyée : elle ne peut plus être remplacée.")
    facts_ = letter_facts(escalation, kind.value, dated_on)
    data = render_letter(kind.value, facts_, body.strip())
    letter = Letter(
        escalation=escalation,
        kind=kind.value,
        dated_on=dated_on,
        deadline=date.fromisoformat(facts_["deadline"]) if facts_["deadline"] else None,
        body=body.strip(),
        facts=facts_,
        pdf=data,
        sha256=hashlib.sha256(data).hexdigest(),
        generated_by_id=user.id,
        supersedes_id=previous.id if previous else None,
    )
    db.session.add(letter)
    db.session.flush()
    _event(escalation, user, "letter_generated", kind.label)
    audit.record("letter.generated", letter, actor=user)
    return letter


def record_sent(letter: Letter, user: User, day: date) -> None:
    if letter.sent_on is not None:
        raise Refused("L'envoi de cette lettre est déjà enregistré.")
    if day < letter.dated_on:
        raise Refused("La date d'envoi précède la date de la lettre.")
    letter.sent_on = day
    _event(letter.escalation, user, "letter_sent", letter.kind_label)
    audit.record("letter.sent", letter, actor=user)


def record_received(letter: Letter, user: User, day: date) -> None:
    if not letter.registered:
        raise Refused("Seule une lettre recommandée a un accusé de réception.")
    if letter.sent_on is None or day < letter.sent_on:
        raise Refused("Enregistrez d'abord l'envoi ; la réception ne peut pas le précéder.")
    letter.received_on = day
    _event(letter.escalation, user, "letter_received", letter.kind_label)
    audit.record("letter.received", letter, actor=user)


# --- penalties --------------------------------------------------------------------------------


def propose_penalty(
    lot: Lot, user: User, as_of: date | None, smic: Decimal, escalation: Escalation | None
) -> PenaltyProposal:
    """Missing hours at the lot's end (or at ``as_of``) and the amount of its CCAP formula,
    frozen with every figure; the buyer decides."""
    day = as_of or lot.end_date or lot.market.planned_end
    if day is None:
        raise Refused("Indiquez la date de calcul : le lot n'a pas de date de fin.")
    validated = validated_hours_by_lot([lot.id], until=day).get(lot.id, Decimal(0))
    missing = rules.missing_hours(lot.planned_hours, validated)
    computed = rules.proposed_penalty(
        lot.penalty_kind, lot.penalty_value, lot.penalty_cap, missing, smic
    )
    proposal = PenaltyProposal(
        lot_id=lot.id,
        escalation_id=escalation.id if escalation else None,
        as_of=day,
        planned_hours=Decimal(lot.planned_hours or 0),
        validated_hours=validated,
        missing_hours=missing,
        penalty_kind=lot.penalty_kind,
        penalty_value=lot.penalty_value,
        penalty_cap=lot.penalty_cap,
        smic_hourly=smic,
        formula=computed.formula,
        proposed_amount=computed.amount,
        proposed_by_id=user.id,
    )
    db.session.add(proposal)
    db.session.flush()
    audit.record("penalty.proposed", proposal, actor=user)
    for email in _emails([buyer_of(lot).id]):
        mail.queue(
            email,
            "Pénalités d'insertion proposées : votre décision est attendue",
            f"Bonjour,\n\nL'AMO Insertion vous propose des pénalités pour le {lot.label} du "
            f"marché {lot.market.reference}. Vous décidez du montant appliqué.\n\n"
            f"Décider : {external_url('followup.lot', lot_id=lot.id)}\n\n-- Passerelle",
        )
    return proposal


def decide_penalty(proposal: PenaltyProposal, user: User, amount: Decimal, reason: str) -> None:
    if proposal.status != "proposed":
        raise Refused("Cette proposition est déjà décidée.")
    if amount is None or amount < 0:
        raise Refused("Indiquez le montant appliqué (0 si aucune pénalité).")
    if not reason.strip():
        raise Refused("Indiquez le motif de votre décision.")
    proposal.status = "decided"
    proposal.decided_amount = amount
    proposal.decision_reason = reason.strip()
    proposal.decided_by_id = user.id
    proposal.decided_at = utcnow()
    audit.record("penalty.decided", proposal, actor=user)


# --- notification, kick-off ---------------------------------------------------------------


def _kickoff(market: Market) -> MarketKickoff:
    row = db.session.get(MarketKickoff, market.id)
    if row is None:
        row = MarketKickoff(market_id=market.id)
        db.session.add(row)
    return row


def notify_market(market: Market, user: User, day: date) -> int:
    """The buyer marks the market notified: the AMOI referent of each titulaire is told
    (the AMOI's users when a company has no referent); the lots show « premier contact à
    prendre » until a contact is logged. Returns the number of e-mails queued."""
    market.notification_date = day
    _kickoff(market).notified_by_id = user.id
    audit.record("market.notified", market, actor=user)
    holders = {lot.holder_id for lot in market.lots if lot.holder_id}
    referents = dict(
        db.session.execute(
            select(OrganisationReferent.organisation_id, User.email)
            .join(User, User.id == OrganisationReferent.user_id)
            .where(OrganisationReferent.organisation_id.in_(holders))
        ).all()
    )
    fallback = None
    sent = 0
    for holder in sorted(holders):
        recipients = [referents[holder]] if holder in referents else None
        if recipients is None:
            fallback = fallback if fallback is not None else _emails(_facilitator_ids())
            recipients = fallback
        for email in recipients:
            mail.queue(
                email,
                f"Marché {market.reference} notifié : premier contact à prendre",
                f"Bonjour,\n\nLe marché {market.reference} ({market.title}) a été notifié le "
                f"{day:%d/%m/%Y}. Un premier contact est à prendre avec son titulaire.\n\n"
                f"À faire : {external_url('followup.queue')}\n\n-- Passerelle",
            )
            sent += 1
    return sent


def record_kickoff(market: Market, user: User, day: date) -> None:
    if market.notification_date is None:
        raise Refused("Marquez d'abord le marché comme notifié.")
    market.kickoff_date = day
    _kickoff(market).kickoff_recorded_by_id = user.id
    audit.record("market.kickoff_recorded", market, actor=user)
    for email in _emails(_facilitator_ids()):
        mail.queue(
            email,
            f"Réunion de lancement du marché {market.reference}",
            f"Bonjour,\n\nLa réunion de lancement du marché {market.reference} est fixée au "
            f"{day:%d/%m/%Y}. Confirmez votre présence : "
            f"{external_url('followup.market', market_id=market.id)}\n\n-- Passerelle",
        )


def confirm_presence(market: Market, user: User) -> None:
    if market.kickoff_date is None:
        raise Refused("L'acheteur n'a pas encore fixé la réunion de lancement.")
    row = _kickoff(market)
    row.amoi_confirmed_at = utcnow()
    row.amoi_confirmed_by_id = user.id
    audit.record("market.kickoff_confirmed", market, actor=user)


# --- meetings ---------------------------------------------------------------------------------


def create_meeting(user: User, *, participants: list[int], **values) -> Meeting:
    meeting = Meeting(author_id=user.id, **values)
    meeting.participants = [
        MeetingParticipant(organisation_id=i) for i in sorted(set(participants))
    ]
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.created", meeting, actor=user)
    return meeting


def save_minutes(meeting: Meeting, user: User, minutes: str, shared: bool, held: bool) -> None:
    meeting.minutes = minutes.strip()
    meeting.minutes_shared = shared
    meeting.held = held
    audit.record("meeting.minutes_saved", meeting, actor=user)
