"""The observatory files (issue 12; docs/domain.md §9; convention annexe 2): header rows
equal to the documented columns, the anonymised file without names or birth dates and
with a stable identifier, refused lines absent, scoping, the audit line of the identified
file, and the half-year aggregates against hand-computed figures."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from portal.models import AuditEvent
from portal.observatory import columns, queries
from tests.conftest import words_of
from tests.observatory.builders import territory
from tests.personas import build_world

NAMES = ("Lefèvre", "Paule", "Quentel", "Quentin", "Rosier", "Rose")


@pytest.fixture
def world(db):
    world = build_world()
    world.territory = territory(world)
    return world


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    data = response.get_data()
    assert data.startswith("\ufeff".encode())  # UTF-8 BOM, as French Excel opens it
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _reach(user) -> queries.Reach:
    from portal.access import scoped
    from portal.models import Lot, SubcontractorShare

    return queries.Reach(
        scoped(Lot, user).with_only_columns(Lot.id),
        scoped(SubcontractorShare, user).with_only_columns(SubcontractorShare.id),
    )


def _audits(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_anonymised_file_has_the_documented_columns_and_no_identity(world, login_as):
    client = login_as(world.users["facilitator"])
    rows = _csv(client.export("/observatoire/fichier/anonyme.csv?annee=2026"))
    assert rows[0] == [c.header for c in columns.line_columns(identified=False)]
    body = "\n".join(";".join(row) for row in rows)
    assert not any(name in body for name in NAMES)
    assert "1990" not in body and "17/05" not in body  # no birth date
    assert "disabled_worker" not in body  # health data: the AMOI's identified file only
    assert len(rows) == 1 + 5  # five validated lines, the refused one is absent
    head = rows[0]
    person, lot, hours = (
        head.index("identifiant_pseudonyme"),
        head.index("numero_lot"),
        head.index("heures"),
    )
    month = head.index("mois")
    lines = {(row[lot], row[month], row[hours]): row for row in rows[1:]}
    t = world.territory
    paule_a1 = lines[(str(t.a1.number), "2026-01", "100,00")]
    paule_a2 = lines[(str(t.a2.number), "2026-03", "30,00")]
    quentin = lines[(str(t.a1.number), "2026-01", "70,00")]
    assert paule_a1[person] == paule_a2[person]  # the same person keeps her identifier
    assert paule_a1[person] == lines[(str(t.a1.number), "2026-02", "50,00")][person]
    assert (
        len(
            {
                paule_a1[person],
                quentin[person],
                lines[(str(t.b1.number), "2026-08", "20,00")][person],
            }
        )
        == 3
    )
    assert sum(1 for row in rows[1:] if row[month] == "2026-02") == 1  # not Quentin's refused


def test_the_identified_file_is_the_amoi_s_and_is_audited(world, login_as, db):
    client = login_as(world.users["facilitator"])
    rows = _csv(client.export("/observatoire/fichier/nominatif.csv?annee=2026&semestre=1"))
    assert rows[0] == [c.header for c in columns.line_columns(identified=True)]
    assert len(rows) == 1 + 4  # the first half-year: Rose's August line is out
    body = "\n".join(";".join(row) for row in rows)
    assert "Lefèvre" in body and "17/05/1990" in body and "disabled_worker" in body
    [event] = _audits(db, "export.observatory_identified")
    assert "rows=4" in event.detail and "Lefèvre" not in event.detail
    for persona in ("buyer_ccvg", "buyer_commune"):
        answer = login_as(world.users[persona]).post_form(
            "/observatoire/fichier/nominatif.csv?annee=2026"
        )
        assert answer.status_code == 403


def test_the_xlsx_file_has_the_same_header(world, login_as):
    response = login_as(world.users["facilitator"]).export(
        "/observatoire/fichier/anonyme.xlsx?annee=2026"
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in columns.line_columns(identified=False)]
    assert len(rows) == 6


def test_a_commune_gets_its_own_operations_lines_only(world, login_as):
    rows = _csv(
        login_as(world.users["buyer_commune"]).export(
            "/observatoire/fichier/anonyme.csv?annee=2026"
        )
    )
    buyer = rows[0].index("acheteur")
    assert {row[buyer] for row in rows[1:]} == {world.commune.name}
    assert len(rows) == 1 + 4
    other = _csv(
        login_as(world.others["buyer_commune"]).export(
            "/observatoire/fichier/anonyme.csv?annee=2026"
        )
    )
    assert {row[buyer] for row in other[1:]} == {world.other_commune.name}
    ccvg = _csv(
        login_as(world.users["buyer_ccvg"]).export("/observatoire/fichier/anonyme.csv?annee=2026")
    )
    assert len(ccvg) == 1 + 5  # the whole territory


@pytest.mark.parametrize("persona", ["company", "structure", "prescriber"])
def test_others_have_no_observatory(world, login_as, persona):
    client = login_as(world.users[persona])
    assert client.get("/observatoire/").status_code == 403
    assert client.get("/observatoire/semestre").status_code == 403
    assert client.post_form("/observatoire/fichier/anonyme.csv").status_code == 403


def test_the_pseudonym_is_stable_and_keyed(app):
    with app.app_context():
        assert queries.pseudonym(7) == queries.pseudonym(7)
        assert queries.pseudonym(7) != queries.pseudonym(8)
        assert queries.pseudonym(7, "another key") != queries.pseudonym(7)
        assert len(queries.pseudonym(7)) == 16


def test_the_half_year_aggregates_match_the_hand_computed_figures(world):
    lots = _reach(world.users["facilitator"])
    first = {(g.buyer, g.trade): g for g in queries.semester(lots, 2026, 1)}
    masonry = first[(world.commune.name, "masonry")]
    assert (masonry.hours, masonry.training, masonry.people) == (Decimal("220"), Decimal("10"), 2)
    assert (masonry.women, masonry.men, masonry.under_26, masonry.from_26_to_49) == (1, 1, 1, 1)
    assert (masonry.from_50, masonry.qpv, masonry.unqualified) == (0, 1, 1)
    assert masonry.exits == {"durable": 1} and masonry.dynamic_rate == Decimal("100.00")
    painting = first[(world.commune.name, "interior_painting")]
    assert (painting.hours, painting.people, painting.exits) == (Decimal("30"), 1, {"other": 1})
    assert painting.dynamic_rate == Decimal("0.00")
    assert set(first) == {
        (world.commune.name, "masonry"),
        (world.commune.name, "interior_painting"),
    }
    [beta] = queries.semester(lots, 2026, 2)
    assert (beta.buyer, beta.hours, beta.people, beta.exits) == (
        world.other_commune.name,
        Decimal("20"),
        1,
        {"neutralised": 1},
    )
    assert beta.dynamic_rate is None  # neutralised exits only
    assert masonry.fte == Decimal("0.12")  # 220 ÷ 1 820


def test_the_semester_page_and_its_files(world, login_as, db):
    client = login_as(world.users["buyer_commune"])
    page = words_of(client.get("/observatoire/semestre?annee=2026&semestre=1"))
    assert "220 h" in page and "100 %" in page
    assert world.other_commune.name not in page
    rows = _csv(client.get("/observatoire/semestre/export.csv?annee=2026&semestre=1"))
    assert rows[0] == [c.header for c in columns.SEMESTER_COLUMNS]
    assert len(rows) == 3 and rows[1][0] == "2026-S1"
    xlsx = client.get("/observatoire/semestre/export.xlsx?annee=2026&semestre=1")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.get_data())).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == rows[0]
    assert _audits(db, "export.observatory_semester")


def test_the_columns_page_documents_every_column_and_code(world, login_as):
    page = words_of(login_as(world.users["buyer_ccvg"]).get("/observatoire/colonnes"))
    for column in (*columns.LINE_COLUMNS, *columns.SEMESTER_COLUMNS):
        assert column.header in page
        for code, label in column.codes:
            assert code in page and label.split()[0] in page


def test_the_index_offers_the_identified_file_to_the_amoi_only(world, login_as):
    assert "Fichier nominatif" in words_of(
        login_as(world.users["facilitator"]).get("/observatoire/")
    )
    assert "Fichier nominatif" not in words_of(
        login_as(world.users["buyer_ccvg"]).get("/observatoire/")
    )


def test_the_period_of_a_half_year():
    assert queries.period(2026, 1) == (date(2026, 1, 1), date(2026, 6, 30))
    assert queries.period(2026, 2) == (date(2026, 7, 1), date(2026, 12, 31))
    assert queries.period(2026, None) == (date(2026, 1, 1), date(2026, 12, 31))


def test_an_anonymised_person_still_counts(world, db):
    from datetime import UTC, datetime

    from portal.privacy.anonymisation import REASONS, anonymise_participant

    quentin = world.territory.quentin.participant
    anonymise_participant(quentin, None, next(iter(REASONS)), datetime(2026, 12, 1, tzinfo=UTC))
    db.session.commit()
    lots = _reach(world.users["facilitator"])
    masonry = {(g.buyer, g.trade): g for g in queries.semester(lots, 2026, 1)}[
        (world.commune.name, "masonry")
    ]
    assert (masonry.hours, masonry.people, masonry.men, masonry.under_26) == (
        Decimal("220"),
        2,
        1,
        1,
    )
    rows = list(queries.line_rows(lots, date(2026, 1, 1), date(2026, 6, 30), identified=False))
    assert len(rows) == 4


def _share_line(world):
    """A TCE share of a commune Alpha operation, on masonry, with 40 validated hours in
    March 2026 of a person hired by the company carrying it."""
    from portal.extensions import db
    from portal.models import SubcontractorShare
    from tests.factories import make_market, make_operation
    from tests.people.builders import identity
    from tests.statements.builders import hour_line
    from tests.statements.grid_builders import direct_hire

    operation = make_operation(
        world.commune,
        name="Médiathèque",
        is_tce=True,
        tce_hours=1000,
        general_contractor=world.company,
    )
    make_market(operation, reference="2026-TCE-001")
    share = SubcontractorShare(
        operation=operation, company=world.company, trade="masonry", amount_excl_tax=Decimal("1")
    )
    db.session.add(share)
    db.session.commit()
    placement = direct_hire(
        world.company, share=share, who=identity(last_name="Tessier", first_name="Théo")
    )
    hour_line(placement, date(2026, 3, 1), "40")
    db.session.commit()
    return placement


def test_a_tce_share_s_lines_are_in_the_files_of_its_operation_s_buyer(world, login_as):
    _share_line(world)
    client = login_as(world.users["facilitator"])
    rows = _csv(client.export("/observatoire/fichier/anonyme.csv?annee=2026"))
    head = rows[0]
    share_rows = [row for row in rows[1:] if row[head.index("heures")] == "40,00"]
    assert len(rows) == 1 + 6 and len(share_rows) == 1
    [row] = share_rows
    assert row[head.index("numero_lot")] == ""
    assert row[head.index("intitule_lot")] == "Part TCE Maçonnerie / gros œuvre"
    assert row[head.index("reference_marche")] == "2026-TCE-001"
    assert row[head.index("mois")] == "2026-03"
    # the half-year adds the share's hours and person to the buyer's masonry
    masonry = {
        (g.buyer, g.trade): g for g in queries.semester(_reach(world.users["facilitator"]), 2026, 1)
    }[(world.commune.name, "masonry")]
    assert (masonry.hours, masonry.people) == (Decimal("260"), 3)
    # its commune gets them, the other commune does not
    from tests.factories import make_user

    own = _csv(login_as(world.users["buyer_commune"]).export(URL))
    assert any("Part TCE" in ";".join(r) for r in own)
    other = _csv(login_as(make_user(world.other_commune)).export(URL))
    assert len(other) == 2 and not any("Part TCE" in ";".join(r) for r in other)  # Rose's


URL = "/observatoire/fichier/anonyme.csv?annee=2026"
