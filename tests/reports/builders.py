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

from portal.extensions import db
from portal.models import Lot, Operation, Organisation, OrgKind, Placement
from portal.privacy.anonymisation import anonymise_participant
from tests.factories import make_lot, make_market, make_operation, make_org
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
