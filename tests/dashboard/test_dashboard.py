"""The « Tableau de bord » (issue 12; docs/domain.md §9): hand-computed figures of the
small territory of ``tests/observatory/builders.py``, each role's reach, no names, and
a query-count guard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.dashboard import queries
from tests.conftest import words_of
from tests.observatory.builders import territory
from tests.personas import build_world

TODAY = date(2026, 12, 3)
NAMES = ("Lefèvre", "Paule", "Quentel", "Quentin", "Rosier", "Rose ")


@pytest.fixture
def world(db):
    world = build_world()
    world.territory = territory(world)
    return world


def test_the_amoi_sees_the_territory_figures(world):
    board = queries.dashboard(world.users["facilitator"], 2026, TODAY)
    t = board.total
    assert t.validated == Decimal("270")  # the refused 40 h do not count
    assert t.training == Decimal("10")
    assert t.planned == Decimal("1700")
    assert t.people == 3  # Paule counts once on her two lots
    assert t.lots == 3
    assert t.fte == Decimal("0.15")  # 270 ÷ 1 820
    assert t.exits == {"durable": 1, "other": 1, "neutralised": 1}
    assert t.dynamic_rate == Decimal("50.0")
    by_buyer = {g.label: (g.validated, g.people, g.planned) for g in board.by_buyer}
    assert by_buyer == {
        world.commune.name: (Decimal("250"), 2, Decimal("1500")),
        world.other_commune.name: (Decimal("20"), 1, Decimal("200")),
    }
    by_trade = {g.key: (g.validated, g.people) for g in board.by_trade}
    assert by_trade == {"masonry": (Decimal("240"), 3), "interior_painting": (Decimal("30"), 1)}
    assert board.months == {
        date(2026, 1, 1): Decimal("170"),
        date(2026, 2, 1): Decimal("50"),
        date(2026, 3, 1): Decimal("30"),
        date(2026, 8, 1): Decimal("20"),
    }


def test_filters_narrow_by_buyer_and_trade(world):
    amoi = world.users["facilitator"]
    board = queries.dashboard(amoi, 2026, TODAY, buyer=world.commune.id, trade="masonry")
    assert (board.total.validated, board.total.people, board.total.planned) == (
        Decimal("220"),
        2,
        Decimal("1000"),
    )
    assert queries.dashboard(amoi, 2025, TODAY).total.validated == 0


def test_a_commune_sees_its_own_operations_only(world):
    board = queries.dashboard(world.users["buyer_commune"], 2026, TODAY)
    assert (board.total.validated, board.total.people) == (Decimal("250"), 2)
    assert [g.label for g in board.by_buyer] == [world.commune.name]
    other = queries.dashboard(world.others["buyer_commune"], 2026, TODAY)
    assert (other.total.validated, other.total.people) == (Decimal("20"), 1)


def test_the_ccvg_sees_its_communes(world):
    board = queries.dashboard(world.users["buyer_ccvg"], 2026, TODAY)
    assert board.total.validated == Decimal("270")


def test_a_company_sees_its_lots_progress(world, login_as):
    board = queries.dashboard(world.users["company"], 2026, TODAY)
    assert board.total.validated == Decimal("250")
    assert {row.id for row, _ in board.lots} == {world.territory.a1.id, world.territory.a2.id}
    page = words_of(login_as(world.users["company"]).get("/tableau-de-bord/?annee=2026"))
    assert "Mes lots" in page
    assert world.territory.b1.title not in page
    assert not any(name in page for name in NAMES)


def test_the_page_shows_figures_charts_and_no_names(world, login_as):
    client = login_as(world.users["facilitator"])
    response = client.get("/tableau-de-bord/?annee=2026")
    assert response.status_code == 200
    page = words_of(response)
    assert "270 h sur 1 700 h prévues" in page
    assert "3 personnes avec des heures validées" in page
    assert "taux de sorties dynamiques : 50 %" in page
    assert "Données du graphique" in page and 'alt="Heures validées par mois' in response.text
    assert not any(name in page for name in NAMES)
    fragment = client.get("/tableau-de-bord/?annee=2026", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "270" in words_of(fragment)


def test_a_prescriber_has_no_dashboard(world, login_as):
    assert login_as(world.users["prescriber"]).get("/tableau-de-bord/").status_code == 403


def test_the_dashboard_answers_in_few_queries(world, login_as, assert_max_queries):
    client = login_as(world.users["facilitator"])
    client.get("/tableau-de-bord/?annee=2026")
    with assert_max_queries(16):
        assert client.get("/tableau-de-bord/?annee=2026").status_code == 200


def test_a_structure_sees_its_own_placements_hours_only(world, login_as):
    from tests.statements.builders import hour_line, structure_placement

    placement = structure_placement(world.structure, lot=world.territory.b1)
    hour_line(placement, date(2026, 12, 1), "15")
    from portal.extensions import db

    db.session.commit()
    board = queries.dashboard(world.users["structure"], 2026, TODAY)
    assert (board.total.validated, board.total.people) == (Decimal("15"), 1)
    assert board.lots == []
    assert queries.dashboard(world.others["structure"], 2026, TODAY).total.validated == 0
    page = words_of(login_as(world.users["structure"]).get("/tableau-de-bord/?annee=2026"))
    assert "15 h" in page and "Zoé" not in page and "Lefèvre" not in page
