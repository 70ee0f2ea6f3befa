"""Validated hours per lot and per lot × month: only validated lines count (docs/domain.md
§7; issue 10)."""

from datetime import date
from decimal import Decimal

from portal.rules.workflow import StatementStatus
from portal.statements.queries import validated_hours_by_lot, validated_hours_by_lot_month
from tests.statements.builders import hour_line, structure_placement

S = StatementStatus


def _line(placement, month: date, hours: str, status: S = S.VALIDATED) -> None:
    hour_line(placement, month, hours, status.value)


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
