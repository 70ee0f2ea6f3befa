"""Tariff grids, packages, quote lines and payment schedules (docs/domain.md §4)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from portal.rules.tariffs import (
    CONVENTION_2022,
    DEFAULT_GRIDS,
    Bracket,
    ManualQuoteRequired,
    NoTariffForDate,
    Package,
    QuoteLine,
    grid_for,
    lot_package,
    lot_quote_lines,
    payment_schedule,
    pilotage_line,
    pilotage_payment_schedule,
    quote_total,
    reserved_market_annual_line,
    reserved_market_quote_lines,
)

D = Decimal


def test_convention_grid_holds_the_annex_2_figures():
    grid = CONVENTION_2022
    assert grid.valid_from == date(2022, 1, 1)
    assert grid.valid_to is None
    assert grid.day_rate == D("500.00")
    assert [(b.min_hours, b.max_hours, b.days, b.amount) for b in grid.brackets] == [
        (1, 455, D("1.5"), D("750.00")),
        (456, 1820, D("2.5"), D("1250.00")),
        (1821, 3640, D("4"), D("2000.00")),
    ]
    assert grid.award_criterion_days == 2 and grid.award_criterion_amount == D("1000.00")
    assert [(i.code, i.unit_amount, i.per_siae) for i in grid.reserved_fixed_items] == [
        ("calibration", D("250.00"), False),
        ("sourcing", D("200.00"), True),
        ("dce_support", D("250.00"), False),
        ("analysis", D("500.00"), False),
        ("kickoff", D("500.00"), False),
    ]
    assert grid.reserved_annual_amount == D("1000.00")
    assert grid.pilotage_days == 3 and grid.pilotage_amount == D("1500.00")
    assert grid.manual_above == 3640
    assert DEFAULT_GRIDS == (CONVENTION_2022,)


def test_implied_day_rate_matches_every_bracket():
    for bracket in CONVENTION_2022.brackets:
        assert bracket.days * CONVENTION_2022.day_rate == bracket.amount


def test_convention_docstring_and_note_explain_the_451_bound():
    doc = CONVENTION_2022.__doc__
    assert "451" in doc and "1-455 / 456-1820 / 1821-3640" in doc
    assert "451" in CONVENTION_2022.note and "456 à 1 820 h" in CONVENTION_2022.note


@pytest.mark.parametrize(
    ("hours", "days", "amount"),
    [
        (1, D("1.5"), D("750.00")),
        (455, D("1.5"), D("750.00")),
        (456, D("2.5"), D("1250.00")),
        (1820, D("2.5"), D("1250.00")),
        (1821, D("4"), D("2000.00")),
        (3640, D("4"), D("2000.00")),
        (D("833"), D("2.5"), D("1250.00")),
        (D("455.00"), D("1.5"), D("750.00")),
    ],
)
def test_lot_package_on_bracket_bounds(hours, days, amount):
    assert lot_package(hours, CONVENTION_2022) == Package(days=days, amount=amount)


@pytest.mark.parametrize("hours", [3641, 5000, D("3641")])
def test_lot_package_above_last_bracket_is_a_manual_quote(hours):
    assert lot_package(hours, CONVENTION_2022) is None


@pytest.mark.parametrize(
    "hours", [0, -1, -455, D("0"), D("455.5"), D("-3"), D("NaN"), 455.0, "455", True, None]
)
def test_lot_package_refuses_zero_negative_and_non_integer_hours(hours):
    with pytest.raises(ValueError):
        lot_package(hours, CONVENTION_2022)


def test_bounds_come_from_the_grid_data_not_from_code():
    shifted = replace(
        CONVENTION_2022,
        brackets=(
            Bracket(1, 100, D("1"), D("500")),
            Bracket(101, 200, D("2"), D("1000")),
        ),
    )
    assert lot_package(100, shifted) == Package(D("1"), D("500.00"))
    assert lot_package(101, shifted) == Package(D("2"), D("1000.00"))
    assert lot_package(201, shifted) is None


@pytest.mark.parametrize(
    "brackets",
    [
        # the convention's literal table: "451 to 1 820" overlaps "1 to 455"
        (Bracket(1, 455, D("1.5"), D("750")), Bracket(451, 1820, D("2.5"), D("1250"))),
        (Bracket(1, 455, D("1.5"), D("750")), Bracket(460, 1820, D("2.5"), D("1250"))),
        (Bracket(2, 455, D("1.5"), D("750")),),
        (),
    ],
)
def test_grid_refuses_overlapping_gapped_or_empty_brackets(brackets):
    with pytest.raises(ValueError):
        replace(CONVENTION_2022, brackets=brackets)


def test_grid_refuses_end_before_start():
    with pytest.raises(ValueError):
        replace(CONVENTION_2022, valid_to=date(2021, 12, 31))


@pytest.mark.parametrize(("low", "high"), [(0, 10), (10, 9), (-1, 5)])
def test_bracket_refuses_bad_bounds(low, high):
    with pytest.raises(ValueError):
        Bracket(low, high, D("1"), D("500"))


AVENANT_2025 = replace(
    CONVENTION_2022,
    code="avenant_2025",
    valid_from=date(2025, 1, 1),
    day_rate=D("550"),
    brackets=(
        Bracket(1, 455, D("1.5"), D("825")),
        Bracket(456, 1820, D("2.5"), D("1375")),
        Bracket(1821, 3640, D("4"), D("2200")),
    ),
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2022, 1, 1), CONVENTION_2022),
        (date(2024, 12, 31), CONVENTION_2022),
        (date(2025, 1, 1), AVENANT_2025),
        (date(2030, 6, 30), AVENANT_2025),
    ],
)
def test_grid_for_picks_the_grid_in_force(day, expected):
    assert grid_for(day, [CONVENTION_2022, AVENANT_2025]) is expected
    assert grid_for(day, [AVENANT_2025, CONVENTION_2022]) is expected


def test_avenant_grid_changes_the_price_without_code_change():
    new = grid_for(date(2025, 3, 1), [CONVENTION_2022, AVENANT_2025])
    assert lot_package(1000, new).amount == D("1375.00")
    assert lot_package(
        1000, grid_for(date(2024, 3, 1), [CONVENTION_2022, AVENANT_2025])
    ).amount == (D("1250.00"))


@pytest.mark.parametrize(
    ("day", "grids"),
    [
        (date(2021, 12, 31), DEFAULT_GRIDS),
        (date(2025, 1, 1), [replace(CONVENTION_2022, valid_to=date(2024, 12, 31))]),
        (date(2023, 5, 1), []),
    ],
)
def test_grid_for_outside_every_grid_raises(day, grids):
    with pytest.raises(NoTariffForDate) as caught:
        grid_for(day, grids)
    assert caught.value.day == day
    assert f"{day:%d/%m/%Y}" in str(caught.value)


def test_grid_for_refuses_two_grids_starting_the_same_day():
    with pytest.raises(ValueError, match="ambigu"):
        grid_for(date(2022, 6, 1), [CONVENTION_2022, replace(CONVENTION_2022, code="copy")])


@pytest.mark.parametrize(
    ("hours", "label"),
    [
        (1, "Forfait lot 1 à 455 h (1,5 jour)"),
        (455, "Forfait lot 1 à 455 h (1,5 jour)"),
        (456, "Forfait lot 456 à 1 820 h (2,5 jours)"),
        (1820, "Forfait lot 456 à 1 820 h (2,5 jours)"),
        (1821, "Forfait lot 1 821 à 3 640 h (4 jours)"),
        (3640, "Forfait lot 1 821 à 3 640 h (4 jours)"),
    ],
)
def test_lot_quote_line_labels(hours, label):
    (line,) = lot_quote_lines(hours, False, CONVENTION_2022)
    assert line == QuoteLine(
        "lot_package", label, D("1"), "forfait", line.unit_amount, line.unit_amount
    )
    assert line.amount == lot_package(hours, CONVENTION_2022).amount


def test_lot_with_award_criterion_adds_two_days():
    lines = lot_quote_lines(833, True, CONVENTION_2022)
    assert [line.code for line in lines] == ["lot_package", "award_criterion"]
    award = lines[1]
    assert (award.quantity, award.unit, award.unit_amount, award.amount) == (
        D("2"),
        "jour",
        D("500.00"),
        D("1000.00"),
    )
    assert "Critère d'attribution" in award.label
    assert quote_total(lines) == D("2250.00")


def test_award_criterion_only_lot_has_no_package():
    lines = lot_quote_lines(None, True, CONVENTION_2022)
    assert [line.code for line in lines] == ["award_criterion"]
    with pytest.raises(ValueError):
        lot_quote_lines(None, False, CONVENTION_2022)


def test_lot_above_grid_needs_a_manual_quote():
    with pytest.raises(ManualQuoteRequired) as caught:
        lot_quote_lines(3641, True, CONVENTION_2022)
    assert caught.value.planned_hours == 3641
    assert "sur devis" in str(caught.value)


@pytest.mark.parametrize(
    ("sourced", "codes", "total"),
    [
        (0, ["calibration", "dce_support", "analysis", "kickoff"], D("1500.00")),
        (1, ["calibration", "sourcing", "dce_support", "analysis", "kickoff"], D("1700.00")),
        (4, ["calibration", "sourcing", "dce_support", "analysis", "kickoff"], D("2300.00")),
    ],
)
def test_reserved_market_fixed_part(sourced, codes, total):
    lines = reserved_market_quote_lines(sourced, CONVENTION_2022)
    assert [line.code for line in lines] == codes
    assert quote_total(lines) == total
    for line in lines:
        assert line.amount == line.quantity * line.unit_amount
        assert line.unit == ("SIAE" if line.code == "sourcing" else "forfait")


@pytest.mark.parametrize("sourced", [-1, True, D("2"), 1.0])
def test_reserved_market_refuses_bad_siae_count(sourced):
    with pytest.raises(ValueError):
        reserved_market_quote_lines(sourced, CONVENTION_2022)


def test_reserved_market_annual_line():
    line = reserved_market_annual_line(CONVENTION_2022)
    assert (line.code, line.quantity, line.unit, line.amount) == (
        "annual_follow_up",
        D("1"),
        "an",
        D("1000.00"),
    )


def test_pilotage_is_three_days_at_the_day_rate_to_be_confirmed():
    line = pilotage_line(2026, CONVENTION_2022)
    assert (line.code, line.quantity, line.unit, line.unit_amount, line.amount) == (
        "pilotage",
        D("3"),
        "jour",
        D("500.00"),
        D("1500.00"),
    )
    assert "2026" in line.label and "à confirmer" in line.label
    confirmed = pilotage_line(2026, replace(CONVENTION_2022, pilotage_confirmed=True))
    assert "à confirmer" not in confirmed.label
    with pytest.raises(ValueError):
        pilotage_line("2026", CONVENTION_2022)


def test_every_amount_has_two_places():
    lines = [
        *lot_quote_lines(1000, True, CONVENTION_2022),
        *reserved_market_quote_lines(2, CONVENTION_2022),
        reserved_market_annual_line(CONVENTION_2022),
        pilotage_line(2024, CONVENTION_2022),
    ]
    for line in lines:
        assert line.amount.as_tuple().exponent == -2
        assert line.unit_amount.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("total", "deposit", "balance"),
    [
        (D("1250.01"), D("625.00"), D("625.01")),
        (D("2250.00"), D("1125.00"), D("1125.00")),
        (D("0.01"), D("0.00"), D("0.01")),
        (D("0"), D("0.00"), D("0.00")),
        (750, D("375.00"), D("375.00")),
        (D("1999.99"), D("999.99"), D("1000.00")),
    ],
)
def test_payment_schedule_halves_add_up_to_the_cent(total, deposit, balance):
    first, second = payment_schedule(total)
    assert (first.code, first.share, first.amount) == ("deposit", D("0.50"), deposit)
    assert (second.code, second.share, second.amount) == ("balance", D("0.50"), balance)
    assert first.amount + second.amount == Decimal(total)
    assert "validation du devis" in first.label and "bilan final" in second.label


@pytest.mark.parametrize("total", [D("-1"), D("10.001"), 10.5, D("Infinity")])
def test_payment_schedule_refuses_bad_totals(total):
    with pytest.raises(ValueError):
        payment_schedule(total)


def test_pilotage_paid_in_full_on_the_annual_report():
    (milestone,) = pilotage_payment_schedule(D("1500"))
    assert (milestone.code, milestone.share, milestone.amount) == (
        "annual_report",
        D("1"),
        D("1500.00"),
    )


# -- Billing, reserved years, pilotage parts, avenant grids (issue 8) ----------------------


def test_reserved_annual_line_is_billed_yearly_and_pilotage_on_the_annual_report():
    from portal.rules.tariffs import Billing

    assert reserved_market_annual_line(CONVENTION_2022).billing == Billing.YEARLY
    assert pilotage_line(2026, CONVENTION_2022).billing == Billing.ANNUAL_REPORT
    assert all(
        line.billing == Billing.SPLIT
        for line in (
            *lot_quote_lines(1000, True, CONVENTION_2022),
            *reserved_market_quote_lines(2, CONVENTION_2022),
        )
    )


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2026, 3, 1), date(2027, 2, 28), 1),  # exactly one year
        (date(2026, 3, 1), date(2027, 3, 1), 1),  # one day more: still one year
        (date(2026, 2, 27), date(2027, 2, 28), 1),  # the demo's reserved market
        (date(2026, 3, 1), date(2027, 8, 31), 2),  # 18 months: rounded to 2 years
        (date(2026, 3, 1), date(2027, 8, 30), 1),  # just under 18 months: 1 year
        (date(2026, 3, 1), date(2030, 2, 28), 4),  # a 4-year market owes 4 annual parts
        (date(2026, 1, 31), date(2026, 1, 31), 1),
        (date(2024, 2, 29), date(2026, 2, 27), 2),  # from a leap day, clamped
    ],
)
def test_execution_years_are_12_month_periods(start, end, years):
    from portal.rules.tariffs import execution_years

    periods = execution_years(start, end)
    assert len(periods) == years
    assert periods[0].start == start and periods[-1].end == end
    assert [p.index for p in periods] == list(range(1, years + 1))
    for previous, current in pairwise(periods):
        assert current.start == previous.end + timedelta(days=1)


def test_execution_years_refuse_an_end_before_the_start():
    from portal.rules.tariffs import execution_years

    with pytest.raises(ValueError, match="précède"):
        execution_years(date(2026, 3, 1), date(2026, 2, 1))


def test_two_reserved_markets_owe_the_fixed_part_once_and_1000_per_market_and_year():
    """The issue's worked example: 2 reserved markets of one year each, 2 SIAE sourced:
    250 + 2 × 200 + 250 + 500 + 500 = 1 900 € once, plus 2 × 1 000 € = 3 900 €
    (not 5 800 €). The 1 900 € are split 50/50, each 1 000 € is invoiced on its year."""
    from portal.rules.tariffs import billed_total, quote_schedule

    lines = [
        *reserved_market_quote_lines(2, CONVENTION_2022),
        reserved_market_annual_line(CONVENTION_2022),
        reserved_market_annual_line(CONVENTION_2022),
    ]
    assert quote_total(lines) == D("3900.00")
    assert billed_total(lines, "split") == D("1900.00")
    schedule = quote_schedule(lines)
    assert [(m.code, m.amount) for m in schedule] == [
        ("deposit", D("950.00")),
        ("balance", D("950.00")),
        ("annual_follow_up", D("1000.00")),
        ("annual_follow_up", D("1000.00")),
    ]
    assert sum(m.amount for m in schedule) == quote_total(lines)


def test_a_pilotage_quote_schedule_has_no_deposit():
    from portal.rules.tariffs import quote_schedule

    (milestone,) = quote_schedule([pilotage_line(2026, CONVENTION_2022)])
    assert milestone.code == "annual_report" and milestone.amount == D("1500.00")
    assert "acompte" not in milestone.label.lower()


@pytest.mark.parametrize(
    ("days", "amount", "label"),
    [
        (D("1.5"), D("750.00"), "Part du pilotage annuel 2026 (1,5 jour"),
        (D("0.5"), D("250.00"), "Part du pilotage annuel 2026 (0,5 jour"),
        (D("3"), D("1500.00"), "Pilotage annuel 2026 (3 jours"),
    ],
)
def test_pilotage_share_lines(days, amount, label):
    from portal.rules.tariffs import Billing, pilotage_share_line

    line = pilotage_share_line(2026, days, CONVENTION_2022)
    assert line.amount == amount and line.label.startswith(label)
    assert line.billing == Billing.ANNUAL_REPORT


@pytest.mark.parametrize("days", [D("0"), D("3.5"), D("0.3"), D("-1"), D("NaN")])
def test_pilotage_share_refuses_bad_days(days):
    from portal.rules.tariffs import pilotage_share_line

    with pytest.raises(ValueError, match="Jours de pilotage invalides"):
        pilotage_share_line(2026, days, CONVENTION_2022)


def test_an_avenant_grid_round_trips_through_plain_data():
    from portal.rules.tariffs import grid_as_data, grid_from_data

    data = grid_as_data(CONVENTION_2022)
    grid = grid_from_data("amendment_1", "Avenant n°1", date(2026, 1, 1), data)
    assert grid.brackets == CONVENTION_2022.brackets
    assert grid.reserved_fixed_items == CONVENTION_2022.reserved_fixed_items
    assert (grid.day_rate, grid.pilotage_days, grid.valid_from) == (
        D("500.00"),
        D("3"),
        date(2026, 1, 1),
    )
    dearer = {
        **data,
        "day_rate": "550",
        "brackets": [[1, 455, "1.5", "825"], *data["brackets"][1:]],
    }
    grid = grid_from_data("amendment_2", "Avenant n°2", date(2027, 1, 1), dearer)
    assert lot_package(300, grid).amount == D("825.00")
    assert grid_for(date(2027, 3, 1), (CONVENTION_2022, grid)) is grid
    assert grid_for(date(2026, 12, 31), (CONVENTION_2022, grid)) is CONVENTION_2022


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"brackets": [[1, 455, "1.5", "750"], [460, 1820, "2.5", "1250"]]}, "sans trou"),
        ({"day_rate": "-1"}, "positif"),
        ({"day_rate": "abc"}, "nombre attendu"),
    ],
)
def test_an_incoherent_avenant_grid_is_refused_in_french(change, message):
    from portal.rules.tariffs import grid_as_data, grid_from_data

    with pytest.raises(ValueError, match=message):
        grid_from_data("x", "x", date(2026, 1, 1), {**grid_as_data(CONVENTION_2022), **change})
