"""The typed row reader (portal.documents.rows): real-world files, per-row French errors,
and files that must not be opened (zip bombs, XML entities)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from defusedxml import EntitiesForbidden

from portal.documents.rows import (
    Field,
    Limits,
    UnreadableFile,
    decode,
    header_key,
    read_cell,
    read_rows,
)
from portal.documents.spreadsheets import Column, Sheet, csv_bytes, xlsx_bytes

DATA = Path(__file__).resolve().parents[1] / "data" / "rows"

STATEMENT = (
    Field("last_name", "Nom"),
    Field("first_name", "Prénom"),
    Field("month", "Mois", "month"),
    Field("hours", "Heures réalisées", "hours"),
    Field("hired_on", "Date d'embauche", "date", aliases=("Date embauche",)),
    Field("comment", "Commentaire", required=False),
)


def xlsx(rows, *, formulas: dict[str, tuple[str, object]] | None = None) -> bytes:
    """A workbook as Excel saves it; ``formulas`` puts a formula with its last computed
    value in a cell (``{"D2": ("B2*2", 24)}``), which openpyxl cannot write by itself."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    for ref, (formula, value) in (formulas or {}).items():
        data = _patch_sheet(
            data,
            lambda xml, ref=ref, formula=formula, value=value: re.sub(
                rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)',
                f'<c r="{ref}"><f>{formula}</f><v>{value}</v></c>',
                xml,
            ),
        )
    return data


