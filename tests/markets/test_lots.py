from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.models import HoursRecord, Lot, OrgKind
from portal.rules.hours import TRADES, insertion_hours
from tests.conftest import text_of, versioned
from tests.factories import (
    make_admin,
    make_ccvg_with_communes,
    make_lot,
    make_market,
    make_operation,
    make_org,
    make_user,
)


def lot_data(**overrides) -> dict:
    data = {
        "number": "1",
        "title": "Gros œuvre",
        "trade": "masonry",
        "amount_excl_tax": "1 000 000",
        "labour_share": "50",
        "hourly_cost": "30",
        "rate": "5",
        "rounding": "half_up",
        "penalty_kind": "none",
        "_last_trade": "masonry",
    }
    data.update(overrides)
    return data


def test_creating_a_lot_freezes_the_calculation(login_as, db):
    market = make_market()
    company = make_org(OrgKind.COMPANY, name="Maçonnerie Dupont")
    admin = make_admin()
    client = login_as(admin)
    response = client.post_form(
        f"/marches/{market.id}/lots/nouveau", lot_data(holder_id=str(company.id))
    )
    assert response.status_code == 303
    lot = db.session.scalars(select(Lot)).one()
    # The published example: 1 000 000 € × 50 % ÷ 30 €/h × 5 % = 833,33 h → 833 h.
    assert lot.planned_hours == 833
    assert lot.holder_id == company.id
    record = db.session.scalars(select(HoursRecord)).one()
    assert record.raw_hours == Decimal("833.33")
    assert (record.labour_share, record.hourly_cost, record.rate) == (
        Decimal("0.5"),
        Decimal("30"),
        Decimal("0.05"),
    )
    assert record.author_id == admin.id
    assert record.parameters["rounding"] == "half_up"
    page = text_of(client.get(f"/lots/{lot.id}"))
    assert "833\u00a0h" in page and "En vigueur" in page and "Maçonnerie Dupont" in page


def test_recalculating_keeps_the_history_and_saving_twice_does_not(login_as, db):
    market = make_market()
    client = login_as(make_admin())
    client.post_form(f"/marches/{market.id}/lots/nouveau", lot_data())
    lot = db.session.scalars(select(Lot)).one()
    client.post_form(f"/lots/{lot.id}/modifier", versioned(lot, lot_data()))  # nothing changed
    assert len(db.session.scalars(select(HoursRecord)).all()) == 1
    client.post_form(f"/lots/{lot.id}/modifier", versioned(lot, lot_data(rate="10", rounding="up")))
    records = db.session.scalars(select(HoursRecord).order_by(HoursRecord.id)).all()
    assert [r.planned_hours for r in records] == [833, 1667]
    db.session.refresh(lot)
    assert lot.planned_hours == 1667
    page = text_of(client.get(f"/lots/{lot.id}"))
    assert page.index("1\u202f667\u00a0h") < page.index("833\u00a0h")  # latest first


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_excl_tax", "-1000", "Le montant HT doit être supérieur à zéro."),
        ("amount_excl_tax", "douze mille", "n'est pas un nombre valide"),
        ("rate", "150", "Le taux d'insertion doit être compris entre 0 et 100 %."),
        ("labour_share", "0", "La part de main-d'œuvre doit être comprise entre 0 et 100 %."),
        ("hourly_cost", "0", "Le coût horaire doit être supérieur à zéro."),
        ("rate", "", "Saisissez le taux d'insertion : le marché porte une clause d'exécution."),
        ("number", "abc", "Saisissez le numéro du lot"),
    ],
)
def test_bad_lot_inputs_get_a_french_error(login_as, db, field, value, message):
    market = make_market()
    response = login_as(make_admin()).post_form(
        f"/marches/{market.id}/lots/nouveau", lot_data(**{field: value}), htmx=True
    )
    assert response.status_code == 422
    body = text_of(response)
    assert message in body
    assert "<html" not in body
    assert db.session.scalar(select(Lot.id)) is None


def test_lot_numbers_are_unique_per_market(login_as, db):
    market = make_market()
    make_lot(market, number=1)
    response = login_as(make_admin()).post_form(f"/marches/{market.id}/lots/nouveau", lot_data())
    assert response.status_code == 422
    assert "Le lot n°1 existe déjà dans ce marché." in text_of(response)


def test_a_reserved_market_lot_has_no_hours(login_as, db):
    market = make_market(legal_basis="reserved_siae")
    aci = make_org(OrgKind.STRUCTURE, name="ACI du Garon")
    client = login_as(make_admin())
    form_page = text_of(client.get(f"/marches/{market.id}/lots/nouveau"))
    assert "Calcul des heures d'insertion" in form_page
    response = client.post_form(
        f"/marches/{market.id}/lots/nouveau",
        lot_data(rate="", holder_id=str(aci.id), title="Entretien"),
    )
    assert response.status_code == 303
    lot = db.session.scalars(select(Lot)).one()
    assert lot.planned_hours is None and lot.holder_id == aci.id
    assert db.session.scalar(select(HoursRecord.id)) is None


