"""A small territory with hand-computed figures, shared by the dashboard and observatory
tests (docs/domain.md §9): the CCVG and two communes, three lots, three people (one on two
lots), validated and refused lines, three exits.

Hand-computed, 2026 (lots running from January to December):

- commune Alpha: lot A1 (masonry, 1 000 h planned) and A2 (interior painting, 500 h),
  held by ``company``; commune Beta: lot B1 (masonry, 200 h) held by ``other_company``;
- Paule (F, QPV, no qualification, 26–49) on A1 and A2; Quentin (M, under 26, criteria
  rsa and the health criterion disabled_worker) on A1; Rose (F, 26–49) on B1;
- validated lines: Paule A1 100 h (Jan, of which 10 training) + 50 h (Feb), Paule A2 30 h
  (Mar), Quentin A1 70 h (Jan), Rose B1 20 h (Aug); refused: Quentin A1 40 h (Feb);
- exits: Quentin (A1) CDI on 30 April → durable; Paule (A2) job seeking on 31 May →
  other; Rose (B1) moved on 30 September → neutralised.

So in 2026: 270 h validated, 3 people, 1 700 h planned, exits 3, dynamic rate 1 ÷ 2 =
50 %. Alpha: 250 h, 2 people, 1 500 h planned. H1 Alpha masonry: 220 h, 2 people (1
woman, 1 man, 1 under 26, 1 aged 26–49, 1 QPV, 1 unqualified), 1 durable exit (100 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models import HourLine, Lot, Organisation, Placement
from portal.people import services
from tests.factories import make_lot, make_market, make_operation
from tests.people.builders import amoi_user, decide, identity, make_candidacy
from tests.statements.builders import hour_line

DAY = date(2025, 12, 1)
LOT_DATES = {"start_date": date(2026, 1, 1), "end_date": date(2026, 12, 31)}


@dataclass
class Territory:
    alpha: Organisation
    beta: Organisation
    a1: Lot
    a2: Lot
    b1: Lot
    paule_a1: Placement
    paule_a2: Placement
    quentin: Placement
    rose: Placement


def _hire(company, lot, who, criteria=("rsa",), **details) -> Placement:
    candidacy = make_candidacy(
        company,
        lot=lot,
        who=who,
        criteria=criteria,
        day=DAY,
        planned_start=date(2026, 1, 5),
        **details,
    )
    decide(candidacy, day=DAY)
    placement = services.hire(
        candidacy,
        amoi_user(),
        contract_type="cdd",
        start_date=date(2026, 1, 5),
        planned_end=date(2026, 12, 31),
        weekly_hours=Decimal("35"),
    )
    db.session.commit()
    return placement


def _exit(placement: Placement, on: date, kind: str, category: str) -> None:
    placement.ended_on, placement.exit_kind, placement.exit_category = on, kind, category
    placement.status = "ended"


def territory(world) -> Territory:
    """The territory above, on the personas' world (``world.commune`` is Alpha,
    ``world.other_commune`` Beta, ``world.company`` holds A1 and A2)."""
    alpha, beta = world.commune, world.other_commune
    market_a = make_market(make_operation(alpha, name="Groupe scolaire"), reference="2026-A-001")
    market_b = make_market(make_operation(beta, name="Voirie"), reference="2026-B-001")
    a1 = make_lot(market_a, holder=world.company, planned_hours=1000, trade="masonry", **LOT_DATES)
    a2 = make_lot(
        market_a, holder=world.company, planned_hours=500, trade="interior_painting", **LOT_DATES
    )
    b1 = make_lot(market_b, holder=world.other_company, planned_hours=200, **LOT_DATES)
    paule = identity(
        last_name="Lefèvre",
        first_name="Paule",
        birth_date=date(1990, 5, 17),
        sex="F",
        qpv_resident=True,
        qualification="none",
    )
    paule_a1 = _hire(world.company, a1, paule)
    paule_a2 = _hire(world.company, a2, paule)
    quentin = _hire(
        world.company,
        a1,
        identity(last_name="Quentel", first_name="Quentin", birth_date=date(2004, 1, 1), sex="M"),
        criteria=("rsa", "disabled_worker"),
    )
    rose = _hire(
        world.other_company,
        b1,
        identity(last_name="Rosier", first_name="Rose", birth_date=date(1980, 3, 3), sex="F"),
    )
    hour_line(paule_a1, date(2026, 1, 1), "100")
    hour_line(paule_a1, date(2026, 2, 1), "50")
    hour_line(paule_a2, date(2026, 3, 1), "30")
    hour_line(quentin, date(2026, 1, 1), "70")
    hour_line(quentin, date(2026, 2, 1), "40", status="refused")
    hour_line(rose, date(2026, 8, 1), "20")
    first = paule_a1.participant_id
    line = (
        db.session.query(HourLine).filter_by(placement_id=paule_a1.id, month=date(2026, 1, 1)).one()
    )
    line.training_hours = Decimal("10")
    _exit(quentin, date(2026, 4, 30), "cdi", "durable")
    _exit(paule_a2, date(2026, 5, 31), "job_seeking", "other")
    _exit(rose, date(2026, 9, 30), "moved", "neutralised")
    db.session.commit()
    assert paule_a2.participant_id == first, "the same person on two lots"
    return Territory(alpha, beta, a1, a2, b1, paule_a1, paule_a2, quentin, rose)