def _patch_sheet(data: bytes, change, name="xl/worksheets/sheet1.xml") -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == name:
                content = change(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


# --- real-world files -----------------------------------------------------------------------


def test_a_french_excel_csv_with_a_title_row_and_errors():
    """Windows-1252, « ; », CRLF, a title row and a blank line above the header, empty
    trailing cells, French decimals, an unused column, two bad rows."""
    data = (DATA / "releve-excel-fr.csv").read_bytes()
    result = read_rows(data, "releve-excel-fr.csv", STATEMENT)
    assert [(row.line, row["last_name"], row["first_name"]) for row in result.rows] == [
        (4, "Lefèvre", "Zoé"),
        (5, "Cœur", "Aïssata"),
    ]
    first, second = (row.values for row in result.rows)
    assert first["month"] == date(2026, 3, 1)
    assert first["hours"] == Decimal("151.67")
    assert first["hired_on"] == date(2026, 3, 2)
    assert first["comment"] == "Embauche en CDDI"
    assert second["hours"] == Decimal("1250.5") and second["comment"] is None
    assert [str(error) for error in result.errors] == [
        "Ligne 7, colonne « Heures réalisées » : « abc » n'est pas un nombre "
        "(écrivez par exemple 1 250,50).",
        "Ligne 7, colonne « Date d'embauche » : « 31/02/2026 » n'est pas une date "
        "(écrivez par exemple 25/11/2026).",
        "Ligne 8, colonne « Mois » : la cellule est vide.",
    ]
    assert not result.ok


def test_a_utf8_csv_with_bom_commas_and_headers_in_another_order():
    data = (DATA / "export-utf8-bom-virgule.csv").read_bytes()
    result = read_rows(data, "export.CSV", STATEMENT)
    assert result.ok
    assert [row.values for row in result.rows] == [
        {
            "last_name": "Lefèvre",
            "first_name": "Zoé",
            "month": date(2026, 3, 1),
            "hours": Decimal("151.67"),
            "hired_on": date(2026, 3, 2),
            "comment": "=1+1 recopié, tel quel",
        },
        {
            "last_name": "Bernard",
            "first_name": "Éloïse",
            "month": date(2026, 3, 1),
            "hours": Decimal("1250.50"),
            "hired_on": date(2026, 1, 15),
            "comment": "=SOMME(A1:A2)",  # the export's neutralising apostrophe is dropped
        },
    ]


def test_an_xlsx_as_excel_saves_it():
    """Headers in another order and case, a title row, date cells, an Excel serial, a
    month typed in words, a float with binary noise, a formula's computed value, blank and
    missing rows."""
    data = xlsx(
        [
            ["Relevé de mars 2026"],
            [],
            ["HEURES RÉALISÉES", "nom", "Prénom", "date d'embauche", "Mois", "Autre"],
            [151.67, "Lefèvre", "Zoé", datetime(2026, 3, 2), "mars 2026", "x"],
            [0.1 + 0.2, "Cœur", "Aïssata", 46068, "03/2026", None],
            [None, None, None, None, None, None],
            [12, "Petit", "Noé", "2026-03-04", datetime(2026, 3, 17), None],
        ],
        formulas={"A7": ("6*2", 12)},
    )
    result = read_rows(data, "Relevé.xlsx", STATEMENT)
    assert result.ok, [str(e) for e in result.errors]
    assert [(row.line, row["last_name"]) for row in result.rows] == [
        (4, "Lefèvre"),
        (5, "Cœur"),
        (7, "Petit"),
    ]
    assert [row["hours"] for row in result.rows] == [
        Decimal("151.67"),
        Decimal("0.30"),
        Decimal("12"),
    ]
    assert [row["hired_on"] for row in result.rows] == [
        date(2026, 3, 2),
        date(2026, 2, 15),  # serial 46068
        date(2026, 3, 4),
    ]
    assert {row["month"] for row in result.rows} == {date(2026, 3, 1)}


def test_our_own_exports_read_back():
    """The writer's kinds read back as they were written, in CSV and in XLSX."""
    columns = (Column("Nom"), Column("Montant (€)", "money"), Column("Le", "date"))
    rows = [["=Danger", Decimal("1250.50"), date(2026, 11, 25)]]
    fields = (
        Field("name", "Nom"),
        Field("amount", "Montant (€)", "money"),
        Field("on", "Le", "date"),
    )
    expected = [{"name": "=Danger", "amount": Decimal("1250.50"), "on": date(2026, 11, 25)}]
    from_csv = read_rows(csv_bytes(columns, rows), "export.csv", fields)
    from_xlsx = read_rows(xlsx_bytes([Sheet("Export", columns, rows)]), "export.xlsx", fields)
    assert [row.values for row in from_csv.rows] == expected
    assert [row.values for row in from_xlsx.rows] == expected


# --- whole-file refusals ----------------------------------------------------------------


def test_a_missing_required_column_is_named_in_french():
    data = "Nom;Prénom;Heures\nLefèvre;Zoé;12\n".encode()
    with pytest.raises(UnreadableFile) as refused:
        read_rows(data, "a.csv", STATEMENT)
    assert str(refused.value) == (
        "Les colonnes « Mois », « Heures réalisées », « Date d'embauche » sont introuvables : "
        "la première ligne du tableau doit porter les noms des colonnes."
    )
    assert isinstance(refused.value, ValueError)
    one = (Field("name", "Nom"), Field("hours", "Heures", "hours"))
    with pytest.raises(UnreadableFile, match=r"^La colonne « Heures » est introuvable"):
        read_rows(b"Nom;Total\nA;1\n", "a.csv", one)


def test_an_optional_column_may_be_missing():
    fields = (Field("name", "Nom"), Field("comment", "Commentaire", required=False))
    result = read_rows(b"nom\nA\n", "a.csv", fields)
    assert [row.values for row in result.rows] == [{"name": "A", "comment": None}]


def test_a_column_given_twice_is_refused():
    with pytest.raises(UnreadableFile, match="« Nom » apparaît 2 fois"):
        read_rows(b"Nom;NOM\nA;B\n", "a.csv", (Field("name", "Nom"),))


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "vide.csv", "Ce fichier est vide"),
        (b"\n;;\n", "vide.csv", "Ce fichier est vide"),
        (b"Nom\nA\n", "a.xlsx", "n'est pas un classeur Excel"),
        (b"PK\x03\x04garbage", "a.csv", "c'est un classeur Excel"),
        (b"PK\x03\x04garbage", "a.xlsx", "endommagé"),
        (b"Nom\n", "a.xls", "Excel 97-2003"),
        (b"Nom\n", "a.ods", "CSV ou un classeur Excel"),
        (b"Nom\x00\n", "a.csv", "caractères nuls"),
        (b'Nom\n"A\n', "a.csv", "guillemet"),
    ],
)
def test_files_that_cannot_be_read(data, filename, message):
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        read_rows(data, filename, (Field("name", "Nom"),))


