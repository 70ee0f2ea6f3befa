"""Hostile query strings on every list page never make the server fail (no 500): huge
numbers, negative ones, letters, far dates. Filters that make no sense are ignored."""

from __future__ import annotations

import pytest
from flask import url_for

from portal.web.params import parse_int
from tests.personas import PERSONAS, build_world
from tests.security.objects import furnished_world
from tests.security.routes import ROUTES_WITHOUT_STATIC

HUGE = "99999999999999999999"
GET_ROUTES = [r for r in ROUTES_WITHOUT_STATIC if "GET" in r.methods]
QUERIES = [
    f"page={HUGE}",
    "page=-3",
    f"acheteur={HUGE}",
    "acheteur=abc",
    f"annee={HUGE}",
    "annee=0000",
    "statut=%00",
    f"commune={HUGE}",
    f"organisation={HUGE}",
    "du=9999-12-31&au=9999-12-31",
    "du=0001-01-01&au=abc",
    "q=%25%27%22%3C",
    "type=zzz&fondement=zzz&action=zzz&acteur=%25",
]
LISTS = {
    "facilitator_admin": [
        "/organisations/",
        "/recensement/",
        "/recensement/bilan",
        "/operations/",
        "/lots/",
        "/lots/export.csv",
        "/devis/",
        "/factures/",
        "/factures/refacturation",
        "/admin/comptes",
        "/admin/journal",
        "/admin/avenants",
    ],
    "buyer_commune": [
        "/recensement/",
        "/operations/",
        "/lots/",
        "/devis/",
        "/factures/refacturation",
    ],
    "company": [
        "/lots/",
        "/lots/export.xlsx",
        "/organisations/annuaire",
        "/embauches/export.csv",
        "/embauches/effectifs.csv",
    ],
}


@pytest.mark.parametrize("persona", list(LISTS))
def test_lists_survive_hostile_query_strings(login_as, persona):
    world = build_world()
    client = login_as(world.users[persona])
    failures = []
    for url in LISTS[persona]:
        for query in QUERIES:
            if url.startswith("/lots/export."):
                # An export is a job: started by a POST, its filters read by the worker.
                # It must end with its file (a failed job's download leads back to its page),
                # or be refused at once (400: a NUL byte).
                response = client.export(f"{url}?{query}")
                if response.status_code not in (200, 400):
                    failures.append((url, query, response.status_code))
                continue
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500 or response.status_code in (401, 403):
                failures.append((url, query, response.status_code))
    assert failures == []


# Characters that ``str.isdigit()`` accepts but ``int()`` refuses (superscripts) or reads
# as another number (Arabic-Indic digits): every parameter that carries a number.
UNICODE_DIGITS = [
    "annee=²²²²",
    "annee=٢٠٢٦",
    "acheteur=¹",
    "organisation=¹",
    "commune=¹",
    "operation=²",
    "page=²",
    "page=٣",
    "annee=²²²²&acheteur=¹&page=²&organisation=¹&commune=¹&operation=²&version=²",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_survives_unicode_digits(app, login_as, persona):
    """Every GET route, for every role, with real objects in reach: never a 500."""
    furnished = furnished_world()
    client = login_as(furnished.world.users[persona])
    failures = []
    for route in GET_ROUTES:
        with app.test_request_context():
            url = url_for(route.endpoint, **furnished.kwargs_for(route, persona))
        for query in UNICODE_DIGITS:
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append((route.endpoint, query, response.status_code))
    assert failures == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("0042", 42),
        ("²", None),
        ("٢٠٢٦", None),
        ("４２", None),
        (" 42", None),
        ("+42", None),
        ("-1", None),
        ("4_2", None),
        ("1e3", None),
        ("", None),
        (None, None),
        ("2147483648", None),
        ("9" * 31, None),
    ],
)
def test_parse_int_reads_ascii_digits_only(text, expected):
    assert parse_int(text) == expected


def test_quote_action_with_a_unicode_version_is_a_conflict(login_as):
    """The version a quote action carries is read by the same parser: « ² » is stale."""
    furnished = furnished_world()
    client = login_as(furnished.world.users["facilitator"])
    quote_id = furnished.ids["quote_id"]
    response = client.post_form(f"/devis/{quote_id}/soumettre", {"version": "²"})
    assert response.status_code == 409


def test_quote_year_filter_really_filters(login_as):
    """``/devis/?annee=`` keeps the quotes dated that year, and only them."""
    from datetime import date

    from tests.quotes.builders import make_quote, priced_operation

    world = build_world()
    author = world.users["facilitator"]
    make_quote(
        priced_operation(world.commune, name="Gymnase de 2023"), author, quote_date=date(2023, 3, 1)
    )
    make_quote(
        priced_operation(world.commune, name="Crèche de 2024"), author, quote_date=date(2024, 6, 3)
    )
    client = login_as(author)
    everything = client.get("/devis/").get_data(as_text=True)
    assert "Gymnase de 2023" in everything
    assert "Crèche de 2024" in everything
    only_2024 = client.get("/devis/?annee=2024").get_data(as_text=True)
    assert "Crèche de 2024" in only_2024
    assert "Gymnase de 2023" not in only_2024
    only_2023 = client.get("/devis/?annee=2023", headers={"HX-Request": "true"})
    assert "Gymnase de 2023" in only_2023.get_data(as_text=True)
    assert "Crèche de 2024" not in only_2023.get_data(as_text=True)
    assert "Aucun" in client.get("/devis/?annee=2030").get_data(as_text=True)
