"""Access expectations of the people area (tests/security): who may call each endpoint,
what another organisation's object answers, and what each admitted persona really does."""

from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Candidacy, CandidacyCriterion, Participant, Placement, Role
from tests.conftest import text_of
from tests.factories import make_lot, make_market, make_operation
from tests.people.builders import PDF, decide, make_candidacy, make_placement
from tests.security.registry import (
    ActCase,
    CrossOrgCase,
    acts,
    cross_org,
    exempt_cross_org,
    expect,
    versioned,
)

DECLARERS = (Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE)
expect(
    "people.index",
    "people.lot_people",
    roles=(Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE),
)
expect(
    "people.show",
    "people.propose",
    "people.candidacy",
    "people.upload_proof",
    "people.notification_pdf",
    "people.hire",
    "people.change_placement",
    "people.break_placement",
    "people.end_placement",
    roles=DECLARERS,
)
expect(
    "people.search",
    "people.queue",
    "people.followups",
    "people.referent",
    "people.proof",
    "people.decide",
    "people.followup",
    "people.referents",
    "people.merge",
    "people.split",
    roles=(Role.FACILITATOR,),
)
expect("people.rules", roles=(Role.FACILITATOR,), admin=True)
exempt_cross_org(
    "the AMOI alone reads proofs, decides, records the +6-month situation and the referents "
    "of every declarer's people (docs/domain.md §5); other roles get 403",
    "people.referent",
    "people.proof",
    "people.decide",
    "people.followup",
    "people.merge",
    "people.split",
)


def _candidacy_state(candidacy_id):
    return lambda: db.session.execute(
        select(Candidacy.status, Candidacy.version, Candidacy.updated_at).where(
            Candidacy.id == candidacy_id
        )
    ).one()


def _placement_state(placement_id):
    return lambda: db.session.execute(
        select(Placement.status, Placement.version, Placement.weekly_hours).where(
            Placement.id == placement_id
        )
    ).one()


def _proof_count(candidacy_id):
    return lambda: (
        _candidacy_state(candidacy_id)(),
        db.session.scalar(
            select(db.func.count(CandidacyCriterion.id)).where(
                CandidacyCriterion.candidacy_id == candidacy_id,
                CandidacyCriterion.proof_file.is_not(None),
            )
        ),
    )


@cross_org("people.show")
def company_reads_another_companys_person(world):
    candidacy = make_candidacy(world.other_company, user=world.others["company"])
    participant_id = candidacy.participant_id
    return CrossOrgCase(
        world.users["company"],
        {"participant_id": participant_id},
        lambda: db.session.execute(
            select(Participant.last_name, Participant.version).where(
                Participant.id == participant_id
            )
        ).one(),
    )


@cross_org("people.show")
def structure_reads_another_structures_person(world):
    lot = make_lot(holder=world.other_structure)
    candidacy = make_candidacy(world.other_structure, lot=lot, user=world.others["structure"])
    participant_id = candidacy.participant_id
    return CrossOrgCase(
        world.users["structure"],
        {"participant_id": participant_id},
        lambda: db.session.scalar(
            select(Participant.version).where(Participant.id == participant_id)
        ),
    )


@cross_org("people.candidacy", "people.upload_proof", "people.hire")
def company_acts_on_another_companys_candidacy(world):
    candidacy = make_candidacy(world.other_company, user=world.others["company"])
    return CrossOrgCase(
        world.users["company"], {"candidacy_id": candidacy.id}, _proof_count(candidacy.id)
    )


@cross_org("people.candidacy", "people.upload_proof", "people.hire")
def structure_acts_on_another_structures_candidacy(world):
    lot = make_lot(holder=world.other_structure)
    candidacy = make_candidacy(world.other_structure, lot=lot, user=world.others["structure"])
    return CrossOrgCase(
        world.users["structure"], {"candidacy_id": candidacy.id}, _proof_count(candidacy.id)
    )


@cross_org("people.notification_pdf")
def company_downloads_another_companys_notification(world):
    candidacy = make_candidacy(world.other_company, user=world.others["company"])
    decide(candidacy)
    return CrossOrgCase(
        world.users["company"], {"candidacy_id": candidacy.id}, _candidacy_state(candidacy.id)
    )


@cross_org("people.change_placement", "people.break_placement", "people.end_placement")
def company_changes_another_companys_placement(world):
    placement = make_placement(world.other_company, user=world.others["company"])
    return CrossOrgCase(
        world.users["company"], {"placement_id": placement.id}, _placement_state(placement.id)
    )


@cross_org("people.change_placement", "people.break_placement", "people.end_placement")
def structure_changes_a_companys_placement(world):
    placement = make_placement(world.company, user=world.users["company"])
    return CrossOrgCase(
        world.users["structure"], {"placement_id": placement.id}, _placement_state(placement.id)
    )


