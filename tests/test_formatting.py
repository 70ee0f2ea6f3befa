from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portal.formatting import day, hours, moment, money, month, number

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1250"), f"1{NNBSP}250,00{NBSP}€"),
        (Decimal("0.5"), f"0,50{NBSP}€"),
        (Decimal("1234567.891"), f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        (None, ""),
    ],
)
def test_money(value, expected):
    assert money(value) == expected


def test_hours_and_numbers():
    assert hours(Decimal("1820")) == f"1{NNBSP}820{NBSP}h"
    assert hours(Decimal("833.33")) == f"833,33{NBSP}h"
    assert number(Decimal("2.5")) == "2,5"


def test_dates():
    assert day(date(2026, 11, 25)) == "25/11/2026"
    assert month(date(2026, 11, 1)) == "novembre 2026"
    # 13:05 UTC in winter is 14:05 in Paris; 13:05 UTC in summer is 15:05
    assert moment(datetime(2026, 11, 25, 13, 5, tzinfo=UTC)) == "25/11/2026 à 14:05"
    assert moment(datetime(2026, 7, 14, 13, 5, tzinfo=UTC)) == "14/07/2026 à 15:05"