def test_too_many_rows():
    data = b"Nom\n" + b"A\n" * 4
    with pytest.raises(UnreadableFile, match="plus de 3 lignes"):
        read_rows(data, "a.csv", (Field("name", "Nom"),), limits=Limits(max_rows=3))


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    workbook = xlsx([["Nom"], ["A"]])
    bomb = io.BytesIO(workbook)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))
    assert len(bomb.getvalue()) < 100_000  # three megabytes of zeros weigh a few kilobytes
    with pytest.raises(UnreadableFile, match="décompressé occupe 3 Mo, au-delà des 2 Mo"):
        read_rows(
            bomb.getvalue(),
            "a.xlsx",
            (Field("name", "Nom"),),
            limits=Limits(max_uncompressed=2 * 1024 * 1024),
        )


def test_too_many_parts_are_refused():
    many = io.BytesIO(xlsx([["Nom"], ["A"]]))
    with zipfile.ZipFile(many, "a") as archive:
        for n in range(30):
            archive.writestr(f"xl/extra/{n}.bin", b"")
    with pytest.raises(UnreadableFile, match="éléments internes, au-delà des 20 permis"):
        read_rows(many.getvalue(), "a.xlsx", (Field("name", "Nom"),), limits=Limits(max_parts=20))


def test_the_default_limits_come_from_the_settings(app):
    limits = Limits.from_config(app.config)
    assert limits == Limits(20_000, 500, 50 * 1024 * 1024)
    assert Limits.from_config({"IMPORT_MAX_ROWS": "7"}).max_rows == 7


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)


def _with_entities(data: bytes, part: str) -> bytes:
    """The part with a DTD declaring entities, and the cell's text an entity."""

    def change(xml: str) -> str:
        body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
        return LAUGHS + body.replace("<t>A</t>", "<t>&lol2;</t>")

    return _patch_sheet(data, change, part)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_xml_entities_are_refused(part):
    hostile = _with_entities(xlsx([["Nom"], ["A"]]), part)
    with pytest.raises(UnreadableFile, match="entités"):
        read_rows(hostile, "a.xlsx", (Field("name", "Nom"),))


def test_openpyxl_parses_through_defusedxml():
    """Behind our own check, openpyxl refuses entities too: defusedxml is installed and
    used (openpyxl picks it up by itself when it can import it)."""
    assert openpyxl.DEFUSEDXML is True
    hostile = _with_entities(xlsx([["Nom"], ["A"]]), "xl/worksheets/sheet1.xml")
    with pytest.raises(ValueError, match="Unable to read workbook") as refused:
        openpyxl.load_workbook(io.BytesIO(hostile), read_only=True, data_only=True)
    assert isinstance(refused.value.__cause__ or refused.value.__context__, EntitiesForbidden)


