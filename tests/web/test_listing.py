"""The list pages' filters (portal.web.listing): declared once, parsed without ever failing,
typed for the query, strings for the form and the links, drawn by one macro."""

from __future__ import annotations

from datetime import date

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from portal.web.listing import Filter, FilterSet, pairs, parse_iso_date
from tests.factories import make_org

CALLS: list[str] = []


def _buyers():
    CALLS.append("buyers")
    return [(3, "Commune de Brignais"), (7, "CCVG")]


FILTERS = FilterSet(
    Filter("q", "Rechercher", "text", max_length=10),
    Filter("statut", "Statut", "choice", [("draft", "Brouillon"), ("sent", "Envoyé")], "Tous"),
    Filter("annee", "Année", "year", lambda: [(2026, 2026), (2025, 2025)], "Toutes"),
    Filter("acheteur", "Acheteur", "id", _buyers, "Tous les acheteurs", min_options=2),
    Filter("du", "Du", "date"),
    Filter(
        "vue", "Vue", "choice", [("actives", "Actives"), ("toutes", "Toutes")], default="actives"
    ),
)


def read(app, **args):
    with app.test_request_context("/", query_string=MultiDict(args)):
        return FILTERS.read()


def test_good_values_are_typed_and_kept_as_strings(app):
    filters = read(app, q="  école ", statut="sent", annee="2026", acheteur="7", du="2026-11-25")
    assert filters.parsed == {
        "q": "école",
        "statut": "sent",
        "annee": 2026,
        "acheteur": 7,
        "du": date(2026, 11, 25),
        "vue": "actives",
    }
    assert dict(filters) == {
        "q": "école",
        "statut": "sent",
        "annee": "2026",
        "acheteur": "7",
        "du": "2026-11-25",
        "vue": "actives",
    }
    assert filters.refused == frozenset()
    assert filters.in_use


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("statut", "zzz"),
        ("annee", "²²²²"),  # isdigit() says yes, int() says no: a 500 once
        ("annee", "٢٠٢٦"),  # Arabic-Indic digits: int() would read 2026
        ("annee", "1999"),
        ("annee", "99999999999999999999"),
        ("acheteur", "¹"),
        ("acheteur", "-7"),
        ("acheteur", "5"),  # a number, but not one the user may filter on
        ("du", "2026-02-30"),
        ("du", "2026-W01-1"),
        ("du", "٢٠٢٦-01-01"),
        ("vue", "zzz"),
    ],
)
def test_bad_values_are_dropped_and_named(app, name, value):
    filters = read(app, **{name: value})
    default = "actives" if name == "vue" else None
    assert filters.parsed[name] == default
    assert filters[name] == (default or "")
    assert filters.refused == {name}
    assert not filters.in_use  # a default is not a filter


def test_text_is_trimmed_and_bounded(app):
    assert read(app, q="x" * 50).parsed["q"] == "x" * 10


def test_links_carry_only_the_filters_in_use(app):
    filters = read(app, statut="draft", q="")
    assert filters.query_args() == {"statut": "draft", "vue": "actives"}


def test_choices_are_computed_once_and_only_when_needed(app):
    CALLS.clear()
    filters = read(app, statut="draft")
    assert CALLS == []  # no id given: the buyers' query is not made
    filters.fields()
    filters.fields()
    assert CALLS == ["buyers"]


def test_choices_given_by_the_view_replace_the_declared_ones(app):
    with app.test_request_context("/?acheteur=3"):
        filters = FILTERS.read(choices={"acheteur": [(9, "Vourles")]})
    assert filters.parsed["acheteur"] is None
    assert [f.options for f in filters.fields() if f.name == "acheteur"] == [[("9", "Vourles")]]


def test_a_select_with_too_few_options_is_not_shown(app):
    with app.test_request_context("/"):
        filters = FILTERS.read(choices={"acheteur": [(9, "Vourles")]})
        shown = {f.name: f.shown for f in filters.fields()}
    assert shown["acheteur"] is False
    assert all(shown[name] for name in ("q", "statut", "annee", "du", "vue"))


def test_an_unknown_kind_or_a_twice_declared_name_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown filter kind"):
        Filter("x", "X", "number")
    with pytest.raises(ValueError, match="twice"):
        FilterSet(Filter("x", "X", "text"), Filter("x", "Y", "text"))


def test_iso_dates_only_in_ascii():
    assert parse_iso_date("2026-11-25") == date(2026, 11, 25)
    assert parse_iso_date("25/11/2026") is None
    assert parse_iso_date("2026-13-01") is None


def test_pairs_of_objects(db):
    org = make_org(name="Commune de Millery")
    assert pairs([org]) == [(org.id, "Commune de Millery")]


def test_the_macro_draws_each_kind(app):
    with app.test_request_context("/?annee=2025&q=abc"):
        filters = FILTERS.read(choices={"acheteur": [(3, "Brignais"), (7, "CCVG")]})
        html = render_template_string(
            '{% from "_layout/filters.html" import list_filters %}'
            '{{ list_filters("markets.operations", "results", filters, "t") }}',
            filters=filters,
        )
    assert 'hx-trigger="input changed delay:300ms from:#t-q, change, submit"' in html
    assert '<input type="search"' in html and 'value="abc"' in html
    assert '<input type="date"' in html
    assert '<option value="">Tous les acheteurs</option>' in html
    assert "selected>2025</option>" in " ".join(html.split())
    # a filter without « all » option has none: its default is selected
    vue = html[html.index('name="vue"') : html.index("</select>", html.index('name="vue"'))]
    assert '<option value="">' not in vue
    assert 'hx-indicator="#results-loading"' in html


def test_the_macro_without_htmx_is_a_plain_get_form(app):
    spec = FilterSet(Filter("annee", "Année de paiement", "year", default="2026"))
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "_layout/filters.html" import list_filters %}'
            '{{ list_filters("invoices.recap", "r", filters, htmx=False, submit_label="Afficher") }}',
            filters=spec.read(),
        )
    assert "hx-get" not in html and "spinner" not in html
    assert 'inputmode="numeric"' in html and 'value="2026"' in html
    assert ">Afficher</button>" in html
