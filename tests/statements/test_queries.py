"""Validated hours per lot and per lot × month: only validated lines count (docs/domain.md
§7; issue 10)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from portal.extensions import db as _db
from portal.models import HourLine, HourStatement
from portal.rules.workflow import StatementStatus
from portal.statements.queries import validated_hours_by_lot, validated_hours_by_lot_month
from tests.statements.builders import structure_placement

S = StatementStatus


def _line(placement, month: date, hours: str, status: S) -> None:
    statement = _db.session.query(HourStatement).filter_by(
        organisation_id=placement.employer_id, month=month
    ).one_or_none() or HourStatement(
        organisation=placement.employer,
        month=month,
        status=status.value,
        submitted_at=datetime(2027, 2, 1, tzinfo=UTC),
    )
    statement.lines.append(
        HourLine(placement=placement, month=month, hours=Decimal(hours), status=status.value)
    )
    _db.session.add(statement)
    _db.session.flush()


def test_only_validated_lines_count_per_lot_and_month(app, db):
    placement = structure_placement()
    _line(placement, date(2026, 11, 1), "100", S.VALIDATED)
    _line(placement, date(2026, 12, 1), "50.5", S.VALIDATED)
    _line(placement, date(2027, 1, 1), "70", S.SUBMITTED)
    _line(placement, date(2027, 2, 1), "30", S.REFUSED)
    lot = placement.lot_id
    assert validated_hours_by_lot([lot]) == {lot: Decimal("150.50")}
    assert validated_hours_by_lot([lot], until=date(2026, 11, 1)) == {lot: Decimal("100.00")}
    assert validated_hours_by_lot_month([lot]) == {
        lot: {date(2026, 11, 1): Decimal("100.00"), date(2026, 12, 1): Decimal("50.50")}
    }
    assert validated_hours_by_lot([]) == {} == validated_hours_by_lot_month([])
    assert validated_hours_by_lot([lot + 1000]) == {}
