"""Insertion hours, rounding, TCE splits and ETP (docs/domain.md §3)."""

from decimal import Decimal

import pytest

from portal.rules.hours import (
    DEFAULT_HOURLY_COST,
    DEFAULT_RATES,
    FULL_TIME_YEAR_HOURS,
    LEGAL_ANNUAL_HOURS,
    QUARTER_HOURS,
    SOURCED_TRADES,
    TRADES,
    TWO_YEARS_HOURS,
    HoursCalculation,
    Rounding,
    fte,
    insertion_hours,
    round_hours,
    split_hours,
)

D = Decimal


def test_published_example():
    result = insertion_hours(D("1000000"), D("0.50"), D("30"), D("0.05"))
    assert isinstance(result, HoursCalculation)
    assert result.raw == D("833.33")
    assert result.planned == 833
    assert result.parameters.rounding is Rounding.HALF_UP
    assert result.parameters.as_dict() == {
        "amount_excl_tax": "1000000",
        "labour_share": "0.50",
        "hourly_cost": "30",
        "rate": "0.05",
        "rounding": "half_up",
    }


@pytest.mark.parametrize(
    ("rounding", "planned"),
    [
        ("half_up", 833),
        ("up", 834),
        ("down", 833),
        ("nearest_5", 835),
        ("nearest_10", 830),
        (Rounding.UP, 834),
    ],
)
def test_rounding_modes_on_the_published_example(rounding, planned):
    result = insertion_hours(1_000_000, D("0.5"), 30, D("0.05"), rounding=rounding)
    assert result.planned == planned
    assert result.raw == D("833.33")


@pytest.mark.parametrize(
    ("raw", "half_up", "up", "down", "nearest_5", "nearest_10"),
    [
        (D("0"), 0, 0, 0, 0, 0),
        (D("0.5"), 1, 1, 0, 0, 0),
        (D("832.5"), 833, 833, 832, 835, 830),
        (D("455"), 455, 455, 455, 455, 460),
        (D("1822.49"), 1822, 1823, 1822, 1820, 1820),
        (D("2.5"), 3, 3, 2, 5, 0),
        (D("5"), 5, 5, 5, 5, 10),
    ],
)
def test_round_hours_table(raw, half_up, up, down, nearest_5, nearest_10):
    assert [round_hours(raw, mode) for mode in Rounding] == [
        half_up,
        up,
        down,
        nearest_5,
        nearest_10,
    ]


def test_planned_comes_from_the_exact_quotient_not_the_rounded_display():
    # exact 2.4999 h is shown as 2.50 h but is planned as 2 h, not 3
    result = insertion_hours(24999, 1, 10000, 1)
    assert (result.raw, result.planned) == (D("2.50"), 2)


@pytest.mark.parametrize(
    ("amount", "share", "cost", "rate", "rounding"),
    [
        (D("-1"), D("0.5"), D("35"), D("0.05"), "half_up"),
        (D("1000"), D("1.01"), D("35"), D("0.05"), "half_up"),
        (D("1000"), D("-0.01"), D("35"), D("0.05"), "half_up"),
        (D("1000"), D("0.5"), D("0"), D("0.05"), "half_up"),
        (D("1000"), D("0.5"), D("-35"), D("0.05"), "half_up"),
        (D("1000"), D("0.5"), D("35"), D("1.5"), "half_up"),
        (D("1000"), D("0.5"), D("35"), D("-0.05"), "half_up"),
        (D("1000"), D("0.5"), D("35"), D("5"), "half_up"),
        (1000.0, D("0.5"), D("35"), D("0.05"), "half_up"),
        (D("1000"), 0.5, D("35"), D("0.05"), "half_up"),
        (D("NaN"), D("0.5"), D("35"), D("0.05"), "half_up"),
        (D("1000"), D("0.5"), D("35"), D("0.05"), "sideways"),
    ],
)
def test_insertion_hours_refuses_bad_parameters(amount, share, cost, rate, rounding):
    with pytest.raises(ValueError):
        insertion_hours(amount, share, cost, rate, rounding)


