"""Builders for the follow-up tests: a lot held by a company, contacts, an escalation at
each step, made through the area's services."""

from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.followup import services
from portal.models import FollowupSettings, Lot, Organisation, OrgKind
from tests.factories import make_lot, make_market, make_operation, make_org, make_user

DAY = date(2027, 1, 4)


def amoi(org: Organisation | None = None):
    org = org or make_org(OrgKind.FACILITATOR, name="Sud-Ouest Emploi (test)")
    return make_user(org)


def held_lot(buyer: Organisation | None = None, company: Organisation | None = None) -> Lot:
    operation = make_operation(buyer or make_org(OrgKind.BUYER))
    market = make_market(operation, reference="2026-T-Étoile", title="Réhabilitation école")
    company = company or make_org(OrgKind.COMPANY, address="12 rue de l'Église\n31000 Toulouse")
    return make_lot(
        market,
        holder=company,
        planned_hours=300,
        penalty_kind="fixed_per_hour",
        penalty_value=60,
    )


def contacts(lot: Lot, user, pattern=(("phone", "not_reached"),) * 2 + (("email", "not_reached"),)):
    for i, (channel, outcome) in enumerate(pattern):
        services.log_contact(
            lot,
            user,
            day=date(2027, 1, 1 + i),
            channel=channel,
            written=channel in ("email", "letter"),
            outcome=outcome,
            note="Note visible",
            internal_note="Note interne secrète",
        )
    db.session.commit()


def no_agreement(buyer: Organisation) -> None:
    db.session.add(
        FollowupSettings(
            buyer_id=buyer.id, reminder_needs_agreement=False, registered_needs_agreement=False
        )
    )
    db.session.commit()


def escalation_at(
    lot: Lot, user, step: str = "reminder_proposed", buyer_user=None, day: date = DAY
):
    """An escalation of ``lot`` at ``step``: reminder_proposed, reminder_letter (agreed),
    letter (a generated reminder letter, returned as the second value)."""
    contacts(lot, user)
    escalation = services.start_reminder(lot, user, day)
    db.session.commit()
    letter = None
    if step in ("reminder_letter", "letter", "sent"):
        services.decide(escalation, buyer_user or make_user(lot.market.operation.buyer), True, "")
        db.session.commit()
    if step in ("letter", "sent"):
        letter = services.generate_letter(escalation, user, "reminder", day, "Corps de la lettre.")
        db.session.commit()
    if step == "sent":
        services.record_sent(letter, user, day)
        db.session.commit()
    return escalation, letter