def test_penalty_formula_is_stored_and_described(login_as, db):
    market = make_market()
    client = login_as(make_admin())
    missing = client.post_form(
        f"/marches/{market.id}/lots/nouveau", lot_data(penalty_kind="smic_multiple")
    )
    assert missing.status_code == 422
    assert "Saisissez la valeur de la pénalité" in text_of(missing)
    client.post_form(
        f"/marches/{market.id}/lots/nouveau",
        lot_data(penalty_kind="smic_multiple", penalty_value="1,5", penalty_cap="5 000"),
    )
    lot = db.session.scalars(select(Lot)).one()
    assert (lot.penalty_value, lot.penalty_cap) == (Decimal("1.5"), Decimal("5000"))
    page = text_of(client.get(f"/lots/{lot.id}"))
    assert "1,5 × SMIC horaire par heure manquante, plafonné à 5\u202f000 €" in page


# --- the calculator fragment -------------------------------------------------------


def calc(client, **overrides):
    data = lot_data(**overrides)
    return client.post_form("/lots/calculateur", data, htmx=True)


@pytest.mark.parametrize(
    ("amount", "share", "cost", "rate", "rounding"),
    [
        ("1 000 000", "50", "30", "5", "half_up"),
        ("250000,50", "70", "35", "5", "down"),
        ("91000", "50", "35", "7", "up"),
        ("3 000 000", "45", "35", "10", "nearest_10"),
        ("1", "1", "1000", "1", "half_up"),
    ],
)
def test_calculator_matches_the_rules_module(login_as, amount, share, cost, rate, rounding):
    client = login_as(make_admin())
    response = calc(
        client,
        amount_excl_tax=amount,
        labour_share=share,
        hourly_cost=cost,
        rate=rate,
        rounding=rounding,
    )
    assert response.status_code == 200
    body = text_of(response)
    assert "<html" not in body

    def dec(text):
        return Decimal(text.replace(" ", "").replace(",", "."))

    expected = insertion_hours(dec(amount), dec(share) / 100, dec(cost), dec(rate) / 100, rounding)
    from portal.formatting import hours, number

    assert f"{number(expected.raw)} h" in body
    assert hours(expected.planned) in body


def test_calculator_shows_the_package_and_sur_devis(login_as):
    client = login_as(make_admin())
    small = text_of(calc(client, amount_excl_tax="1 000 000"))  # 833 h
    assert "2,5\u00a0jours – 1\u202f250,00\u00a0€" in small
    big = text_of(calc(client, amount_excl_tax="10 000 000"))  # 8 333 h
    assert "sur devis" in big


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount_excl_tax": "-5"}, "Le montant HT doit être supérieur à zéro."),
        ({"amount_excl_tax": "12a"}, "n'est pas un nombre valide"),
        ({"rate": "101"}, "Le taux d'insertion doit être compris entre 0 et 100 %."),
        ({"hourly_cost": "0"}, "Le coût horaire doit être supérieur à zéro."),
        ({"labour_share": "1,2,3"}, "n'est pas un nombre valide"),
        ({"rounding": "zzz"}, "Arrondi"),
    ],
)
def test_calculator_bad_inputs_answer_an_inline_error(login_as, overrides, message):
    response = calc(login_as(make_admin()), **overrides)
    assert response.status_code == 200
    body = text_of(response)
    assert "Le calcul ne peut pas être fait" in body
    assert message in body


def test_calculator_without_rate_asks_for_it(login_as):
    body = text_of(calc(login_as(make_admin()), rate=""))
    assert "Saisissez le taux d'insertion pour calculer les heures." in body


def test_choosing_a_trade_proposes_its_labour_share(login_as):
    client = login_as(make_admin())
    changed = text_of(calc(client, trade="cleaning", _last_trade="masonry", labour_share="50"))
    assert 'hx-swap-oob="true"' in changed
    assert 'value="80"' in changed  # cleaning: 80 % (docs/domain.md §3)
    expected = insertion_hours(
        Decimal(1_000_000), TRADES["cleaning"].labour_share, Decimal(30), Decimal("0.05")
    )
    assert f"{expected.planned:,}".replace(",", "\u202f") in changed
    same = text_of(calc(client, trade="cleaning", _last_trade="cleaning", labour_share="50"))
    assert "hx-swap-oob" not in same


# --- lists, scoping and exports -------------------------------------------------------


