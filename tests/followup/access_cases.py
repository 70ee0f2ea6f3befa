"""The follow-up's role matrix, cross-organisation cases and real acts (issue 11)."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.followup import services
from portal.models import Contact, Escalation, Letter, Market, Meeting, Role
from tests.conftest import text_of
from tests.followup.builders import DAY, contacts, escalation_at, held_lot
from tests.security.registry import (
    ActCase,
    CrossOrgCase,
    acts,
    cross_org,
    exempt_cross_org,
    expect,
    versioned,
)

F, B, C, S = Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE

expect("followup.queue", roles=(F,))
expect("followup.lot", "followup.escalation", "followup.letter_pdf", roles=(F, B, C))
expect(
    "followup.contact_create",
    "followup.propose_reminder",
    "followup.penalty_create",
    "followup.propose_registered",
    "followup.resolve",
    "followup.letter_new",
    "followup.meeting_create",
    "followup.meeting_minutes",
    "followup.confirm_presence",
    roles=(F,),
)
expect(
    "followup.penalty_decide",
    "followup.agree",
    "followup.decline",
    "followup.notify_market",
    "followup.kickoff",
    roles=(B,),
)
expect(
    "followup.letter_sent",
    "followup.letter_received",
    "followup.market",
    "followup.settings",
    roles=(F, B),
)
expect("followup.meetings", "followup.meeting", roles=(F, B, C, S))
exempt_cross_org(
    "AMOI-only endpoints: the facilitator's scope is every organisation, nothing to cross",
    "followup.contact_create",
    "followup.propose_reminder",
    "followup.penalty_create",
    "followup.propose_registered",
    "followup.resolve",
    "followup.letter_new",
    "followup.meeting_minutes",
    "followup.confirm_presence",
)


def _state(model, object_id):
    return lambda: db.session.execute(
        select(model).where(model.id == object_id).with_only_columns(*model.__table__.c)
    ).one()


def _others_letter(world):
    """An escalation with a sent reminder letter on the other commune's lot, held by the
    other company."""
    lot = held_lot(world.other_commune, world.other_company)
    escalation, letter = escalation_at(
        lot, world.users["facilitator"], "sent", buyer_user=world.others["buyer_commune"]
    )
    return lot, escalation, letter


@cross_org("followup.lot")
def buyer_reads_another_communes_lot_follow_up(world):
    lot, _, _ = _others_letter(world)
    return CrossOrgCase(world.users["buyer_commune"], {"lot_id": lot.id}, _state(Contact, 1))


@cross_org("followup.escalation")
def company_reads_another_companys_escalation(world):
    _, escalation, _ = _others_letter(world)
    return CrossOrgCase(
        world.users["company"], {"escalation_id": escalation.id}, _state(Escalation, escalation.id)
    )


@cross_org("followup.escalation", "followup.agree", "followup.decline")
def commune_reads_another_communes_escalation(world):
    _, escalation, _ = _others_letter(world)
    return CrossOrgCase(
        world.users["buyer_commune"],
        {"escalation_id": escalation.id},
        _state(Escalation, escalation.id),
    )


@cross_org("followup.letter_pdf", "followup.letter_sent", "followup.letter_received")
def commune_reads_another_communes_letter(world):
    _, _, letter = _others_letter(world)
    return CrossOrgCase(
        world.users["buyer_commune"], {"letter_id": letter.id}, _state(Letter, letter.id)
    )


@cross_org("followup.letter_pdf")
def company_reads_another_companys_letter(world):
    _, _, letter = _others_letter(world)
    return CrossOrgCase(world.users["company"], {"letter_id": letter.id}, _state(Letter, letter.id))


@cross_org("followup.penalty_decide")
def commune_decides_another_communes_penalty(world):
    lot = held_lot(world.other_commune, world.other_company)
    proposal = services.propose_penalty(lot, world.users["facilitator"], DAY, 12, None)
    db.session.commit()
    from portal.models import PenaltyProposal

    return CrossOrgCase(
        world.users["buyer_commune"],
        {"penalty_proposal_id": proposal.id},
        _state(PenaltyProposal, proposal.id),
    )


@cross_org("followup.meeting")
def company_reads_a_meeting_it_did_not_attend(world):
    meeting = services.create_meeting(
        world.users["facilitator"],
        participants=[world.other_company.id],
        kind="tripartite",
        day=DAY,
        minutes="Compte rendu",
        minutes_shared=True,
    )
    db.session.commit()
    return CrossOrgCase(
        world.users["company"], {"meeting_id": meeting.id}, _state(Meeting, meeting.id)
    )


@cross_org("followup.market", "followup.notify_market", "followup.kickoff")
def commune_notifies_another_communes_market(world):
    lot = held_lot(world.other_commune, world.other_company)
    return CrossOrgCase(
        world.users["buyer_commune"], {"market_id": lot.market_id}, _state(Market, lot.market_id)
    )


@cross_org("followup.settings")
def commune_reads_another_communes_settings(world):
    return CrossOrgCase(world.users["buyer_commune"], {"org_id": world.other_commune.id})


# --- real acts --------------------------------------------------------------------------------


def _lot_for(world, persona):
    """A lot of the commune held by the company: every admitted persona reaches it."""
    return held_lot(world.commune, world.company)


@acts("followup.lot")
def the_persona_opens_a_lot_follow_up(world, persona):
    lot = _lot_for(world, persona)
    contacts(lot, world.users["facilitator"])
    secret_shown = persona.startswith("facilitator")

    def check(response):
        text = text_of(response)
        return "Note visible" in text and ("Note interne secrète" in text) == secret_shown

    return ActCase({"lot_id": lot.id}, check=check)


@acts("followup.escalation")
def the_persona_opens_an_escalation(world, persona):
    lot = _lot_for(world, persona)
    escalation, _ = escalation_at(lot, world.users["facilitator"], "sent")
    return ActCase(
        {"escalation_id": escalation.id},
        check=lambda response: "Chronologie" in text_of(response),
    )


@acts("followup.letter_pdf")
def the_persona_downloads_a_letter(world, persona):
    lot = _lot_for(world, persona)
    _, letter = escalation_at(lot, world.users["facilitator"], "sent")
    return ActCase(
        {"letter_id": letter.id},
        check=lambda response: response.data.startswith(b"%PDF"),
    )


@acts("followup.meeting")
def the_persona_opens_a_meeting_it_attended(world, persona):
    org = world.users[persona].organisation
    meeting = services.create_meeting(
        world.users["facilitator"],
        participants=[org.id],
        kind="tripartite",
        day=DAY,
        minutes="Engagement de recruter deux personnes",
        minutes_shared=True,
    )
    db.session.commit()
    return ActCase(
        {"meeting_id": meeting.id},
        check=lambda response: "Engagement de recruter" in text_of(response),
    )


@acts("followup.contact_create", method="POST")
def the_amoi_logs_a_contact(world, persona):
    lot = _lot_for(world, persona)

    def check(response):
        return response.status_code == 303 and db.session.scalar(
            select(Contact.id).where(Contact.lot_id == lot.id)
        )

    data = {"day": "2027-01-05", "channel": "phone", "outcome": "not_reached", "note": "x"}
    return ActCase({"lot_id": lot.id}, data, check=check)


@acts("followup.agree", method="POST")
def the_buyer_accepts_a_reminder_letter(world, persona):
    lot = _lot_for(world, persona)
    escalation, _ = escalation_at(lot, world.users["facilitator"], "reminder_proposed")

    def check(response):
        db.session.refresh(escalation)
        return response.status_code == 303 and escalation.status == "reminder_letter"

    return ActCase({"escalation_id": escalation.id}, versioned(escalation), check=check)


@acts("followup.letter_sent", method="POST")
def the_persona_records_a_sending(world, persona):
    lot = _lot_for(world, persona)
    _, letter = escalation_at(lot, world.users["facilitator"], "letter")
    if not persona.startswith("facilitator"):
        return ActCase(
            {"letter_id": letter.id},
            {"day": "2027-01-06"},
            refused="can_record_registered_letter: the AMOI sends its own reminder letter",
        )

    def check(response):
        db.session.refresh(letter)
        return response.status_code == 303 and letter.sent_on is not None

    return ActCase({"letter_id": letter.id}, {"day": "2027-01-06"}, check=check)