# --- cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("int", "1 250", 1250),
        ("int", 12.0, 12),
        ("decimal", "1 250,5", Decimal("1250.5")),
        ("money", "1250.50 €", Decimal("1250.50")),
        ("hours", 35, Decimal("35.00")),
        ("date", "25/11/2026", date(2026, 11, 25)),
        ("date", "25/11/26", date(2026, 11, 25)),
        ("date", "25.11.2026", date(2026, 11, 25)),
        ("date", "2026-11-25", date(2026, 11, 25)),
        ("date", "2026-11-25 00:00:00", date(2026, 11, 25)),
        ("date", 46351, date(2026, 11, 25)),
        ("date", "46351", date(2026, 11, 25)),
        ("date", datetime(2026, 11, 25, 14, 30), date(2026, 11, 25)),
        ("month", "03/2026", date(2026, 3, 1)),
        ("month", "3/2026", date(2026, 3, 1)),
        ("month", "2026-03", date(2026, 3, 1)),
        ("month", "Février 2026", date(2026, 2, 1)),
        ("month", "aout 2026", date(2026, 8, 1)),
        ("month", "15/03/2026", date(2026, 3, 1)),
        ("month", datetime(2026, 3, 15), date(2026, 3, 1)),
        ("bool", "Oui", True),
        ("bool", "non", False),
        ("text", 12345678900011.0, "12345678900011"),
        ("text", "  Zoé  ", "Zoé"),
    ],
)
def test_cells_read_as_their_kind(kind, value, expected):
    assert read_cell(value, Field("x", "X", kind)) == expected


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("int", "²", "n'est pas un nombre entier"),
        ("int", "١٢", "n'est pas un nombre entier"),
        ("int", 1.5, "n'est pas un nombre entier"),
        ("decimal", "1.250,50", "n'est pas un nombre"),
        ("decimal", "١٢", "n'est pas un nombre"),
        ("hours", "1,234", "plus de 2 décimales"),
        ("hours", 1.234, "plus de 2 décimales"),
        ("money", "99999999999", "trop grand"),
        ("date", "31/02/2026", "n'est pas une date"),
        ("date", "demain", "n'est pas une date"),
        ("date", 0, "n'est pas une date"),
        ("month", "13/2026", "n'est pas un mois"),
        ("month", "brumaire 2026", "n'est pas un mois"),
        ("bool", "peut-être", "répondez par oui ou non"),
    ],
)
def test_bad_cells_say_why_in_french(kind, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_cell(value, Field("x", "X", kind))


def test_long_text_and_blank_cells():
    with pytest.raises(ValueError, match="dépasse 3 caractères"):
        read_cell("abcd", Field("x", "X", max_length=3))
    with pytest.raises(ValueError, match="la cellule est vide"):
        read_cell("  ", Field("x", "X"))
    assert read_cell("", Field("x", "X", "hours", required=False)) is None


def test_headers_compare_without_accents_case_spaces_or_punctuation():
    assert header_key(" N° SIRET de l'employeur ") == header_key("n siret de lemployeur")
    assert header_key("Heures réalisées") == "heuresrealisees"
    assert Field("h", "Heures", aliases=("Nb d'heures",)).keys == {"heures", "nbdheures"}


def test_encodings():
    assert decode("Zoé".encode()) == "Zoé"
    assert decode("\ufeffZoé".encode()) == "Zoé"
    assert decode("Cœur €".encode("cp1252")) == "Cœur €"
    with pytest.raises(UnreadableFile, match="encodage"):
        decode(b"\x81\x8d\x8f\x90\x9d\xff\xfe")


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown column kind"):
        Field("x", "X", "float")


def test_a_reader_rejects_rows_that_break_its_own_rules():
    """What a statement reader does on top: a row that reads well but breaks a rule moves
    to the errors, in file order."""
    fields = (Field("name", "Nom"), Field("hours", "Heures", "hours"))
    result = read_rows(b"Nom;Heures\nA;12\nB;abc\nC;400\n", "a.csv", fields)
    for row in list(result.rows):
        if row["hours"] > 200:
            result.reject(row, "plus de 200 heures dans le mois.", "Heures")
    assert [row["name"] for row in result.rows] == ["A"]
    assert [str(error) for error in result.errors] == [
        "Ligne 3, colonne « Heures » : « abc » n'est pas un nombre (écrivez par exemple 1 250,50).",
        "Ligne 4, colonne « Heures » : plus de 200 heures dans le mois.",
    ]
