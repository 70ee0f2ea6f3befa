"""Exports of the placements: the same scoping as the screens, never a name for buyers,
an audit line for every export (portal/placements/views.py)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.models import AuditEvent
from tests.conftest import words_of
from tests.factories import make_lot
from tests.people.builders import make_placement
from tests.personas import build_world


def _csv(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def placed(db):
    world = build_world()
    own = make_placement(world.company)
    other_company = make_placement(world.other_company)
    structure = make_placement(world.structure)
    return world, own, other_company, structure


def test_a_company_exports_only_its_own_people(login_as, placed, db):
    world, own, other_company, structure = placed
    body = _csv(login_as(world.users["company"]).get("/embauches/export.csv"))
    assert own.participant.last_name.upper() in body
    assert other_company.participant.last_name.upper() not in body
    assert structure.participant.last_name.upper() not in body
    # another company's lot or employer as a filter: an empty file, as on screen
    body = _csv(
        login_as(world.users["company"]).get(
            f"/embauches/export.csv?lot={other_company.lot_id}&organisation={world.other_company.id}"
        )
    )
    assert other_company.participant.last_name.upper() not in body
    assert len(body.strip().splitlines()) == 1  # the header only


def test_a_structure_exports_only_its_own_people(login_as, placed):
    world, own, _other_company, structure = placed
    body = _csv(login_as(world.users["structure"]).get("/embauches/export.csv"))
    assert structure.participant.last_name.upper() in body
    assert own.participant.last_name.upper() not in body


def test_the_amoi_exports_everyone_or_one_lot_or_one_employer(login_as, placed):
    world, own, other_company, structure = placed
    client = login_as(world.users["facilitator"])
    body = _csv(client.get("/embauches/export.csv"))
    for p in (own, other_company, structure):
        assert p.participant.last_name.upper() in body
    by_lot = _csv(client.get(f"/embauches/export.csv?lot={own.lot_id}"))
    assert own.participant.last_name.upper() in by_lot
    assert other_company.participant.last_name.upper() not in by_lot
    by_org = _csv(client.get(f"/embauches/export.csv?organisation={world.structure.id}"))
    assert structure.participant.last_name.upper() in by_org
    assert own.participant.last_name.upper() not in by_org


def test_the_export_never_holds_criteria(login_as, placed):
    world, _own, *_ = placed
    body = _csv(login_as(world.users["facilitator"]).get("/embauches/export.csv"))
    assert "RSA" not in body and "rsa" not in body
    assert "Critère" not in body


def test_the_xlsx_export_has_real_dates_and_hours(login_as, placed):
    world, own, *_ = placed
    response = login_as(world.users["company"]).get(f"/embauches/export.xlsx?lot={own.lot_id}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Marché", "Lot", "Employeur", "Personne"]
    row = [c.value for c in sheet[2]]
    assert own.participant.last_name.upper() in row[3]
    assert row[8].year == 2026 and float(row[11]) == 35.0


@pytest.mark.parametrize("persona", ["buyer_ccvg", "buyer_commune"])
def test_buyers_never_export_names(login_as, placed, persona, db):
    world, own, other_company, structure = placed
    client = login_as(world.users[persona])
    assert client.get("/embauches/export.csv").status_code == 403
    assert client.get("/embauches/export.xlsx").status_code == 403
    counts = _csv(client.get("/embauches/effectifs.csv"))
    for p in (own, other_company, structure):
        assert p.participant.last_name.upper() not in counts
        assert p.participant.first_name not in counts
    page = words_of(client.get("/embauches/exports"))
    assert "Effectifs par lot, sans aucun nom" in page
    assert "Embauches, avec les noms" not in page


def test_counts_per_lot_follow_the_lots_the_buyer_sees(login_as, db):
    world = build_world()
    from tests.factories import make_market, make_operation

    commune_lot = make_lot(make_market(make_operation(world.commune)), holder=world.company)
    other_lot = make_lot(make_market(make_operation(world.other_commune)), holder=world.company)
    make_placement(world.company, lot=commune_lot)
    make_placement(world.company, lot=commune_lot)
    make_placement(world.company, lot=other_lot)
    body = _csv(login_as(world.users["buyer_commune"]).get("/embauches/effectifs.csv"))
    lines = body.strip().splitlines()
    assert len(lines) == 2  # the header and the commune's lot
    cells = lines[1].split(";")
    assert commune_lot.market.reference in cells[0]
    assert cells[2:4] == ["2", "2"]  # people, placements
    assert other_lot.market.reference not in body


def test_every_export_is_audited_without_values(login_as, placed, db):
    world, own, *_ = placed
    client = login_as(world.users["company"])
    client.get(f"/embauches/export.csv?lot={own.lot_id}")
    [event] = _events(db, "export.placements")
    assert (event.object_type, event.object_id) == ("export", "csv")
    assert event.detail == f"rows=1 lot={own.lot_id} organisation="
    assert event.actor_id == world.users["company"].id
    client.get("/embauches/effectifs.xlsx")
    [counts] = _events(db, "export.placement_counts")
    assert counts.object_id == "xlsx" and counts.detail.startswith("rows=")


def test_an_unknown_format_is_a_404(login_as, placed):
    world, *_ = placed
    assert login_as(world.users["facilitator"]).get("/embauches/export.pdf").status_code == 404


def test_the_export_page_offers_the_lots_and_employers_in_reach(login_as, placed):
    world, own, other_company, _structure = placed
    company_page = login_as(world.users["company"]).get("/embauches/exports").get_data(as_text=True)
    assert f'<option value="{own.lot_id}"' in company_page
    assert f'<option value="{other_company.lot_id}"' not in company_page
    assert "Employeur" not in company_page
    amoi_page = (
        login_as(world.users["facilitator"]).get("/embauches/exports").get_data(as_text=True)
    )
    assert f'<option value="{world.structure.id}"' in amoi_page
    assert f'<option value="{other_company.lot_id}"' in amoi_page


def test_the_export_has_no_n_plus_one(app, login_as, assert_max_queries, db):
    world = build_world()
    lot = make_lot(holder=world.company)
    for _ in range(2):
        make_placement(world.company, lot=lot)
    client = login_as(world.users["facilitator"])
    with assert_max_queries(12) as counter:
        client.get("/embauches/export.csv")
    small = counter.count
    for _ in range(6):
        make_placement(world.company, lot=lot)
    with assert_max_queries(small):
        client.get("/embauches/export.csv")
