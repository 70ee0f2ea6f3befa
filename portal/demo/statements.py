"""Loads the demonstration hour statements (docs/domain.md §7): one statement per employer
and month for every month a demo placement worked, twelve months from December 2025 to the
last month before the demo's day (November 2026), in every state of the review. The demo
year's people were hired from May 2026; the two long placements of the 2025 census's voie
verte (2025-CCVG-006, a CDDI of the ACI and a professionalisation contract of the GEIQ,
``portal.demo.people_data.EARLIER_PEOPLE``) worked every month since December 2025, so
their employers' statements run over the twelve months:

- up to August: validated by the AMOI (from December 2025 to April 2026, only the long
  placements' lines);
- September: validated, with one refusal **confirmed** by the CCVG (a line of the
  *Espaces Verts* company on lot 2026-CCVG-004 lot 1) and one refusal **overturned** by
  the commune of Chaponost (a line of the ACI on lot 2026-CHA-005 lot 2);
- October: validated, except the GEIQ's, whose line on 2026-BRI-003 lot 2 waits for the
  commune of Brignais (**refusal proposed**); the ETTI's October statement is missing
  (**late**: due on 10 November, its placements were active);
- November: **submitted**, waiting in the AMOI's queue.

The lot **2026-CCVG-004 lot 1** (3,875 planned hours over April 2026 – March 2030) is
clearly behind its pace: its employers declared short months (a fifth of the contract's
hours) and one of them was refused, a few hundred validated hours where about 650 were
due by December 2026.

Rows are written directly (the demo shows states, it does not replay the screens). The
caller commits.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import (
    HourLine,
    HourStatement,
    Lot,
    Market,
    Organisation,
    OrgKind,
    Placement,
    User,
)
from portal.rules.deadlines import add_months, first_of_month

FIRST_MONTH = date(2025, 12, 1)
LAST_MONTH = date(2026, 11, 1)
"""The months of the demo statements: twelve months, from the long placements' first month
to the month before the demo's day."""
BEHIND_LOT = ("2026-CCVG-004", 1)
"""The lot clearly behind its pace (market reference, lot number)."""
BEHIND_FACTOR = Decimal("0.2")
CONFIRMED = (date(2026, 9, 1), "2026-CCVG-004", 1, OrgKind.COMPANY)
OVERTURNED = (date(2026, 9, 1), "2026-CHA-005", 2, OrgKind.STRUCTURE)
PROPOSED = (date(2026, 10, 1), "2026-BRI-003", 2, "GEIQ")
LATE = (date(2026, 10, 1), "ETTI")
REFUSAL_REASON = (
    "Heures déclarées un dimanche et un jour férié, hors des pratiques du chantier et sans "
    "autorisation du maître d'ouvrage."
)
BUYER_COMMENTS = {
    "confirmed": "Le chantier était fermé ces jours-là : refus confirmé.",
    "overturned": "Intervention d'urgence demandée par nos services techniques : les heures comptent.",
}
TWO = Decimal("0.01")


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _months(placement: Placement) -> list[date]:
    end = placement.ended_on or placement.planned_end or date(2099, 1, 1)
    month, last = (
        max(first_of_month(placement.start_date), FIRST_MONTH),
        min(first_of_month(end), LAST_MONTH),
    )
    months = []
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _hours(placement: Placement, month: date) -> Decimal:
    """The contract's weekly hours over the days of ``month`` it ran (at most 250 h)."""
    days_in_month = calendar.monthrange(month.year, month.month)[1]
    month_end = month.replace(day=days_in_month)
    end = min(placement.ended_on or placement.planned_end or month_end, month_end)
    start = max(placement.start_date, month)
    days = (end - start).days + 1
    hours = Decimal(placement.weekly_hours) * Decimal(days) / Decimal(7)
    return min(hours, Decimal(250)).quantize(TWO, ROUND_HALF_UP)


_FIRST_USERS: dict[int, User | None] = {}


def _first_user(org_id: int) -> User | None:
    """The organisation's first user (one query per organisation per seeding)."""
    if org_id not in _FIRST_USERS:
        _FIRST_USERS[org_id] = db.session.scalars(
            select(User).where(User.organisation_id == org_id).order_by(User.id)
        ).first()
    return _FIRST_USERS[org_id]


