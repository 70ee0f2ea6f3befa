"""The demonstration statements (issue 10; portal/demo/statements.py): twelve months of
statements, every state of the review, one late statement, one lot clearly behind its pace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portal.demo import seed_demo
from portal.demo.statements import BEHIND_LOT, FIRST_MONTH, LAST_MONTH
from portal.extensions import db as database
from portal.models import HourLine, HourStatement, Lot, Market, Organisation, Placement
from portal.rules.deadlines import add_months
from portal.statements.queries import validated_hours_by_lot


def test_demo_statements_cover_every_state_of_the_review(app, db):
    seed_demo()
    statements = set(database.session.scalars(select(HourStatement.status)))
    assert {"submitted", "validated", "refusal_proposed"} <= statements
    decided = dict(
        database.session.execute(
            select(HourLine.buyer_decision, func.count(HourLine.id))
            .where(HourLine.buyer_decision != "")
            .group_by(HourLine.buyer_decision)
        ).all()
    )
    assert decided == {"confirmed": 1, "overturned": 1}
    pending = database.session.scalars(
        select(HourLine).where(HourLine.status == "refusal_proposed")
    ).all()
    assert len(pending) == 1 and pending[0].refusal_reason
    months = set(database.session.scalars(select(HourStatement.month)))
    assert min(months) == FIRST_MONTH == date(2025, 12, 1) and max(months) == LAST_MONTH
    assert add_months(FIRST_MONTH, 11) == LAST_MONTH  # twelve months
    # every statement's lines agree with its state: a submitted one has submitted lines
    for statement in database.session.scalars(select(HourStatement)):
        lines = {line.status for line in statement.lines}
        assert lines, statement
        if statement.status == "submitted":
            assert lines == {"submitted"}
        elif statement.status == "validated":
            assert lines <= {"validated", "refused"}


def test_demo_has_a_late_statement(app, db):
    seed_demo()
    etti = database.session.scalars(
        select(Organisation).where(Organisation.structure_kind == "ETTI")
    ).one()
    october = date(2026, 10, 1)
    active = database.session.scalars(
        select(Placement).where(
            Placement.employer_id == etti.id,
            Placement.start_date < date(2026, 11, 1),
            (Placement.ended_on.is_(None)) | (Placement.ended_on >= october),
        )
    ).all()
    assert active, "the ETTI had a placement working in October"
    received = database.session.scalar(
        select(func.count(HourStatement.id)).where(
            HourStatement.organisation_id == etti.id, HourStatement.month == october
        )
    )
    assert received == 0


def test_demo_lot_behind_its_pace(app, db):
    seed_demo()
    reference, number = BEHIND_LOT
    lot = database.session.scalars(
        select(Lot).join(Market).where(Market.reference == reference, Lot.number == number)
    ).one()
    validated = validated_hours_by_lot([lot.id]).get(lot.id, Decimal(0))
    operation = lot.market.operation
    elapsed = (date(2026, 12, 1) - operation.start_date).days
    length = (operation.end_date - operation.start_date).days
    due = Decimal(lot.planned_hours) * elapsed / length
    assert 0 < validated < due / 2, (validated, due)


def test_demo_has_twelve_consecutive_months_of_statements(app, db):
    """Some placement has a line in each of the twelve months from December 2025 to
    November 2026: validated up to October, submitted (waiting for the AMOI) in November."""
    seed_demo()
    twelve = [add_months(date(2025, 12, 1), n) for n in range(12)]
    assert twelve[-1] == date(2026, 11, 1)
    rows = database.session.execute(
        select(HourLine.placement_id, HourLine.month, HourLine.status, HourStatement.status)
        .join(HourStatement, HourLine.statement_id == HourStatement.id)
        .order_by(HourLine.placement_id, HourLine.month)
    ).all()
    by_placement: dict[int, dict[date, tuple[str, str]]] = {}
    for placement_id, month, line_status, statement_status in rows:
        by_placement.setdefault(placement_id, {})[month] = (line_status, statement_status)
    full = [
        placement_id
        for placement_id, months in by_placement.items()
        if all(months.get(month) == ("validated", "validated") for month in twelve[:-1])
        and months.get(twelve[-1]) == ("submitted", "submitted")
    ]
    assert full, "no placement has twelve consecutive months of statements"
    # the months before May 2026 hold only the long placements' validated statements
    early = database.session.scalars(
        select(HourStatement).where(HourStatement.month < date(2026, 5, 1))
    ).all()
    assert {statement.month for statement in early} == set(twelve[:5])
    assert {statement.status for statement in early} == {"validated"}