# --- admitted personas act on real objects (tests/security/test_admitted_roles_act.py) ------


def _declarer_of(world, persona):
    """The organisation whose candidacy the persona may reach, and its user."""
    if persona == "structure":
        return world.structure, world.users["structure"]
    return world.company, world.users["company"]


def _own_candidacy(world, persona, **kw):
    declarer, user = _declarer_of(world, persona)
    lot = make_lot(holder=declarer)
    return make_candidacy(declarer, lot=lot, user=user, **kw)


@acts("people.show", "people.candidacy")
def a_person_the_persona_proposed(world, persona):
    from portal.people.services import Identity

    who = Identity("Lefèvre-Vidal", "Inès", date(1988, 3, 2), "F", "Foix", "09000", True, "none")
    candidacy = _own_candidacy(world, persona, who=who)
    return ActCase(
        {"participant_id": candidacy.participant_id, "candidacy_id": candidacy.id},
        check=lambda response: "LEFÈVRE-VIDAL" in text_of(response),
    )


@acts("people.upload_proof", method="POST")
def the_persona_adds_a_proof(world, persona):
    from io import BytesIO

    candidacy = _own_candidacy(world, persona)
    candidacy_id = candidacy.id
    return ActCase(
        {"candidacy_id": candidacy.id},
        data={
            "code": "rsa",
            "proof_type": "Attestation CAF",
            "proof_date": "01/12/2026",
            "file": (BytesIO(PDF), "attestation.pdf"),
        },
        check=lambda response: (
            db.session.scalar(
                select(CandidacyCriterion.proof_sha256).where(
                    CandidacyCriterion.candidacy_id == candidacy_id
                )
            )
            is not None
        ),
    )


@acts("people.hire", method="POST")
def the_persona_confirms_the_hire(world, persona):
    candidacy = _own_candidacy(world, persona)
    decide(candidacy)
    candidacy_id = candidacy.id
    return ActCase(
        {"candidacy_id": candidacy.id},
        data=versioned(
            db.session.get(Candidacy, candidacy_id),
            contract_type="cdd",
            start_date="14/12/2026",
            planned_end="13/06/2027",
            weekly_hours="35",
        ),
        check=lambda response: db.session.get(Candidacy, candidacy_id).status == "hired",
    )


@acts("people.decide", method="POST")
def the_amoi_validates(world, persona):
    candidacy = make_candidacy(world.company, user=world.users["company"])
    candidacy_id = candidacy.id
    return ActCase(
        {"candidacy_id": candidacy.id},
        data=versioned(
            candidacy,
            outcome="eligible",
            retained="rsa",
            countable_hours="143",
        ),
        check=lambda response: db.session.get(Candidacy, candidacy_id).status == "eligible",
    )


# --- the people of one lot -------------------------------------------------------------------


def _lot_people_state(lot_id):
    return lambda: db.session.scalar(
        select(func.count()).select_from(Placement).where(Placement.lot_id == lot_id)
    )


@cross_org("people.lot_people")
def company_reads_the_people_of_another_companys_lot(world):
    lot = make_lot(holder=world.other_company)
    make_placement(world.other_company, lot=lot, user=world.others["company"])
    return CrossOrgCase(world.users["company"], {"lot_id": lot.id}, _lot_people_state(lot.id))


@cross_org("people.lot_people")
def commune_reads_the_people_of_another_communes_lot(world):
    lot = make_lot(make_market(make_operation(world.other_commune)), holder=world.company)
    make_placement(world.company, lot=lot, user=world.users["company"])
    return CrossOrgCase(world.users["buyer_commune"], {"lot_id": lot.id}, _lot_people_state(lot.id))


@acts("people.lot_people")
def the_people_of_a_lot_the_persona_sees(world, persona):
    """Declarers and the AMOI read the names; the lot's buyer reads counts, never a name."""
    from portal.people.services import Identity

    buyer = world.ccvg if persona == "buyer_ccvg" else world.commune
    employer = world.structure if persona == "structure" else world.company
    employer_user = world.users["structure" if persona == "structure" else "company"]
    lot = make_lot(make_market(make_operation(buyer)), holder=employer)
    who = Identity(
        "Exemple-Lotier", "Sacha", date(1991, 4, 9), "M", "Brignais", "69530", False, "none"
    )
    make_placement(employer, lot=lot, user=employer_user, who=who)
    if persona.startswith("buyer"):
        return ActCase(
            {"lot_id": lot.id},
            check=lambda response: (
                "EXEMPLE-LOTIER" not in text_of(response).upper()
                and "1\u00a0embauche" in text_of(response)
            ),
        )
    return ActCase({"lot_id": lot.id}, check=lambda response: "EXEMPLE-LOTIER" in text_of(response))
