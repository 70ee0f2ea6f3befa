"""The demonstration follow-up (issue 11): a company with a full escalation history (three
contacts, a reminder letter, a formal notice drafted and sent, a meeting, resolved),
another whose reminder deadline is past, a penalty proposal decided, meetings of each
kind. The other demo lots keep « premier contact à prendre ».

Rows are written directly (the demo shows states); the letters' PDFs are drawn by the
area's own template and hashed as generated letters are. The caller commits.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.followup import services
from portal.models import (
    Contact,
    Escalation,
    EscalationEvent,
    Letter,
    Lot,
    Meeting,
    MeetingParticipant,
    Organisation,
    OrgKind,
    PenaltyProposal,
    User,
)
from portal.rules import followup as rules
from portal.rules.deadlines import reply_deadline
from portal.rules.followup import LetterKind, MeetingKind


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def _held_lots() -> list[Lot]:
    return list(
        db.session.scalars(
            select(Lot)
            .join(Organisation, Lot.holder_id == Organisation.id)
            .where(Organisation.kind == OrgKind.COMPANY.value, Lot.planned_hours.is_not(None))
            .order_by(Lot.id)
        )
    )


def _contacts(lot: Lot, amoi: User, start: date) -> None:
    for i, (channel, written) in enumerate((("phone", False), ("phone", False), ("email", True))):
        db.session.add(
            Contact(
                lot_id=lot.id,
                company_id=lot.holder_id,
                day=start + timedelta(days=3 * i),
                channel=channel,
                written=written,
                outcome="not_reached",
                note="Message laissé au conducteur de travaux.",
                internal_note="Interlocuteur difficile à joindre en période de chantier.",
                author_id=amoi.id,
            )
        )


def _event(escalation, user: User, action: str, day: date, comment: str = "") -> None:
    db.session.add(
        EscalationEvent(
            escalation=escalation,
            action=action,
            comment=comment,
            actor_id=user.id,
            actor_org_id=user.organisation_id,
            at=_at(day),
        )
    )


def _letter(escalation, amoi: User, kind: LetterKind, day: date, sent: date | None) -> Letter:
    facts = services.letter_facts(escalation, kind.value, day)
    body = services.default_body(kind.value, facts)
    data = services.render_letter(kind.value, facts, body)
    letter = Letter(
        escalation=escalation,
        kind=kind.value,
        dated_on=day,
        deadline=reply_deadline(day) if kind is LetterKind.REMINDER else None,
        body=body,
        facts=facts,
        pdf=data,
        sha256=hashlib.sha256(data).hexdigest(),
        generated_by_id=amoi.id,
        sent_on=sent,
    )
    db.session.add(letter)
    return letter


def _buyer_user(lot: Lot) -> User:
    buyer_id = lot.market.operation.buyer_id
    return db.session.scalars(
        select(User).where(User.organisation_id == buyer_id).order_by(User.id)
    ).first()


def seed_followup(amoi: User) -> dict[str, int]:
    """The demo escalations, letters, meetings and a decided penalty; the counts added."""
    lots = _held_lots()
    if len(lots) < 3:
        return {"escalations": 0, "meetings": 0}
    full, late, penalised = lots[0], lots[1], lots[2]
    # 1. A full history, resolved.
    buyer = _buyer_user(full)
    _contacts(full, amoi, date(2026, 5, 4))
    done = Escalation(lot=full, company_id=full.holder_id, opened_on=date(2026, 5, 11))
    done.status = "resolved"
    done.notice_kind = LetterKind.FORMAL_NOTICE.value
    done.resolved_on = date(2026, 7, 2)
    done.resolution_reason = "Réunion tripartite : l'entreprise s'engage à recruter deux personnes."
    db.session.add(done)
    db.session.flush()
    _event(done, amoi, "propose_reminder_letter", date(2026, 5, 11))
    _event(done, buyer, "accept", date(2026, 5, 12), "D'accord pour relancer.")
    _letter(done, amoi, LetterKind.REMINDER, date(2026, 5, 13), date(2026, 5, 13))
    _event(done, amoi, "letter_generated", date(2026, 5, 13), "Lettre de relance")
    _event(done, amoi, "letter_sent", date(2026, 5, 13), "Lettre de relance")
    _event(done, amoi, "propose_formal_notice", date(2026, 6, 1))
    _event(done, buyer, "accept", date(2026, 6, 2))
    notice = _letter(done, amoi, LetterKind.FORMAL_NOTICE, date(2026, 6, 3), date(2026, 6, 4))
    notice.received_on = date(2026, 6, 6)
    _event(done, amoi, "letter_generated", date(2026, 6, 3), "Mise en demeure")
    _event(done, buyer, "letter_sent", date(2026, 6, 4), "Mise en demeure")
    _event(done, buyer, "letter_received", date(2026, 6, 6), "Mise en demeure")
    meeting = Meeting(
        kind=MeetingKind.TRIPARTITE.value,
        day=date(2026, 6, 30),
        held=True,
        lot_id=full.id,
        escalation_id=done.id,
        minutes="L'entreprise s'engage à recruter deux personnes d'ici septembre.",
        minutes_shared=True,
        author_id=amoi.id,
    )
    meeting.participants = [
        MeetingParticipant(organisation_id=org_id)
        for org_id in {full.holder_id, full.market.operation.buyer_id, amoi.organisation_id}
    ]
    db.session.add(meeting)
    _event(done, amoi, "resolve", date(2026, 7, 2), done.resolution_reason)
    # 2. A reminder letter whose deadline is past, without answer.
    _contacts(late, amoi, date(2026, 10, 5))
    running = Escalation(lot=late, company_id=late.holder_id, opened_on=date(2026, 10, 19))
    running.status = "reminder_letter"
    db.session.add(running)
    db.session.flush()
    _event(running, amoi, "propose_reminder_letter", date(2026, 10, 19))
    _event(running, _buyer_user(late), "accept", date(2026, 10, 20))
    _letter(running, amoi, LetterKind.REMINDER, date(2026, 10, 21), date(2026, 10, 21))
    _event(running, amoi, "letter_sent", date(2026, 10, 21), "Lettre de relance")
    # 3. A penalty proposal the buyer decided.
    missing = rules.missing_hours(penalised.planned_hours, Decimal(0))
    computed = rules.proposed_penalty(
        penalised.penalty_kind, penalised.penalty_value, penalised.penalty_cap, missing
    )
    db.session.add(
        PenaltyProposal(
            lot_id=penalised.id,
            as_of=date(2026, 11, 30),
            planned_hours=Decimal(penalised.planned_hours or 0),
            validated_hours=Decimal(0),
            missing_hours=missing,
            penalty_kind=penalised.penalty_kind,
            penalty_value=penalised.penalty_value,
            penalty_cap=penalised.penalty_cap,
            smic_hourly=rules.SMIC_HOURLY,
            formula=computed.formula,
            proposed_amount=computed.amount,
            status="decided",
            decided_amount=(computed.amount / 2).quantize(Decimal("0.01")),
            decision_reason="Moitié appliquée : l'entreprise a rattrapé une partie du retard.",
            proposed_by_id=amoi.id,
            decided_by_id=_buyer_user(penalised).id,
            decided_at=_at(date(2026, 12, 1)),
        )
    )
    # 4. Meetings of each kind (the tripartite one above included).
    count = 1
    for n, kind in enumerate(k for k in MeetingKind if k is not MeetingKind.TRIPARTITE):
        day = date(2026, 4, 15) + timedelta(days=21 * n)
        lot = lots[n % len(lots)]
        other = Meeting(
            kind=kind.value,
            day=day,
            held=day < date(2026, 12, 1),
            lot_id=lot.id,
            buyer_id=lot.market.operation.buyer_id,
            minutes=f"Compte rendu de la {kind.label.lower()}." if day < date(2026, 12, 1) else "",
            minutes_shared=day < date(2026, 12, 1),
            author_id=amoi.id,
        )
        other.participants = [
            MeetingParticipant(organisation_id=org_id)
            for org_id in {lot.holder_id, lot.market.operation.buyer_id, amoi.organisation_id}
        ]
        db.session.add(other)
        count += 1
    db.session.flush()
    return {"escalations": 2, "meetings": count}
