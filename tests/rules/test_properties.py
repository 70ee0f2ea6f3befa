"""Hypothesis properties of the rules (docs/domain.md §3, 4, 7)."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules.deadlines import add_business_days, is_business_day, statement_due
from portal.rules.hours import Rounding, insertion_hours, round_hours, split_hours
from portal.rules.tariffs import CONVENTION_2022, lot_package, payment_schedule

# No example database: the suite must not write into the working tree.
quick = settings(database=None, max_examples=200, deadline=None)

hours_decimals = st.decimals(
    min_value=0, max_value=100_000, places=4, allow_nan=False, allow_infinity=False
)
money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
weights = st.lists(
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(ws) > 0)


@quick
@given(total=st.integers(min_value=0, max_value=100_000), weights=weights)
def test_split_sums_to_total_and_stays_within_one_hour_of_the_exact_share(total, weights):
    parts = split_hours(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    weight_sum = sum(Fraction(w) for w in weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * Fraction(weight) / weight_sum
        assert part >= 0
        assert abs(part - exact) < 1
        if weight == 0:
            assert part == 0


@quick
@given(total=money)
def test_payment_schedule_sums_to_the_total(total):
    deposit, balance = payment_schedule(total)
    assert deposit.amount + balance.amount == total
    assert Decimal(0) <= balance.amount - deposit.amount <= Decimal("0.01")
    assert deposit.amount.as_tuple().exponent == balance.amount.as_tuple().exponent == -2


@quick
@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_lot_package_is_monotonic_in_hours(first, second):
    low, high = sorted((first, second))
    low_package, high_package = (
        lot_package(low, CONVENTION_2022),
        lot_package(high, CONVENTION_2022),
    )
    if high_package is not None:
        assert low_package is not None
        assert low_package.amount <= high_package.amount
        assert low_package.days <= high_package.days
    assert (high_package is None) == (high > 3640)


@quick
@given(raw=hours_decimals)
def test_rounding_modes_are_ordered(raw):
    down, half_up, up = (round_hours(raw, mode) for mode in ("down", "half_up", "up"))
    assert down <= half_up <= up
    assert down <= raw <= up
    assert up - down <= 1
    assert abs(half_up - raw) <= Decimal("0.5")


@quick
@given(raw=hours_decimals)
def test_nearest_five_and_ten_give_multiples(raw):
    for mode, step in ((Rounding.NEAREST_5, 5), (Rounding.NEAREST_10, 10)):
        rounded = round_hours(raw, mode)
        assert rounded % step == 0
        assert abs(rounded - raw) <= Decimal(step) / 2


@quick
@given(
    amount=money,
    share=st.decimals(min_value=0, max_value=1, places=2),
    cost=st.decimals(min_value=1, max_value=200, places=2),
    rate=st.decimals(min_value=0, max_value=1, places=3),
)
def test_insertion_hours_raw_is_the_formula_to_the_hundredth(amount, share, cost, rate):
    result = insertion_hours(amount, share, cost, rate)
    exact = Fraction(amount) * Fraction(share) * Fraction(rate) / Fraction(cost)
    assert abs(Fraction(result.raw) - exact) <= Fraction(1, 200)
    assert abs(result.planned - exact) <= Fraction(1, 2)
    planned = {m: insertion_hours(amount, share, cost, rate, m).planned for m in Rounding}
    assert planned["down"] <= planned["half_up"] <= planned["up"]


@quick
@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    n=st.integers(min_value=-30, max_value=30),
)
def test_add_business_days_counts_only_business_days(day, n):
    result = add_business_days(day, n)
    if n == 0:
        assert result == day
        return
    assert is_business_day(result)
    step = timedelta(days=1 if n > 0 else -1)
    counted, cursor = 0, day
    while cursor != result:
        cursor += step
        counted += is_business_day(cursor)
    assert counted == abs(n)


@quick
@given(
    month=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 11, 30)),
    day_of_month=st.integers(min_value=1, max_value=31),
)
def test_statement_due_falls_in_the_following_month(month, day_of_month):
    due = statement_due(month, day_of_month)
    following = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
    assert (due.year, due.month) == (following.year, following.month)
    assert due.day <= day_of_month
