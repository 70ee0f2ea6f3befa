from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from portal.formatting import PARIS, day, hours, moment, money, month, number

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


# --- the same output as babel, without babel on every call (issue 15) ----------------------


TABLE = [
    Decimal("0"),
    Decimal("-0.004"),
    Decimal("0.005"),
    Decimal("0.015"),
    Decimal("12.345"),
    Decimal("999.995"),
    Decimal("-1250.5"),
    Decimal("1E+3"),
    Decimal("1250000"),
    Decimal("123456789012.34"),
    3,
    -7,
]


@pytest.mark.parametrize("value", TABLE, ids=str)
def test_numbers_match_babel_on_a_table(value):
    assert money(value) == format_currency(value, "EUR", locale="fr_FR")
    assert number(value) == format_decimal(value, format="#,##0.##", locale="fr_FR")
    assert hours(value) == format_decimal(value, format="#,##0.##", locale="fr_FR") + f"{NBSP}h"


@given(st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=4))
def test_numbers_match_babel_on_random_values(value):
    assert money(value) == format_currency(value, "EUR", locale="fr_FR")
    assert number(value) == format_decimal(value, format="#,##0.##", locale="fr_FR")


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_dates_match_babel(value):
    aware = value.replace(tzinfo=UTC)
    assert day(value.date()) == format_date(value.date(), "dd/MM/yyyy", locale="fr_FR")
    assert month(value.date()) == format_date(value.date(), "MMMM yyyy", locale="fr_FR")
    expected = format_datetime(aware, "dd/MM/yyyy 'à' HH:mm", tzinfo=PARIS, locale="fr_FR")
    assert moment(aware) == expected
    assert moment(value) == expected  # a naive instant is UTC
