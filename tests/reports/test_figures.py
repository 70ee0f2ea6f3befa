"""The seven indicators of an operation against hand-computed figures (convention art. 5;
docs/domain.md §9): see ``tests/reports/builders.py`` for the arithmetic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.reports.queries import fetch_rows
from portal.reports.services import figures_for_operation
from portal.rules.indicators import DYNAMIC_EXIT_DEFINITION, indicators_data
from tests.reports.builders import small_operation


def test_rows_are_aggregated_and_only_validated(app, db):
    world = small_operation()
    rows = fetch_rows([world.operation.id], date(2027, 1, 1), date(2027, 12, 31))
    # refused and submitted lines are absent; December 2026 is outside the year
    assert sorted((r.placement_id, r.month, r.hours) for r in rows.hours) == sorted(
        [
            (world.zoe_a.id, date(2027, 1, 1), Decimal("100")),
            (world.zoe_b.id, date(2027, 1, 1), Decimal("20")),
            (world.luc.id, date(2027, 6, 1), Decimal("60")),
            (world.luc.id, date(2027, 12, 1), Decimal("70")),  # dropped by the rules (CDI cap)
            (world.ana.id, date(2027, 3, 1), Decimal("30")),
        ]
    )
    assert [lot.planned_hours for lot in rows.lots] == [1000, 500]
    [market] = rows.markets
    assert market.reference == "2027-ÉCL-001"
    assert market.buyer == "Commune d'Écluse"
    assert market.holders == ("Bâtiments Réunis",)
    assert "condition d'exécution" in market.legal_basis
    assert fetch_rows([], None, None).hours == []


def test_annual_figures_hand_computed(app, db):
    world = small_operation()
    figures = figures_for_operation(world.operation, 2027)
    total = figures.total
    assert total.hours.done == Decimal("210")
    assert total.hours.planned == Decimal("1500")
    assert total.hours.completion_rate == Decimal("0.1400")
    assert total.hours.fte == Decimal("0.12")
    assert total.hours.fte_divisor == 1820
    assert total.people == 3  # Zoé once although on two lots
    assert total.placements == 4
    assert total.sex == {"F": 2, "M": 1}
    assert total.age_band == {"under_26": 1, "26_49": 1, "50_plus": 1}  # Ana anonymised: kept
    assert total.qualification == {"level_3": 3}
    assert total.criteria == {"rsa": 3}
    assert total.qpv == 0
    assert total.communes == {"Saint-Girons": 3}
    assert total.modalities == {"temp_insertion": 4}
    assert total.contract_types == {"cdd": 3, "cdi": 1}
    assert total.exits_end["durable"] == 1 and total.exits_end["other"] == 1
    assert sum(total.exits_end.values()) == 2
    assert total.dynamic_rate_end == Decimal("0.5000")
    assert total.exits_6_months["transition"] == 1
    assert total.dynamic_rate_6_months == Decimal("1.0000")
    (lot_a, a), (lot_b, b) = figures.lots
    assert (lot_a.id, a.hours.done, a.people, a.placements) == (world.lot_a.id, 190, 3, 3)
    assert a.hours.completion_rate == Decimal("0.1900")
    assert (lot_b.id, b.hours.done, b.people, b.placements) == (world.lot_b.id, 20, 1, 1)
    assert b.hours.completion_rate == Decimal("0.0400")
    assert b.dynamic_rate_end is None  # no exit on lot B


def test_final_figures_cover_the_whole_follow_up(app, db):
    world = small_operation()
    figures = figures_for_operation(world.operation, None)
    assert figures.total.hours.done == Decimal("250")  # + Luc's December 2026
    assert figures.total.people == 3
    data = indicators_data(figures)
    assert data["total"]["hours"]["done"] == "250.00"
    assert data["dynamic_exit_definition"] == DYNAMIC_EXIT_DEFINITION
    assert data["start"] is None and data["end"] is None


def test_health_criteria_are_counted_never_named(app, db):
    from portal.rules.indicators import HourRow, PlacementRow, compute_indicators

    placements = [
        PlacementRow(
            1, 10, 1, 5, "direct_hire", "cdd", date(2027, 1, 1), criteria=("rsa", "disabled_worker")
        ),
        PlacementRow(
            2, 11, 1, 5, "direct_hire", "cdd", date(2027, 1, 1), criteria=("disabled_worker",)
        ),
    ]
    hours = [
        HourRow(5, 1, 10, date(2027, 1, 1), Decimal(10)),
        HourRow(5, 2, 11, date(2027, 1, 1), Decimal(5)),
    ]
    figures = compute_indicators([], [], placements, hours)
    assert figures.total.criteria == {"health": 2, "rsa": 1}


def test_a_chart_is_drawn_once_for_the_same_data(monkeypatch):
    from portal.documents import charts

    drawn = []
    original = charts.Chart.svg
    monkeypatch.setattr(
        charts.Chart, "svg", lambda self: drawn.append(self.title) or original(self)
    )
    monkeypatch.setattr(charts, "_SVG_CACHE", {})
    first = charts.bar_chart("Heures réalisées par lot", [("Lot 1", Decimal(190))], unit="h")
    again = charts.bar_chart("Heures réalisées par lot", [("Lot 1", Decimal(190))], unit="h")
    other = charts.bar_chart("Heures réalisées par lot", [("Lot 1", Decimal(191))], unit="h")
    uri = first.svg_data_uri()
    assert uri.startswith("data:image/svg+xml;base64,")
    assert again.svg_data_uri() == uri
    assert other.svg_data_uri() != uri
    assert len(drawn) == 2
