"""The lots list at scale (issue 15, docs/performance.md): sorted narrow and loaded by id,
filter choices from the operations, a text search matched table by table, counted with its
page — and the same list as before on screen."""

from __future__ import annotations

import re
from html import unescape

from portal.models import OrgKind
from tests.conftest import HTMX, text_of
from tests.factories import (
    make_admin,
    make_ccvg_with_communes,
    make_lot,
    make_market,
    make_operation,
    make_org,
    make_user,
)


def _world():
    """Three operations named out of creation order, markets and lots out of order."""
    buyer = make_org(OrgKind.BUYER, name="Ville de Brignais")
    holder = make_org(OrgKind.COMPANY, name="Maçonnerie Dupont")
    lots = {}
    for op_name, refs in (
        ("Gymnase", ("M-2", "M-1")),
        ("Crèche", ("M-3",)),
        ("Bibliothèque de l'école", ("M-4",)),
    ):
        operation = make_operation(buyer, name=op_name)
        for ref in refs:
            market = make_market(operation, reference=ref)
            for number in (2, 1):
                title = f"{op_name} {ref} lot {number}"
                lots[title] = make_lot(market, number=number, title=title, holder=holder)
    return buyer, holder, lots


def _titles(html: str) -> list[str]:
    """The lots' titles in the table, in order (the link reads « Lot 2 – title »)."""
    return [unescape(t) for t in re.findall(r'href="/lots/\d+">Lot \d+ – ([^<]+)</a>', html)]


def _statements(assert_max_queries, client, url, **kwargs) -> list[str]:
    with assert_max_queries(50) as counter:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return [" ".join(s.split()) for s in counter.statements]


