"""Exports for French Excel (docs/architecture.md §7)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal.documents.spreadsheets import Column, Sheet, csv_bytes, neutralise, xlsx_bytes

COLUMNS = (
    Column("Nom"),
    Column("Montant", "money"),
    Column("Date", "date"),
    Column("Heures", "hours"),
)
ROWS = [("=1+1", Decimal("1250.5"), date(2026, 11, 25), 833), ("Café « crème »", None, None, None)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+33 4 78", "'+33 4 78"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("Brignais", "Brignais"),
        (12, 12),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_csv_is_french_excel():
    data = csv_bytes(COLUMNS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Nom;Montant;Date;Heures"
    assert lines[1] == "'=1+1;1250,50;25/11/2026;833"
    assert lines[2] == "Café « crème »;;;"


def test_xlsx_keeps_numbers_dates_and_formats():
    workbook = load_workbook(io.BytesIO(xlsx_bytes([Sheet("Lots", COLUMNS, ROWS)])))
    sheet = workbook["Lots"]
    assert [c.value for c in sheet[1]] == ["Nom", "Montant", "Date", "Heures"]
    name, amount, day, hours = sheet[2]
    assert name.value == "'=1+1"
    assert amount.value == 1250.5 and amount.number_format == '#,##0.00 "€"'
    assert day.value.date() == date(2026, 11, 25) and day.number_format == "DD/MM/YYYY"
    assert hours.value == 833
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"


@pytest.mark.parametrize(
    ("content_type"),
    [
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)
def test_downloads_say_their_content_type_as_given(app, content_type):
    from portal.documents.spreadsheets import download

    response = download(b"x", "f.csv", content_type)
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Type"].count("charset") <= 1
