"""Progress of a lot's validated hours and its projection (docs/domain.md §7.4; issue 10):
table-driven cases worked by hand, and properties."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.rules.hours import fte
from portal.rules.progress import (
    DEFAULT_BEHIND_TOLERANCE,
    LotProgress,
    last_due_month,
    lot_progress,
    method_sentence,
    months_between,
    percent,
    tolerance_percent,
    total_progress,
)

D = Decimal
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
quick = settings(database=None, max_examples=150, deadline=None)


def hours(*values, first=JAN) -> dict[date, Decimal]:
    return {months_between(first, date(2030, 1, 1))[i]: D(v) for i, v in enumerate(values)}


# planned, start, end, monthly, today, keywords → validated, percent, counted, pace,
# projection, behind, silent
CASES = [
    pytest.param(
        1200,
        date(2026, 1, 15),
        date(2026, 12, 31),
        hours(100, 100, 100),
        date(2026, 4, 11),
        {},
        ("300", "25.0", 3, "100.00", "1200.00", False, False),
        id="on pace: 3 counted months of 100 h, 9 left",
    ),
    pytest.param(
        1200,
        date(2026, 1, 15),
        date(2026, 12, 31),
        hours(100, 100, 100),
        date(2026, 4, 10),
        {},
        ("300", "25.0", 2, "100.00", "1200.00", False, False),
        id="March's statement due on the 10th is not counted that day; its hours are kept",
    ),
    pytest.param(
        1200,
        date(2026, 1, 15),
        date(2026, 12, 31),
        hours(100),
        date(2026, 4, 11),
        {"active_since": date(2026, 1, 20)},
        ("100", "8.3", 3, "33.33", "400.00", True, True),
        id="one month of hours then nothing: behind and silent",
    ),
    pytest.param(
        1000,
        JAN,
        date(2026, 10, 31),
        hours(95, 95, 95),
        date(2026, 4, 11),
        {},
        ("285", "28.5", 3, "95.00", "950.00", False, False),
        id="exactly at the 5 % tolerance: not behind",
    ),
    pytest.param(
        1000,
        JAN,
        date(2026, 10, 31),
        hours("94.9", "94.9", "94.9"),
        date(2026, 4, 11),
        {},
        ("284.7", "28.5", 3, "94.90", "949.00", True, False),
        id="just under the tolerance: behind",
    ),
    pytest.param(
        1000,
        JAN,
        date(2026, 10, 31),
        hours("94.9", "94.9", "94.9"),
        date(2026, 4, 11),
        {"tolerance": D("0.10")},
        ("284.7", "28.5", 3, "94.90", "949.00", False, False),
        id="a 10 % tolerance accepts it",
    ),
    pytest.param(
        1200,
        JAN,
        None,
        hours(100),
        date(2026, 4, 11),
        {},
        ("100", "8.3", 3, "33.33", None, False, False),
        id="no end date: no projection, never behind",
    ),
    pytest.param(
        1200,
        date(2026, 6, 1),
        date(2026, 12, 31),
        {},
        date(2026, 4, 11),
        {},
        ("0", "0.0", 0, None, None, False, False),
        id="not started: no projection",
    ),
    pytest.param(
        600,
        date(2025, 1, 1),
        date(2025, 6, 30),
        hours(*[100] * 6, first=date(2025, 1, 1)),
        date(2026, 4, 11),
        {},
        ("600", "100.0", 6, "100.00", "600.00", False, False),
        id="ended lot: counted months stop at its end, the projection is what was done",
    ),
    pytest.param(
        1200,
        JAN,
        date(2026, 12, 31),
        hours(100, 100),
        date(2026, 4, 11),
        {"active_since": MAR},
        ("200", "16.7", 3, "66.67", "800.00", True, False),
        id="placements active only since March: not silent yet",
    ),
    pytest.param(
        None,
        JAN,
        date(2026, 12, 31),
        hours(100),
        date(2026, 4, 11),
        {},
        ("100", None, 3, "33.33", "400.00", False, False),
        id="no planned hours: no percentage, never behind",
    ),
    pytest.param(
        300,
        None,
        date(2026, 12, 31),
        {FEB: D(50)},
        date(2026, 4, 11),
        {"first_placement": date(2026, 2, 10)},
        ("50", "16.7", 2, "25.00", "275.00", True, False),
        id="no start date: the pace runs from the first placement's month",
    ),
    pytest.param(
        1200,
        JAN,
        date(2026, 12, 31),
        {date(2026, 1, 17): D(60), date(2026, 1, 3): D(40)},
        date(2026, 2, 11),
        {},
        ("100", "8.3", 1, "100.00", "1200.00", False, False),
        id="any day of a month is that month",
    ),
    pytest.param(
        1200,
        JAN,
        date(2026, 12, 31),
        hours(100, 0, 0, 0, 400),
        date(2026, 5, 11),
        {},
        ("500", "41.7", 4, "25.00", "675.00", True, False),
        id="hours validated for a month not yet due count once, and are not extrapolated",
    ),
]


@pytest.mark.parametrize(("planned", "start", "end", "monthly", "today", "kw", "want"), CASES)
def test_lot_progress(planned, start, end, monthly, today, kw, want):
    validated, pct, counted, pace, projection, behind, silent = want
    p = lot_progress(planned, start, end, monthly, today, **kw)
    assert p.validated == D(validated)
    assert p.percent == (D(pct) if pct is not None else None)
    assert p.counted_months == counted
    assert p.pace == (D(pace) if pace is not None else None)
    assert p.projection == (D(projection) if projection is not None else None)
    assert (p.behind, p.silent, p.flagged) == (behind, silent, behind or silent)
    assert p.fte == fte(D(validated))


def test_the_chart_has_every_month_zeros_included_and_bars_scaled_to_the_tallest():
    p = lot_progress(1200, JAN, date(2026, 12, 31), {JAN: D(100), MAR: D(50)}, date(2026, 4, 11))
    assert p.months == ((JAN, D(100)), (FEB, D(0)), (MAR, D(50)))
    assert [height for _, _, height in p.bars] == [100, 0, 50]


def test_last_due_month_follows_the_due_day():
    assert last_due_month(date(2026, 4, 10)) == FEB
    assert last_due_month(date(2026, 4, 11)) == MAR
    assert last_due_month(date(2026, 4, 2), due_day=1) == MAR
    assert last_due_month(date(2026, 4, 1), due_day=1) == FEB


def test_the_method_sentence_states_the_tolerance_in_french():
    assert "5 %" in method_sentence()
    assert "7,5 %" in method_sentence(D("0.075"))
    assert tolerance_percent(DEFAULT_BEHIND_TOLERANCE) == "5"


@pytest.mark.parametrize(
    ("kwargs", "monthly"),
    [({"tolerance": D(1)}, {}), ({"tolerance": D("-0.1")}, {}), ({}, {JAN: D(-1)})],
)
def test_bad_inputs_are_refused(kwargs, monthly):
    with pytest.raises(ValueError):
        lot_progress(100, JAN, date(2026, 12, 31), monthly, date(2026, 4, 11), **kwargs)


def test_totals_sum_the_lots_and_count_the_flags():
    behind = lot_progress(1200, JAN, date(2026, 12, 31), hours(100), date(2026, 4, 11))
    on_pace = lot_progress(1200, JAN, date(2026, 12, 31), hours(100, 100, 100), date(2026, 4, 11))
    no_plan = lot_progress(None, JAN, None, hours(20), date(2026, 4, 11))
    total = total_progress([behind, on_pace, no_plan])
    assert (total.lots, total.planned, total.validated) == (3, 2400, D(420))
    assert total.percent == D("17.5")
    assert total.projection == D("1600.00")
    assert (total.behind, total.silent, total.flagged) == (1, 0, 1)
    assert total_progress([]).percent is None and total_progress([]).projection is None


# --- properties ---------------------------------------------------------------------------

month_hours = st.decimals(min_value=0, max_value=250, places=2, allow_nan=False)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def lots(draw):
    start = draw(days)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=date(2030, 12, 31))))
    months = months_between(start, end or date(2029, 12, 31))[:40]
    monthly = {m: draw(month_hours) for m in months if draw(st.booleans())}
    planned = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=20_000)))
    return planned, start, end, monthly, draw(days)


@quick
@given(lot=lots(), active=st.one_of(st.none(), days))
def test_projection_never_below_what_is_validated_and_behind_means_short(lot, active):
    planned, start, end, monthly, today = lot
    p = lot_progress(planned, start, end, monthly, today, active_since=active)
    assert p.validated == sum(monthly.values(), D(0))
    if p.projection is not None:
        assert p.projection >= p.validated.quantize(D("0.01"))
    if p.behind:
        assert p.projection is not None and p.projection < planned
    if active is None:
        assert not p.silent
    if planned and p.validated >= planned:
        assert p.percent >= 100 and not p.behind
    assert all(0 <= height <= 100 for _, _, height in p.bars)


@quick
@given(lot=lots(), extra=st.decimals(min_value=0, max_value=100, places=2, allow_nan=False))
def test_more_validated_hours_never_lower_the_projection(lot, extra):
    planned, start, end, monthly, today = lot
    before = lot_progress(planned, start, end, monthly, today)
    first = min(monthly, default=None)
    if first is None:
        return
    more = {**monthly, first: monthly[first] + extra}
    after = lot_progress(planned, start, end, more, today)
    assert after.validated >= before.validated
    if before.projection is not None:
        assert after.projection >= before.projection
        assert after.behind <= before.behind


def test_percent_rounds_half_up_to_one_decimal():
    assert percent(D(1), 3) == D("33.3") and percent(D(2), 3) == D("66.7")
    assert percent(D(5), 0) is None
    assert isinstance(lot_progress(1, JAN, None, {}, date(2026, 1, 2)), LotProgress)


def test_stored_progress_data_gives_back_the_same_progress():
    from portal.rules.progress import progress_data, progress_from_data

    start = date(2026, 1, 1)
    monthly = {date(2026, 1, 1): Decimal("120.5"), date(2026, 3, 1): Decimal("80")}
    progress = lot_progress(1000, start, date(2026, 12, 31), monthly, date(2026, 6, 20))
    data = progress_data(progress)
    import json

    assert progress_from_data(json.loads(json.dumps(data))) == progress
    empty = lot_progress(None, None, None, {}, date(2026, 6, 20))
    assert progress_from_data(progress_data(empty)) == empty
    assert empty.percent is None and progress_data(empty)["percent"] is None
