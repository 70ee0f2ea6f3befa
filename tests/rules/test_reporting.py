"""Age bands, exit categories, dynamic exit rate and indicators (docs/domain.md §5, 6, 9)."""

from datetime import date
from decimal import Decimal

import pytest

from portal.rules.reporting import (
    DYNAMIC_CATEGORIES,
    AgeBand,
    ExitCategory,
    ExitFacts,
    ExitKind,
    age_band,
    distinct_count,
    dynamic_exit_rate,
    exit_category,
    hours_indicators,
    tally,
)

D = Decimal


@pytest.mark.parametrize(
    ("birth", "on", "band"),
    [
        (date(2000, 6, 15), date(2026, 6, 14), AgeBand.UNDER_26),
        (date(2000, 6, 15), date(2026, 6, 15), AgeBand.FROM_26_TO_49),
        (date(1976, 6, 15), date(2026, 6, 14), AgeBand.FROM_26_TO_49),
        (date(1976, 6, 15), date(2026, 6, 15), AgeBand.FROM_50),
        (date(2000, 2, 29), date(2026, 2, 28), AgeBand.UNDER_26),
        (date(2000, 2, 29), date(2026, 3, 1), AgeBand.FROM_26_TO_49),
        (date(2008, 1, 1), date(2026, 1, 1), AgeBand.UNDER_26),
        (date(1950, 1, 1), date(2026, 1, 1), AgeBand.FROM_50),
    ],
)
def test_age_band(birth, on, band):
    assert age_band(birth, on) is band


def test_age_band_values_and_labels():
    assert [b.value for b in AgeBand] == ["under_26", "26_49", "50_plus"]
    assert AgeBand.FROM_50.label == "50 ans et plus"
    with pytest.raises(ValueError):
        age_band(date(2026, 1, 2), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("facts", "category"),
    [
        (ExitFacts("cdi"), ExitCategory.DURABLE),
        (ExitFacts("cdd", 6), ExitCategory.DURABLE),
        (ExitFacts("cdd", D("12")), ExitCategory.DURABLE),
        (ExitFacts("cdd", D("5.9")), ExitCategory.TRANSITION),
        (ExitFacts("cdd", 1), ExitCategory.TRANSITION),
        (ExitFacts("temp_mission", 7), ExitCategory.DURABLE),
        (ExitFacts("temp_mission", 3), ExitCategory.TRANSITION),
        (ExitFacts("civil_service"), ExitCategory.DURABLE),
        (ExitFacts("business_creation"), ExitCategory.DURABLE),
        (ExitFacts("subsidised_contract"), ExitCategory.TRANSITION),
        (ExitFacts("qualifying_training"), ExitCategory.POSITIVE),
        (ExitFacts("siae_hire"), ExitCategory.POSITIVE),
        (ExitFacts("job_seeking"), ExitCategory.OTHER),
        (ExitFacts("inactive"), ExitCategory.OTHER),
        (ExitFacts("no_news"), ExitCategory.OTHER),
        (ExitFacts("moved"), ExitCategory.NEUTRALISED),
        (ExitFacts("long_illness"), ExitCategory.NEUTRALISED),
        (ExitFacts("death"), ExitCategory.NEUTRALISED),
    ],
)
def test_exit_category(facts, category):
    assert exit_category(facts) is category


def test_every_exit_kind_has_a_category_and_a_label():
    for kind in ExitKind:
        facts = ExitFacts(kind, 6 if kind in {ExitKind.CDD, ExitKind.TEMP_MISSION} else None)
        assert isinstance(exit_category(facts), ExitCategory)
        assert kind.label
    assert {c.value for c in ExitCategory} == {
        "durable",
        "transition",
        "positive",
        "other",
        "neutralised",
    }
    assert {"durable", "transition", "positive"} == DYNAMIC_CATEGORIES


@pytest.mark.parametrize(
    ("kind", "months"), [("cdd", None), ("temp_mission", None), ("cdd", -1), ("cdd", 6.0)]
)
def test_exit_facts_need_a_valid_duration_for_timed_contracts(kind, months):
    with pytest.raises(ValueError):
        ExitFacts(kind, months)


def test_exit_facts_refuse_unknown_kinds():
    with pytest.raises(ValueError):
        ExitFacts("retired")


@pytest.mark.parametrize(
    ("categories", "rate"),
    [
        ([], None),
        (["neutralised"], None),
        (["durable", "other"], D("0.5000")),
        (["durable", "transition", "positive", "other", "neutralised"], D("0.7500")),
        (["durable", "positive", "other"], D("0.6667")),
        ([ExitCategory.OTHER] * 3, D("0.0000")),
        (["transition", "neutralised", "neutralised"], D("1.0000")),
    ],
)
def test_dynamic_exit_rate(categories, rate):
    assert dynamic_exit_rate(categories) == rate


def test_dynamic_exit_rate_refuses_unknown_categories():
    with pytest.raises(ValueError):
        dynamic_exit_rate(["durable", "excellent"])


def test_hours_indicators():
    result = hours_indicators(833, [D("100.5"), D("355.5"), 0])
    assert (result.planned, result.done, result.completion_rate) == (
        D("833"),
        D("456.0"),
        D("0.5474"),
    )
    assert (result.fte, result.fte_divisor) == (D("0.25"), 1820)
    legal = hours_indicators(D("1607"), [D("1607")], divisor=1607)
    assert (legal.completion_rate, legal.fte, legal.fte_divisor) == (D("1.0000"), D("1.00"), 1607)


def test_hours_indicators_without_plan_or_with_bad_hours():
    assert hours_indicators(0, [D("35")]).completion_rate is None
    with pytest.raises(ValueError):
        hours_indicators(100, [1.5])
    with pytest.raises(ValueError):
        hours_indicators(-1, [])


def test_tally_orders_known_keys_first_with_zeros():
    rows = ["26_49", "under_26", "26_49", "unknown", "26_49"]
    assert tally(rows, order=[b.value for b in AgeBand]) == {
        "under_26": 1,
        "26_49": 3,
        "50_plus": 0,
        "unknown": 1,
    }
    assert list(tally(["b", "a", "a", "c"])) == ["a", "b", "c"]


def test_distinct_count():
    lines = [(1, "lot-a"), (1, "lot-b"), (2, "lot-a")]
    assert distinct_count(person for person, _lot in lines) == 2
    assert distinct_count([]) == 0
