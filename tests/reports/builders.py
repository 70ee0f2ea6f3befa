"""A small operation with hand-countable figures for the report tests (docs/domain.md §9):
two lots; Zoé on both lots (one person of the operation, one of each lot), Luc on a CDI
past its 12 countable months, Ana anonymised (she still counts), a refused line and a
submitted line that do not count.

Year 2027, hand-computed:
- lot A: Zoé 100 (January) + Luc 60 (June; December's 70 is past his CDI's cap) + Ana 30
  (March) = 190 h; Zoé's February 50 h refused, Ana's April 45 h submitted: not counted;
- lot B: Zoé 20 h (January);
- operation: 210 h of 1 500 planned = 14 %, ETP 210 ÷ 1 820 = 0.12; 3 people, 4 placements;
- the final report adds Luc's December 2026 40 h: 250 h.
Exits in 2027: Ana durable (end of May), Luc « other » (end of September): dynamic rate
1 ÷ 2 = 50 %; at +6 months (due in November 2027): Ana transition → 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from portal.extensions import db
from portal.models import (
    Lot,
    Market,
    Operation,
    Organisation,
    OrgKind,
    Placement,
    SupportCommitment,
)
from portal.privacy.anonymisation import anonymise_participant
from tests.factories import make_lot, make_market, make_operation, make_org
from tests.people.builders import amoi_user
from tests.statements.builders import hour_line, structure_placement


@dataclass
class World:
    buyer: Organisation
    operation: Operation
    lot_a: Lot
    lot_b: Lot
    zoe_a: Placement
    zoe_b: Placement
    luc: Placement
    ana: Placement


def small_operation(buyer: Organisation | None = None) -> World:
    buyer = buyer or make_org(OrgKind.BUYER, name="Commune d'Écluse")
    operation = make_operation(buyer, name="Groupe scolaire des Érables")
    market = make_market(operation, reference="2027-ÉCL-001", title="Construction école")
    company = make_org(OrgKind.COMPANY, name="Bâtiments Réunis")
    lot_a = make_lot(market, holder=company, number=1, title="Gros œuvre", planned_hours=1000)
    lot_b = make_lot(market, holder=company, number=2, title="Peinture", planned_hours=500)
    structure = make_org(OrgKind.STRUCTURE, name="ETTI Tremplin")
    zoe = dict(last_name="Martin", first_name="Zoé", birth_date=date(1990, 5, 17))
    zoe_a = structure_placement(structure, lot=lot_a, **zoe)
    zoe_b = structure_placement(structure, lot=lot_b, **zoe)
    luc = structure_placement(
        structure,
        lot=lot_a,
        last_name="Bernard",
        first_name="Luc",
        birth_date=date(1960, 3, 1),
        contract_type="cdi",
        planned_end=None,
    )
    luc.participant.sex = "M"
    ana = structure_placement(
        structure, lot=lot_a, last_name="Petit", first_name="Ana", birth_date=date(2005, 1, 1)
    )
    hour_line(zoe_a, date(2027, 1, 1), "100")
    hour_line(zoe_a, date(2027, 2, 1), "50", "refused")
    hour_line(zoe_b, date(2027, 1, 1), "20")
    hour_line(luc, date(2026, 12, 1), "40")
    hour_line(luc, date(2027, 6, 1), "60")
    hour_line(luc, date(2027, 12, 1), "70")
    hour_line(ana, date(2027, 3, 1), "30")
    hour_line(ana, date(2027, 4, 1), "45", "submitted")
    ana.ended_on, ana.exit_kind, ana.exit_category = date(2027, 5, 31), "cdi", "durable"
    ana.followup_due_on, ana.followup_category = date(2027, 11, 30), "transition"
    luc.ended_on, luc.exit_kind, luc.exit_category = date(2027, 9, 30), "job_seeking", "other"
    anonymise_participant(
        ana.participant, None, "erasure_request", datetime(2028, 1, 1, tzinfo=UTC)
    )
    db.session.commit()
    return World(buyer, operation, lot_a, lot_b, zoe_a, zoe_b, luc, ana)


# --- a reserved market (docs/domain.md §9.1) ------------------------------------------------


@dataclass
class ReservedWorld:
    """A reserved market of 2026 and its neighbour, with hand-countable figures.

    On the reserved market's lot (held by the SIAE « ACI Les Jardins de l'Écluse »), 2026:
    - Zoé 120 h (January) + 80 h (February); her March 60 h refused: not counted;
    - Marc 100 h (March), ended 30 June 2026 in a durable job; at +6 months (due 31 December
      2026) in a transition job;
    - Léa 40 h (April), ended 31 May 2026, « other » exit;
    = 340 h, 3 people, 3 placements; exits at the end: 1 durable + 1 other → dynamic rate
    1 ÷ 2 = 50 %; at +6 months: 1 transition → 100 %.
    Paul's 500 h (March) on the other market of the operation do not count.
    Commitments: « Entretiens individuels de suivi » 12 entretiens a year: 3 + 5 in 2026
    (and 4 in December 2025, another year) → 8 of 12 = 66,7 %, « reste 4 entretiens à
    réaliser »; « Formation gestes et postures » 20 heures: 24 in 2026 → 120 %, exceeded by 4.
    Meetings 2026 (its first year): start held, mid-year held, year-end planned (1 due).
    """

    buyer: Organisation
    operation: Operation
    market: Market
    lot: Lot
    siae: Organisation
    interviews: SupportCommitment
    training: SupportCommitment


def reserved_market(buyer: Organisation | None = None) -> ReservedWorld:
    from portal.models import Meeting
    from portal.reports import support

    buyer = buyer or make_org(OrgKind.BUYER, name="Commune d'Écluse")
    operation = make_operation(buyer, name="Berges de l'Écluse", start_date=date(2026, 1, 1))
    market = make_market(
        operation,
        reference="2026-RÉS-001",
        title="Entretien des berges (marché réservé SIAE)",
        legal_basis="reserved_siae",
        notification_date=date(2026, 1, 15),
        planned_end=date(2027, 1, 14),
    )
    siae = make_org(OrgKind.STRUCTURE, name="ACI Les Jardins de l'Écluse")
    lot = make_lot(market, holder=siae, number=1, title="Entretien des berges", planned_hours=None)
    other = make_market(operation, reference="2026-ÉCL-002", title="Passerelle piétonne")
    company = make_org(OrgKind.COMPANY, name="Ouvrages d'Art Réunis")
    other_lot = make_lot(other, holder=company, number=1, title="Charpente", planned_hours=1000)
    zoe = structure_placement(siae, lot=lot, last_name="Martin", first_name="Zoé")
    marc = structure_placement(
        siae, lot=lot, last_name="Durand", first_name="Marc", birth_date=date(1970, 2, 2)
    )
    marc.participant.sex = "M"
    lea = structure_placement(
        siae, lot=lot, last_name="Roux", first_name="Léa", birth_date=date(2001, 7, 7)
    )
    paul = structure_placement(
        make_org(OrgKind.STRUCTURE), lot=other_lot, last_name="Henri", first_name="Paul"
    )
    # hired through the service (eligibility checked today), then dated back to 2026
    for placement, start, end in (
        (zoe, date(2026, 1, 5), date(2026, 12, 31)),
        (marc, date(2026, 3, 1), date(2026, 6, 30)),
        (lea, date(2026, 4, 1), date(2026, 5, 31)),
        (paul, date(2026, 1, 5), date(2026, 12, 31)),
    ):
        placement.start_date, placement.planned_end = start, end
    hour_line(zoe, date(2026, 1, 1), "120")
    hour_line(zoe, date(2026, 2, 1), "80")
    hour_line(zoe, date(2026, 3, 1), "60", "refused")
    hour_line(marc, date(2026, 3, 1), "100")
    hour_line(lea, date(2026, 4, 1), "40")
    hour_line(paul, date(2026, 3, 1), "500")
    marc.ended_on, marc.exit_kind, marc.exit_category = date(2026, 6, 30), "cdi", "durable"
    marc.followup_due_on, marc.followup_category = date(2026, 12, 31), "transition"
    lea.ended_on, lea.exit_kind, lea.exit_category = date(2026, 5, 31), "job_seeking", "other"
    for kind, day, held, on in (
        ("siae_start", date(2026, 2, 10), True, lot),
        ("siae_midyear", date(2026, 6, 20), True, lot),
        ("siae_year_end", date(2026, 12, 15), False, lot),
        ("kickoff", date(2026, 2, 1), True, other_lot),
    ):
        db.session.add(Meeting(kind=kind, day=day, held=held, lot=on))
    amoi = amoi_user()
    interviews = support.add_commitment(
        market,
        amoi,
        {
            "organisation_id": siae.id,
            "label": "Entretiens individuels de suivi",
            "kind": "followup_interviews",
            "target": Decimal("12"),
            "unit": "entretiens",
            "note": "",
        },
    )
    training = support.add_commitment(
        market,
        amoi,
        {
            "organisation_id": siae.id,
            "label": "Formation gestes et postures",
            "kind": "training",
            "target": Decimal("20"),
            "unit": "heures",
            "note": "Mémoire technique, § 3.2",
        },
    )
    for commitment, day, quantity, people in (
        (interviews, date(2025, 12, 10), "4", 4),
        (interviews, date(2026, 3, 10), "3", 3),
        (interviews, date(2026, 6, 15), "5", 3),
        (training, date(2026, 9, 1), "24", 2),
    ):
        support.record_action(
            commitment,
            amoi,
            {"day": day, "quantity": Decimal(quantity), "people": people, "description": ""},
            date(2026, 11, 30),
        )
    db.session.commit()
    return ReservedWorld(buyer, operation, market, lot, siae, interviews, training)
