"""The census list: htmx filters, pagination, fragment = element of the page, no N+1."""

from __future__ import annotations

import re
from datetime import date

from portal.clock import today
from tests.census.builders import census_world, make_declaration

HTMX = {"HX-Request": "true"}


def test_filters_by_status_year_buyer_and_title(login_as):
    world = census_world()
    make_declaration(
        world.commune, title="Voirie rue Centrale", planned_publication=date(2026, 3, 1)
    )
    make_declaration(
        world.commune,
        title="Nettoyage des locaux",
        nature="services",
        planned_publication=date(2025, 10, 1),
        status="declined",
        review_comment="Trop petit.",
    )
    make_declaration(
        world.other_commune,
        title="Voirie chemin du Garon",
        planned_publication=date(2026, 5, 1),
        status="retained",
        recommended_basis="execution_condition",
        review_comment="Oui.",
    )
    client = login_as(world.facilitator)

    def titles(query: str) -> set[str]:
        html = client.get(f"/recensement/?{query}").get_data(as_text=True)
        return set(re.findall(r'href="/recensement/\d+">([^<]+)</a>', html))

    assert titles("") == {"Voirie rue Centrale", "Nettoyage des locaux", "Voirie chemin du Garon"}
    assert titles("statut=declined") == {"Nettoyage des locaux"}
    assert titles("annee=2026") == {"Voirie rue Centrale", "Voirie chemin du Garon"}
    assert titles(f"acheteur={world.commune.id}") == {"Voirie rue Centrale", "Nettoyage des locaux"}
    assert titles("q=voirie") == {"Voirie rue Centrale", "Voirie chemin du Garon"}
    assert titles("q=VOIRIE&annee=2026&statut=retained") == {"Voirie chemin du Garon"}
    assert titles("q=100%25") == set()  # wildcards are searched literally
    # unknown values are ignored rather than failing
    assert len(titles("statut=nimporte&annee=abc&acheteur=x")) == 3


def test_year_options_are_declared_years_and_the_current_year(login_as):
    world = census_world()
    make_declaration(world.commune, planned_publication=date(2021, 4, 1))
    html = login_as(world.commune_user).get("/recensement/").get_data(as_text=True)
    options = re.findall(r'<option value="(\d{4})"', html)
    assert options == sorted({"2021", str(today().year)}, reverse=True)


def test_pagination_keeps_the_filters(login_as):
    world = census_world()
    for n in range(7):
        make_declaration(world.commune, title=f"Lot voirie {n}")
    make_declaration(world.commune, title="Autre achat")
    client = login_as(world.commune_user)
    page1 = client.get("/recensement/?q=voirie").get_data(as_text=True)
    assert "1 à 5 sur 7" in page1  # TestConfig.PAGE_SIZE = 5
    assert "Autre achat" not in page1
    assert 'hx-push-url="true"' in page1
    assert "q=voirie" in page1 and "page=2" in page1
    page2 = client.get("/recensement/?q=voirie&page=2").get_data(as_text=True)
    assert "6 à 7 sur 7" in page2


def test_htmx_returns_the_fragment_of_the_page(login_as):
    world = census_world()
    make_declaration(world.commune, title="Fragment d'achat")
    client = login_as(world.commune_user)
    fragment = client.get("/recensement/?q=fragment", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in body
    assert "Fragment d&#39;achat" in body
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/recensement/?q=fragment").get_data(as_text=True)
    assert body.strip() in page
    assert 'id="census-results"' in page and 'hx-target="#census-results"' in page


def test_index_has_no_n_plus_one(app, login_as, assert_max_queries):
    app.config["PAGE_SIZE"] = 50  # every row on one page: more rows, same query count
    world = census_world()
    client = login_as(world.ccvg_user)
    for org in (world.ccvg, world.commune):
        make_declaration(org)
    with assert_max_queries(10) as counter:
        client.get("/recensement/")
    small = counter.count
    for _ in range(4):
        for org in (world.ccvg, world.commune, world.other_commune):
            make_declaration(org)
    with assert_max_queries(small):
        html = client.get("/recensement/").get_data(as_text=True)
    assert "14 sur 14" in html