def test_a_company_sees_only_its_lots(login_as):
    market = make_market(make_operation(make_org(OrgKind.BUYER), name="Groupe scolaire"))
    company, other = make_org(OrgKind.COMPANY), make_org(OrgKind.COMPANY)
    mine = make_lot(market, holder=company, title="Peinture")
    make_lot(market, holder=other, title="Électricité")
    client = login_as(make_user(company))
    html = text_of(client.get("/lots/"))
    assert "Peinture" in html and "Électricité" not in html
    assert "Mes lots" in html
    assert client.get(f"/lots/{mine.id}").status_code == 200
    assert client.get(f"/operations/{market.operation_id}").status_code == 403


def test_lots_list_has_no_n_plus_one(app, login_as, assert_max_queries):
    app.config["PAGE_SIZE"] = 50
    client = login_as(make_admin())
    for _ in range(3):
        make_lot(make_market(make_operation(make_org(OrgKind.BUYER))), holder=make_org())
    with assert_max_queries(12) as counter:
        assert client.get("/lots/").status_code == 200
    for _ in range(8):
        make_lot(make_market(make_operation(make_org(OrgKind.BUYER))), holder=make_org())
    with assert_max_queries(counter.count):
        client.get("/lots/")


def _export_world():
    ccvg, (alpha, beta) = make_ccvg_with_communes("Alpha", "Beta")
    company, other = make_org(OrgKind.COMPANY), make_org(OrgKind.COMPANY)
    market = make_market(make_operation(alpha, name='=HYPERLINK("x")'))
    make_lot(market, holder=company, title="Lot de l'entreprise", amount_excl_tax=Decimal("1250.5"))
    make_lot(market, holder=other, title="Lot d'un concurrent")
    make_lot(make_market(make_operation(beta, name="Op Beta")), holder=other, title="Lot Beta")
    return ccvg, alpha, company


def test_company_export_never_holds_another_company_lot(login_as):
    _ccvg, _alpha, company = _export_world()
    client = login_as(make_user(company))
    response = client.export("/lots/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # said once
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Acheteur"
    assert [r[6] for r in rows[1:]] == ["Lot de l'entreprise"]
    assert rows[1][9] == "1250,50"
    assert rows[1][1] == '\'=HYPERLINK("x")'  # formula neutralised
    workbook = load_workbook(io.BytesIO(client.export("/lots/export.xlsx").get_data()))
    sheet = workbook["Lots"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [v[6] for v in values] == ["Lot de l'entreprise"]
    assert values[0][9] == 1250.5


def test_export_follows_the_screen_filters_and_scope(login_as):
    ccvg, alpha, _company = _export_world()
    commune_rows = (
        login_as(make_user(alpha)).export("/lots/export.csv").get_data().decode("utf-8-sig")
    )
    assert "Lot Beta" not in commune_rows and "Lot d'un concurrent" in commune_rows
    ccvg_client = login_as(make_user(ccvg))
    everything = ccvg_client.export("/lots/export.csv").get_data().decode("utf-8-sig")
    assert "Lot Beta" in everything
    filtered = (
        ccvg_client.export(f"/lots/export.csv?acheteur={alpha.id}").get_data().decode("utf-8-sig")
    )
    assert "Lot Beta" not in filtered
    assert ccvg_client.post_form("/lots/export.pdf").status_code == 404


@pytest.mark.parametrize(
    ("basis", "rate", "award"),
    [("execution_condition", 'value="5"', False), ("award_criterion", 'value=""', True)],
)
def test_new_lot_form_defaults_follow_the_legal_basis(login_as, basis, rate, award):
    market = make_market(legal_basis=basis)
    html = text_of(login_as(make_admin()).get(f"/marches/{market.id}/lots/nouveau"))
    rate_input = html[html.index('id="rate"') - 200 : html.index('id="rate"') + 200]
    assert rate in rate_input
    checkbox = html[
        html.index('id="award_criterion"') - 100 : html.index('id="award_criterion"') + 100
    ]
    assert ("checked" in checkbox) is award


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount_excl_tax", "99 999 999 999", "Ce nombre est trop grand."),
        ("amount_excl_tax", "1000,555", "Saisissez au plus 2 décimales."),
        ("rate", "5,1234", "Saisissez au plus 2 décimales."),
        ("penalty_cap", "1" * 30, "Ce nombre est trop grand."),
    ],
)
def test_numbers_that_do_not_fit_the_columns_are_refused(login_as, db, field, value, message):
    market = make_market()
    data = lot_data(**{field: value}, penalty_kind="fixed_per_hour", penalty_value="40")
    response = login_as(make_admin()).post_form(f"/marches/{market.id}/lots/nouveau", data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert db.session.scalar(select(Lot.id)) is None
