"""The yearly census point (AMOI only): figures per buyer, year selector, XLSX export."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from portal.clock import today
from portal.markets.services import operation_from_declaration
from portal.models import OrgKind
from tests.census.builders import census_world, make_declaration
from tests.conftest import words_of
from tests.factories import make_org


def _cells(html: str, row_id: str) -> list[str]:
    """The text of the cells of ``<tr id=row_id>`` (tags stripped)."""
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def _census_2026(world):
    """Alpha: 3 declarations in 2026 (one submitted, one retained, one declined) and one in
    2025; Beta: one retained in 2026; the CCVG: nothing in 2026."""
    retained = {
        "status": "retained",
        "recommended_basis": "reserved_siae",
        "review_comment": "Marché réservé possible.",
    }
    make_declaration(
        world.commune,
        title="Voirie 2026",
        estimated_amount=Decimal("100000"),
        planned_publication=date(2026, 1, 1),
    )
    make_declaration(
        world.commune,
        title="Espaces verts 2026",
        nature="services",
        estimated_amount=Decimal("20000.50"),
        planned_publication=date(2026, 12, 31),
        **retained,
    )
    make_declaration(
        world.commune,
        title="Mobilier 2026",
        nature="supplies",
        estimated_amount=Decimal("5000"),
        planned_publication=date(2026, 7, 14),
        status="declined",
        review_comment="Fournitures sur catalogue.",
    )
    make_declaration(
        world.commune,
        title="Ancien achat 2025",
        estimated_amount=Decimal("777777"),
        planned_publication=date(2025, 12, 31),
    )
    return make_declaration(
        world.other_commune,
        title="Nettoyage 2026",
        nature="services",
        estimated_amount=Decimal("60000"),
        planned_publication=date(2026, 3, 1),
        **retained,
    )


def test_summary_figures_per_buyer(login_as):
    world = census_world()
    _census_2026(world)
    response = login_as(world.facilitator).get("/recensement/bilan?annee=2026")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "Point de recensement annuel 2026" in html
    # buyer, count, to review, clause recommended, no clause, operation created, total
    assert _cells(html, f"buyer-{world.commune.id}") == [
        world.commune.name,
        "3",
        "1",
        "1",
        "1",
        "0",
        "125\u202f000,50\u00a0€",
    ]
    assert _cells(html, f"buyer-{world.other_commune.id}") == [
        world.other_commune.name,
        "1",
        "0",
        "1",
        "0",
        "0",
        "60\u202f000,00\u00a0€",
    ]
    # a buyer that declared nothing still shows up, so that the AMOI can chase it
    assert _cells(html, f"buyer-{world.ccvg.id}")[1:] == ["0", "0", "0", "0", "0", "0,00\u00a0€"]
    assert _cells(html, "census-totals") == [
        "Total",
        "4",
        "1",
        "2",
        "1",
        "0",
        "185\u202f000,50\u00a0€",
    ]
    assert "Ancien achat 2025" not in html
    for title in ("Voirie 2026", "Espaces verts 2026", "Mobilier 2026", "Nettoyage 2026"):
        assert title in html
    assert "Marché réservé SIAE – L2113-13" in html
    assert "/recensement/bilan.xlsx?annee=2026" in html


def test_summary_year_selector_and_default_year(login_as):
    world = census_world()
    _census_2026(world)
    client = login_as(world.facilitator)
    current = today().year
    html = client.get("/recensement/bilan").get_data(as_text=True)
    assert f"Point de recensement annuel {current}" in html
    options = re.findall(r'<option value="(\d{4})"', html)
    assert options == [str(y) for y in sorted({2025, 2026, current}, reverse=True)]
    assert re.search(rf'<option value="{current}"\s+selected>', html)
    nonsense = client.get("/recensement/bilan?annee=abc").get_data(as_text=True)
    assert f"Point de recensement annuel {current}" in nonsense
    empty_page = client.get("/recensement/bilan?annee=2031")
    empty = empty_page.get_data(as_text=True)
    assert "Aucun acheteur n'a déclaré d'achat à publier en 2031" in words_of(empty_page)
    assert re.search(r'<option value="2031"\s+selected>', empty)


def test_summary_links_the_operation_of_a_converted_declaration(login_as, db):
    """Needs the ``markets`` blueprint (the page links to ``markets.operation``)."""
    world = census_world()
    converted = _census_2026(world)
    operation = operation_from_declaration(converted, world.facilitator)
    db.session.commit()
    html = login_as(world.facilitator).get("/recensement/bilan?annee=2026").get_data(as_text=True)
    assert f'href="/operations/{operation.id}"' in html
    assert _cells(html, f"buyer-{world.other_commune.id}")[1:6] == ["1", "0", "0", "0", "1"]


def test_summary_is_for_the_amoi_only(login_as):
    world = census_world()
    for user in (world.ccvg_user, world.commune_user):
        client = login_as(user)
        assert client.get("/recensement/bilan").status_code == 403
        assert client.post_form("/recensement/bilan.xlsx").status_code == 403


def test_xlsx_export_holds_the_chosen_year(login_as, db):
    world = census_world()
    outsider = make_org(OrgKind.BUYER, name="Acheteur =HYPERLINK()")
    converted = _census_2026(world)
    operation = operation_from_declaration(converted, world.facilitator)
    db.session.commit()
    make_declaration(outsider, title="=cmd|' /C calc'!A0", planned_publication=date(2026, 5, 5))
    response = login_as(world.facilitator).export("/recensement/bilan.xlsx?annee=2026")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="recensement-2026.xlsx"' in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Synthèse", "Déclarations"]

    synthesis = [list(r) for r in workbook["Synthèse"].iter_rows(values_only=True)]
    assert synthesis[0] == [
        "Acheteur",
        "Déclarations",
        "À examiner",
        "Clause recommandée",
        "Sans clause",
        "Opération créée",
        "Montant estimé total HT",
    ]
    by_buyer = {row[0]: row[1:] for row in synthesis[1:]}
    assert by_buyer[world.commune.name] == [3, 1, 1, 1, 0, 125000.5]
    assert by_buyer[world.other_commune.name] == [1, 0, 0, 0, 1, 60000]
    assert by_buyer[world.ccvg.name] == [0, 0, 0, 0, 0, 0]
    assert by_buyer["Acheteur =HYPERLINK()"] == [1, 1, 0, 0, 0, 100000]

    sheet = workbook["Déclarations"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Acheteur",
        "Intitulé",
        "Nature",
        "Montant estimé HT",
        "Publication prévue",
        "Statut",
        "Base juridique recommandée",
        "Avis de l'AMOI",
        "Opération n°",
    ]
    titles = [row[1] for row in rows[1:]]
    assert sorted(titles) == sorted(
        [
            "Voirie 2026",
            "Espaces verts 2026",
            "Mobilier 2026",
            "Nettoyage 2026",
            "'=cmd|' /C calc'!A0",  # neutralised: a spreadsheet would run it
        ]
    )
    assert "Ancien achat 2025" not in titles
    by_title = {row[1]: row for row in rows[1:]}
    assert by_title["Espaces verts 2026"] == [
        world.commune.name,
        "Espaces verts 2026",
        "Services",
        20000.5,
        datetime(2026, 12, 31),
        "Clause recommandée",
        "Marché réservé SIAE – L2113-13",
        "Marché réservé possible.",
        None,
    ]
    assert by_title["Nettoyage 2026"][5] == "Opération créée"
    assert by_title["Nettoyage 2026"][8] == operation.id
    assert by_title["Mobilier 2026"][5:8] == ["Sans clause", None, "Fournitures sur catalogue."]
    # real numbers and dates with French formats
    amount_cell, date_cell = sheet["D2"], sheet["E2"]
    assert isinstance(amount_cell.value, int | float) and "€" in amount_cell.number_format
    assert date_cell.number_format == "DD/MM/YYYY"


def test_summary_has_no_n_plus_one(login_as, assert_max_queries):
    world = census_world()
    client = login_as(world.facilitator)
    make_declaration(world.commune)
    with assert_max_queries(10) as counter:
        client.get("/recensement/bilan?annee=2026")
    small = counter.count
    # The export is a job: the POST, the job run, its page and its file, counted together.
    with assert_max_queries(60) as counter:
        client.export("/recensement/bilan.xlsx?annee=2026")
    small_export = counter.count
    for org in (world.ccvg, world.commune, world.other_commune):
        for _ in range(3):
            make_declaration(org, status="declined", review_comment="Non.")
    with assert_max_queries(small):
        client.get("/recensement/bilan?annee=2026")
    with assert_max_queries(small_export):
        client.export("/recensement/bilan.xlsx?annee=2026")