def test_lots_come_in_the_list_order_page_after_page(app, login_as):
    _world()
    app.config["PAGE_SIZE"] = 3
    client = login_as(make_admin())
    pages = [_titles(client.get(f"/lots/?page={n}").get_data(as_text=True)) for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [3, 3, 2]
    assert [
        title for page in pages for title in page
    ] == [  # operation name, market reference, lot number
        "Bibliothèque de l'école M-4 lot 1",
        "Bibliothèque de l'école M-4 lot 2",
        "Crèche M-3 lot 1",
        "Crèche M-3 lot 2",
        "Gymnase M-1 lot 1",
        "Gymnase M-1 lot 2",
        "Gymnase M-2 lot 1",
        "Gymnase M-2 lot 2",
    ]
    assert "sur 8" in text_of(client.get("/lots/?page=2"))


def test_the_page_query_sorts_the_ids_only_and_joins_once(login_as, assert_max_queries):
    _world()
    statements = _statements(assert_max_queries, login_as(make_admin()), "/lots/")
    (page,) = [s for s in statements if "ORDER BY operations.name" in s]
    assert page.startswith("SELECT lots.id FROM lots JOIN markets")  # no wide row sorted
    assert "LIMIT" in page and "markets_1" not in page
    (loaded,) = [s for s in statements if s.startswith("SELECT lots.id, lots.market_id")]
    assert "IN (__[POSTCOMPILE_id_1])" in loaded or "lots.id IN (" in loaded
    assert "ORDER BY" not in loaded  # 25 rows, by primary key
    for statement in statements:  # every join made once: no second chain of aliases
        assert "markets_2" not in statement and "operations_2" not in statement
    (counted,) = [s for s in statements if s.startswith("SELECT count(*)")]
    assert "JOIN" not in counted  # the total counts lots, not the join


def test_filter_choices_come_from_the_operations(login_as, assert_max_queries):
    _world()
    statements = _statements(assert_max_queries, login_as(make_admin()), "/lots/")
    choices = [s for s in statements if "DISTINCT" in s or "organisations.name FROM" in s]
    assert len(choices) == 2
    for statement in choices:
        assert "lots" not in statement  # not the 10,000-lot join


def test_a_company_filters_on_the_buyers_of_its_own_lots(login_as):
    _buyer, holder, _lots = _world()
    other_buyer = make_org(OrgKind.BUYER, name="Ville de Givors")
    make_lot(make_market(make_operation(other_buyer)), holder=make_org(), title="Pas à nous")
    make_lot(
        make_market(make_operation(make_org(OrgKind.BUYER, name="Ville de Mornant"))), holder=holder
    )
    html = text_of(login_as(make_user(holder)).get("/lots/"))
    assert "Ville de Brignais" in html and "Ville de Mornant" in html
    assert "Ville de Givors" not in html and "Pas à nous" not in html


def test_the_htmx_fragment_reads_neither_choices_nor_shares(login_as, assert_max_queries):
    _buyer, holder, _lots = _world()
    for user in (make_admin(), make_user(holder)):
        statements = _statements(assert_max_queries, login_as(user), "/lots/?q=lot", headers=HTMX)
        assert not [s for s in statements if "DISTINCT" in s or "organisations.name FROM" in s]
        assert not [s for s in statements if "subcontractor_shares" in s]
    page = _statements(assert_max_queries, login_as(make_user(holder)), "/lots/")
    assert [s for s in page if "FROM subcontractor_shares" in s]  # the full page has them


def test_search_looks_in_titles_references_and_operation_names(login_as):
    _world()
    client = login_as(make_admin())

    def found(q):
        return set(_titles(client.get(f"/lots/?q={q}", headers=HTMX).get_data(as_text=True)))

    assert found("m-1 lot 2") == {"Gymnase M-1 lot 2"}  # a title, case aside
    assert found("M-3") == {"Crèche M-3 lot 1", "Crèche M-3 lot 2"}  # a market's reference
    assert len(found("gymnase")) == 4  # an operation's name, case aside
    library = {"Bibliothèque de l'école M-4 lot 1", "Bibliothèque de l'école M-4 lot 2"}
    assert found("école") == library
    assert found("BIBLIOTH") == library
    assert found("ecole") == set()  # accents are not folded (as before)
    assert found("introuvable") == set()


def test_search_stays_in_the_scope(login_as):
    ccvg, (alpha, beta) = make_ccvg_with_communes("Alpha", "Beta")
    make_lot(make_market(make_operation(alpha, name="Voirie Alpha")), title="Chaussée")
    make_lot(make_market(make_operation(beta, name="Voirie Beta")), title="Trottoirs")
    html = login_as(make_user(alpha)).get("/lots/?q=voirie").get_data(as_text=True)
    assert "Chaussée" in html and "Trottoirs" not in html
    both = login_as(make_user(ccvg)).get("/lots/?q=voirie").get_data(as_text=True)
    assert "Chaussée" in both and "Trottoirs" in both


def test_a_search_is_counted_with_its_page(app, login_as, assert_max_queries):
    _world()
    app.config["PAGE_SIZE"] = 3
    client = login_as(make_admin())
    statements = _statements(assert_max_queries, client, "/lots/?q=lot", headers=HTMX)
    assert not [s for s in statements if s.startswith("SELECT count(*)")]
    (page,) = [s for s in statements if "ORDER BY operations.name" in s]
    assert "count(*) OVER ()" in page
    assert "Page 3" in text_of(client.get("/lots/?q=lot", headers=HTMX))  # 8 found, 3 pages
    past_the_end = client.get("/lots/?q=lot&page=9", headers=HTMX)
    assert past_the_end.status_code == 200 and "sur 8" in text_of(past_the_end)


def test_a_page_that_is_not_full_is_not_counted(login_as, assert_max_queries):
    make_lot(make_market(make_operation(name="Gymnase")), title="Sol sportif")
    client = login_as(make_admin())
    for url in ("/lots/", "/operations/"):
        statements = _statements(assert_max_queries, client, url)
        assert not [s for s in statements if s.startswith("SELECT count(*)")], url