@pytest.mark.parametrize(
    ("amount", "share", "rate", "planned"),
    [
        (D("0"), D("0.5"), D("0.05"), 0),
        (D("100000"), D("0"), D("0.05"), 0),
        (D("100000"), D("1"), D("1"), 2857),
        (D("350000"), D("0.70"), D("0.10"), 700),
    ],
)
def test_insertion_hours_share_and_rate_bounds_are_allowed(amount, share, rate, planned):
    assert insertion_hours(amount, share, DEFAULT_HOURLY_COST, rate).planned == planned


@pytest.mark.parametrize(
    ("code", "share"),
    [
        ("building_average", "0.50"),
        ("interior_painting", "0.70"),
        ("masonry", "0.50"),
        ("steel_framing", "0.20"),
        ("earthworks", "0.30"),
        ("plastering", "0.55"),
        ("coverings", "0.65"),
        ("interior_joinery", "0.40"),
        ("exterior_joinery", "0.30"),
        ("electricity", "0.45"),
        ("plumbing_hvac", "0.40"),
        ("roofing", "0.40"),
        ("green_spaces_creation", "0.45"),
        ("green_spaces_maintenance", "0.65"),
        ("cleaning", "0.80"),
        ("demolition", "0.50"),
    ],
)
def test_trades_default_labour_shares(code, share):
    label, labour_share = TRADES[code]
    assert labour_share == D(share)
    assert label and label == TRADES[code].label


def test_trade_catalogue_is_complete_and_sourced_trades_are_known():
    assert len(TRADES) == 16
    assert {"building_average", "interior_painting", "masonry", "steel_framing"} == SOURCED_TRADES
    assert set(TRADES) >= SOURCED_TRADES
    assert all(0 < trade.labour_share < 1 for trade in TRADES.values())
    with pytest.raises(TypeError):
        TRADES["new"] = TRADES["masonry"]


def test_default_cost_rates_and_reference_hours():
    assert D("35.00") == DEFAULT_HOURLY_COST
    assert dict(DEFAULT_RATES) == {"works": D("0.05"), "services": D("0.10")}
    assert (QUARTER_HOURS, FULL_TIME_YEAR_HOURS, TWO_YEARS_HOURS) == (455, 1820, 3640)
    assert FULL_TIME_YEAR_HOURS == 35 * 52 == 4 * QUARTER_HOURS
    assert LEGAL_ANNUAL_HOURS == 1607


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (833, [1, 1, 1], [278, 278, 277]),
        (10, [D("0.5"), D("0.3"), D("0.2")], [5, 3, 2]),
        (1, [1, 1], [1, 0]),
        (2, [1, 1, 1], [1, 1, 0]),
        (0, [1, 2], [0, 0]),
        (10, [0, 1], [0, 10]),
        (1820, [D("400000"), D("250000"), D("100000")], [971, 607, 242]),
        (7, [D("1.5"), D("1.5"), D("4")], [2, 1, 4]),
    ],
)
def test_split_hours_table(total, weights, parts):
    assert split_hours(total, weights) == parts
    assert sum(parts) == total


@pytest.mark.parametrize(
    ("total", "weights"),
    [
        (10, []),
        (10, [0, 0]),
        (10, [1, -1]),
        (-1, [1]),
        (D("10"), [1]),
        (10.0, [1]),
        (10, [0.5, 0.5]),
    ],
)
def test_split_hours_refuses_bad_input(total, weights):
    with pytest.raises(ValueError):
        split_hours(total, weights)


@pytest.mark.parametrize(
    ("hours", "divisor", "expected"),
    [
        (1820, 1820, D("1.00")),
        (910, 1820, D("0.50")),
        (D("0"), 1820, D("0.00")),
        (1000, 1820, D("0.55")),
        (1607, 1607, D("1.00")),
        (1820, 1607, D("1.13")),
        (D("3640.00"), 1820, D("2.00")),
    ],
)
def test_fte(hours, divisor, expected):
    assert fte(hours, divisor) == expected


def test_fte_default_divisor_is_1820():
    assert fte(455) == D("0.25")


@pytest.mark.parametrize(("hours", "divisor"), [(-1, 1820), (100, 0), (100, -1607), (1.5, 1820)])
def test_fte_refuses_bad_input(hours, divisor):
    with pytest.raises(ValueError):
        fte(hours, divisor)