def _key(lot: Lot) -> tuple[str, int]:
    return (lot.market.reference, lot.number)


def seed_statements(amoi: User) -> dict[str, int]:
    """The statements and lines of the demo placements; the counts added."""
    _FIRST_USERS.clear()
    placements = list(
        db.session.scalars(
            select(Placement)
            .where(Placement.lot_id.is_not(None))
            .options(
                joinedload(Placement.employer),
                joinedload(Placement.lot).joinedload(Lot.market).joinedload(Market.operation),
            )
            .order_by(Placement.id)
        ).unique()
    )
    by_statement: dict[tuple[int, date], list[tuple[Placement, Decimal]]] = defaultdict(list)
    for placement in placements:
        for month in _months(placement):
            hours = _hours(placement, month)
            if _key(placement.lot) == BEHIND_LOT:
                hours = (hours * BEHIND_FACTOR).quantize(TWO, ROUND_HALF_UP)
            if hours > 0:
                by_statement[(placement.employer_id, month)].append((placement, hours))
    statements = 0
    special_done: set[str] = set()
    for (_org_id, month), rows in sorted(
        by_statement.items(), key=lambda item: (item[0][1], item[0][0])
    ):
        employer = rows[0][0].employer
        if (month, employer.structure_kind) == LATE:
            continue  # the late statement: nothing received
        statement = _statement(employer, month, amoi)
        for placement, hours in rows:
            line = HourLine(
                placement=placement,
                month=month,
                hours=hours,
                training_hours=Decimal(7)
                if placement.contract_type in ("apprenticeship", "professionalisation")
                else Decimal(0),
                status="submitted" if statement.status == "submitted" else "validated",
                source_line=len(statement.lines) + 2 if statement.source == "upload" else None,
            )
            statement.lines.append(line)
            _special(statement, line, employer, month, amoi, special_done)
        statements += 1
        db.session.add(statement)
    db.session.flush()
    _FIRST_USERS.clear()  # no user kept beyond this session's seeding
    return {"statements": statements}


def _statement(employer: Organisation, month: date, amoi: User) -> HourStatement:
    deposited = add_months(month, 1) + timedelta(days=4)
    submitted = month == LAST_MONTH
    return HourStatement(
        organisation=employer,
        month=month,
        status="submitted" if submitted else "validated",
        source="typed" if employer.kind == OrgKind.COMPANY.value else "upload",
        submitted_by=_first_user(employer.id),
        submitted_at=_at(deposited),
        entered_by_amoi=False,
        uploads=0 if employer.kind == OrgKind.COMPANY.value else 1,
        reviewed_by=None if submitted else amoi,
        reviewed_at=None if submitted else _at(deposited + timedelta(days=3)),
    )


def _special(
    statement: HourStatement,
    line: HourLine,
    employer: Organisation,
    month: date,
    amoi: User,
    done: set[str],
) -> None:
    """The refusal workflow's demo lines: one confirmed, one overturned, one pending."""
    lot = line.placement.lot
    spot = (month, lot.market.reference, lot.number)
    proposed_at = statement.reviewed_at
    if spot == CONFIRMED[:3] and employer.kind == CONFIRMED[3].value and "confirmed" not in done:
        outcome = "confirmed"
    elif (
        spot == OVERTURNED[:3] and employer.kind == OVERTURNED[3].value and "overturned" not in done
    ):
        outcome = "overturned"
    elif spot == PROPOSED[:3] and employer.structure_kind == PROPOSED[3] and "proposed" not in done:
        outcome = "proposed"
    else:
        return
    done.add(outcome)
    line.refusal_reason = REFUSAL_REASON
    line.refusal_proposed_by = amoi
    line.refusal_proposed_at = proposed_at
    if outcome == "proposed":
        line.status = "refusal_proposed"
        statement.status = "refusal_proposed"
        return
    buyer = lot.market.operation.buyer_id
    line.status = "refused" if outcome == "confirmed" else "validated"
    line.buyer_decision = outcome
    line.buyer_comment = BUYER_COMMENTS[outcome]
    line.decided_by = _first_user(buyer)
    line.decided_at = proposed_at + timedelta(days=6)
