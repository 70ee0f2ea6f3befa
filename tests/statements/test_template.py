"""The downloadable statement templates (portal.statements.template, docs/domain.md §7)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from portal.statements.reader import HEADERS, read_statement
from portal.statements.template import EXAMPLE, template_csv, template_xlsx

EXPECTED = (
    2,
    "EXEMPLE",
    "Fictif",
    date(1990, 1, 1),
    "LOT-EXEMPLE",
    date(2026, 3, 1),
    Decimal("151.67"),
    Decimal("7.00"),
)


def _fields(row):
    return (
        row.line,
        row.last_name,
        row.first_name,
        row.birth_date,
        row.lot,
        row.month,
        row.hours,
        row.training_hours,
    )


def test_the_csv_template_is_french_excel_csv_with_the_columns_and_one_example():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == [
        "Nom;Prénom;Date de naissance;Lot;Mois;Heures travaillées;Dont heures de formation",
        "EXEMPLE;Fictif;01/01/1990;LOT-EXEMPLE;03/2026;151,67;7,00",
    ]


def test_the_xlsx_template_has_typed_cells():
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert rows[1] == (
        "EXEMPLE",
        "Fictif",
        datetime(1990, 1, 1),
        "LOT-EXEMPLE",
        "03/2026",
        151.67,
        7,
    )
    assert sheet["C2"].number_format == "DD/MM/YYYY"
    assert sheet["F2"].number_format == "#,##0.00"  # 151,67 shown, not rounded to 152


def test_both_templates_read_back_as_their_example_line():
    for data, name in ((template_csv(), "modele.csv"), (template_xlsx(), "modele.xlsx")):
        statement = read_statement(data, name)
        assert statement.errors == [], name
        assert [_fields(row) for row in statement.rows] == [EXPECTED], name


def test_the_example_person_is_clearly_fictitious():
    assert EXAMPLE[0] == "EXEMPLE" and EXAMPLE[3] == "LOT-EXEMPLE"
