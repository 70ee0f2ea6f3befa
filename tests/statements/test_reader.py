"""Reading monthly hour statements (portal.statements.reader, docs/domain.md §7) from the
real-world-shaped and hostile files of tests/data/statements (written by make_files.py)."""

from __future__ import annotations

import io
import re
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from defusedxml import EntitiesForbidden

from portal.statements.reader import (
    FIELDS,
    Limits,
    StatementError,
    StatementRow,
    UnreadableFile,
    read_statement,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "statements"
HEADER = "Nom;Prénom;Date de naissance;Lot;Mois;Heures travaillées;Dont heures de formation\n"

ZOE = ("Lefèvre", "Zoé", date(1988, 7, 14), "2026-014 lot 3", date(2026, 3, 1))
AISSATA = ("Cœur", "Aïssata", date(2001, 2, 2), "2026-014 lot 3", date(2026, 3, 1))


def read(name: str, **options):
    return read_statement((DATA / name).read_bytes(), name, **options)


def people(statement):
    return [
        (row.line, row.last_name, row.first_name, row.birth_date, row.lot, row.month)
        for row in statement.rows
    ]


def hours(statement):
    return [(row.hours, row.training_hours) for row in statement.rows]


def csv(text: str, name="releve.csv", encoding="utf-8", **options):
    return read_statement(text.encode(encoding), name, **options)


# --- real-world files --------------------------------------------------------------------


def test_french_excel_csv_in_windows_1252():
    """« ; », CRLF, a title row and blank lines, headers in capitals without accents,
    decimal commas, the optional column empty; lines numbered as the file's."""
    statement = read("paie-cp1252-point-virgule.csv")
    assert statement.errors == []
    assert people(statement) == [
        (4, *ZOE),
        (6, *AISSATA),
        (8, "N'Diaye", "Jean-Noël", date(1975, 11, 30), "2026-014 lot 1", date(2026, 3, 1)),
    ]
    assert hours(statement) == [
        (Decimal("151.67"), Decimal("7.00")),
        (Decimal("80.00"), Decimal("0.00")),
        (Decimal("35.50"), Decimal("0.00")),
    ]
    assert all(isinstance(row, StatementRow) for row in statement.rows)


def test_utf8_csv_with_bom_commas_quoted_decimals_and_columns_in_another_order():
    statement = read("export-utf8-bom-virgule.csv")
    assert statement.ok
    assert people(statement) == [(2, *ZOE), (3, *AISSATA)]
    assert hours(statement) == [
        (Decimal("151.67"), Decimal("12.50")),
        (Decimal("80.00"), Decimal("0.00")),
    ]


def test_tab_separated_utf8_without_bom_with_serials_and_dates_for_months():
    """No training column at all: 0. Birth dates as Excel serials, the month as any date
    in it, the decimal point."""
    statement = read("utf8-tabulations.csv")
    assert statement.ok
    assert people(statement) == [(2, *ZOE), (4, *AISSATA)]
    assert hours(statement) == [
        (Decimal("151.67"), Decimal("0.00")),
        (Decimal("80.00"), Decimal("0.00")),
    ]


def test_xlsx_with_date_cells_a_title_and_an_unknown_column():
    statement = read("releve-dates-excel.xlsx")
    assert statement.ok
    assert people(statement) == [(4, *ZOE), (6, *AISSATA)]
    assert hours(statement) == [
        (Decimal("151.67"), Decimal("7.00")),
        (Decimal("80.00"), Decimal("0.00")),
    ]


def test_xlsx_with_every_cell_typed_as_text():
    statement = read("releve-texte.xlsx")
    assert statement.ok
    assert people(statement) == [(2, *ZOE), (3, *AISSATA)]
    assert hours(statement) == [
        (Decimal("151.67"), Decimal("7.00")),
        (Decimal("80.00"), Decimal("0.00")),
    ]


def test_xlsx_with_excel_serials_as_plain_numbers_and_a_numeric_lot():
    statement = read("releve-series-excel.xlsx")
    assert statement.ok
    assert [(row.birth_date, row.month, row.lot) for row in statement.rows] == [
        (date(1988, 7, 14), date(2026, 3, 1), "3"),
        (date(2001, 2, 2), date(2026, 3, 1), "3"),
    ]


def test_headers_in_any_case_with_or_without_accents_and_extra_spaces():
    text = (
        "  DONT HEURES DE FORMATION ;heures travaillees;  mois;LOT ;date de naissance;"
        "PRENOM;  nom  ;Service\n"
        "2;10,5;03/2026;L1;01/01/1990;Léa;Martin;atelier\n"
    )
    statement = csv(text)
    assert statement.ok
    assert [(r.last_name, r.first_name, r.hours, r.training_hours) for r in statement.rows] == [
        ("Martin", "Léa", Decimal("10.50"), Decimal("2.00"))
    ]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("03/2026", date(2026, 3, 1)),
        ("3/2026", date(2026, 3, 1)),
        ("2026-03", date(2026, 3, 1)),
        ("2026-03-31", date(2026, 3, 1)),
        ("17/03/2026", date(2026, 3, 1)),
        ("mars 2026", date(2026, 3, 1)),
        ("46082", date(2026, 3, 1)),
    ],
)
def test_month_forms(month, expected):
    statement = csv(HEADER + f"A;B;01/01/1990;L1;{month};10;0\n")
    assert [row.month for row in statement.rows] == [expected]


def test_xlsx_month_as_a_date_cell_anywhere_in_the_month():
    workbook = openpyxl.Workbook()
    workbook.active.append([h.header for h in FIELDS])
    workbook.active.append(["A", "B", datetime(1990, 1, 1), "L1", datetime(2026, 3, 17), 10, 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    statement = read_statement(buffer.getvalue(), "Relevé mars.XLSX")
    assert [(row.month, row.hours, row.training_hours) for row in statement.rows] == [
        (date(2026, 3, 1), Decimal("10.00"), Decimal("1.00"))
    ]


def test_a_comma_separated_file_with_unquoted_decimal_points():
    statement = csv(
        "Nom,Prénom,Date de naissance,Lot,Mois,Heures travaillées,Dont heures de formation\n"
        "A,B,1990-01-01,L1,2026-03,151.67,\n"
    )
    assert hours(statement) == [(Decimal("151.67"), Decimal("0.00"))]


def test_a_title_row_with_commas_does_not_mislead_the_separator():
    statement = csv(
        "Relevé d'heures, mars 2026, entreprise Exemple\n"
        + HEADER
        + "A;B;01/01/1990;L1;03/2026;10;0\n"
    )
    assert [row.line for row in statement.rows] == [3]


# --- line errors -------------------------------------------------------------------------


def test_each_line_error_in_french_with_its_line():
    statement = read("erreurs-par-ligne.csv")
    assert [row.line for row in statement.rows] == [9]
    assert [(error.line, error.message) for error in statement.errors] == [
        (2, "Les heures travaillées sont négatives (−4 h)."),
        (3, "300 h travaillées dans le mois : au-delà des 250 h possibles pour une personne."),
        (
            4,
            "Les heures de formation (35 h) dépassent les heures travaillées (20 h) : elles en "
            "font partie.",
        ),
        (
            5,
            "Date de naissance : « 31/02/1990 » n'est pas une date (écrivez par exemple "
            "25/11/2026).",
        ),
        (6, "Mois : « 13/2026 » n'est pas un mois (écrivez par exemple 03/2026)."),
        (7, "Nom : la cellule est vide."),
        (8, "Heures travaillées : « douze » n'est pas un nombre (écrivez par exemple 1 250,50)."),
    ]
    assert all(isinstance(error, StatementError) for error in statement.errors)
    assert str(statement.errors[0]) == "Ligne 2 : Les heures travaillées sont négatives (−4 h)."
    assert statement.errors[3].column == "Date de naissance"
    assert not statement.ok


def test_250_hours_are_allowed_and_the_maximum_is_a_parameter():
    statement = csv(
        HEADER + "A;B;01/01/1990;L1;03/2026;250;0\nC;D;01/01/1990;L1;03/2026;250,01;0\n"
    )
    assert [row.hours for row in statement.rows] == [Decimal("250.00")]
    assert [error.line for error in statement.errors] == [3]
    lower = csv(HEADER + "A;B;01/01/1990;L1;03/2026;200;0\n", max_hours=Decimal(180))
    assert [error.message for error in lower.errors] == [
        "200 h travaillées dans le mois : au-delà des 180 h possibles pour une personne."
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("A;B;01/01/1990;L1;03/2026;10;-1", "Les heures de formation sont négatives (−1 h)."),
        ("A;B;01/01/1990;L1;03/1999;10;0", "Le mois 03/1999 n'est pas plausible"),
        ("A;B;01/01/1890;L1;03/2026;10;0", "La date de naissance 01/01/1890 n'est pas plausible"),
        ("A;B;01/04/2026;L1;03/2026;10;0", "suit le mois déclaré (03/2026)"),
        ("A;;01/01/1990;L1;03/2026;10;0", "Prénom : la cellule est vide."),
        ("A;B;01/01/1990;;03/2026;10;0", "Lot : la cellule est vide."),
        ("A;B;;L1;03/2026;10;0", "Date de naissance : la cellule est vide."),
        ("A;B;01/01/1990;L1;;10;0", "Mois : la cellule est vide."),
        ("A;B;01/01/1990;L1;03/2026;;0", "Heures travaillées : la cellule est vide."),
        ("A;B;01/01/1990;L1;03/2026;1,234;0", "a plus de 2 décimales"),
        ("A;B;32/01/1990;L1;03/2026;10;0", "« 32/01/1990 » n'est pas une date"),
        ("A;B;01/01/1990;L1;mars;10;0", "« mars » n'est pas un mois"),
    ],
)
def test_other_line_errors(cells, message):
    statement = csv(HEADER + "\n" + cells + "\n")
    assert statement.rows == []
    assert [error.line for error in statement.errors] == [3]
    assert message in statement.errors[0].message


def test_a_line_with_two_rule_errors_gets_both_in_order():
    statement = csv(HEADER + "A;B;01/01/1990;L1;03/2026;-3;-1\n")
    assert [error.message for error in statement.errors] == [
        "Les heures travaillées sont négatives (−3 h).",
        "Les heures de formation sont négatives (−1 h).",
    ]


def test_a_line_number_counts_the_lines_of_a_quoted_field_spanning_two():
    statement = csv(
        HEADER + 'A;"B\nsuite";01/01/1990;L1;03/2026;10;0\nC;D;01/01/1990;L1;03/2026;x;0\n'
    )
    assert [row.line for row in statement.rows] == [2]
    assert [error.line for error in statement.errors] == [4]


# --- whole-file refusals ------------------------------------------------------------------


def test_a_missing_column_is_named_in_french():
    with pytest.raises(UnreadableFile) as refused:
        read("colonne-manquante.csv")
    assert str(refused.value) == (
        "La colonne « Heures travaillées » est introuvable : la première ligne du tableau doit "
        "porter les noms des colonnes."
    )
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("vide.csv", "Ce fichier est vide : il ne contient aucune ligne."),
        (
            "pdf-renomme.csv",
            "Ce fichier n'est pas un tableau : c'est un document PDF. Envoyez un fichier CSV ou "
            "un classeur Excel (.xlsx).",
        ),
        (
            "pdf-renomme.xlsx",
            "Ce fichier n'est pas un tableau : c'est un document PDF. Envoyez un fichier CSV ou "
            "un classeur Excel (.xlsx).",
        ),
        (
            "bombe-taille.xlsx",
            "Ce classeur décompressé occupe 200 Mo, au-delà des 50 Mo permis : envoyez un "
            "fichier plus petit (par exemple un mois à la fois).",
        ),
        (
            "bombe-ratio.xlsx",
            "Ce classeur contient un élément compressé 1028 fois, au-delà des 100 fois permises "
            "(une « bombe de décompression ») : il n'est pas lu.",
        ),
        (
            "milliers-de-parties.xlsx",
            "Ce classeur contient 1009 éléments internes, au-delà des 500 permis : enregistrez "
            "les seules données dans un nouveau classeur.",
        ),
        (
            "entites.xlsx",
            "Ce classeur contient des déclarations XML non autorisées (entités) : il n'est pas lu.",
        ),
        (
            "milliers-de-colonnes.csv",
            "La ligne 1 de ce fichier compte 3007 colonnes, au-delà des 200 permises : ce n'est "
            "pas un relevé lisible.",
        ),
        (
            "ligne-geante.csv",
            "La ligne 2 de ce fichier compte plus de 10000 caractères : ce n'est pas un relevé "
            "lisible.",
        ),
    ],
)
def test_hostile_and_wrong_files_are_refused_quickly(name, message):
    data = (DATA / name).read_bytes()
    assert len(data) < 300_000  # the bombs are small on disk
    started = time.perf_counter()
    with pytest.raises(UnreadableFile) as refused:
        read_statement(data, name)
    assert str(refused.value) == message
    assert time.perf_counter() - started < 2  # generous: they take milliseconds


def test_the_bomb_declares_what_it_would_inflate_to():
    """The fixture is what it claims: 200 MiB once inflated, 20 MiB for the ratio one."""
    with zipfile.ZipFile(DATA / "bombe-taille.xlsx") as archive:
        assert sum(part.file_size for part in archive.infolist()) > 200 * 2**20
    with zipfile.ZipFile(DATA / "bombe-ratio.xlsx") as archive:
        sizes = sum(part.file_size for part in archive.infolist())
        assert 20 * 2**20 < sizes < Limits().max_uncompressed


def test_openpyxl_itself_refuses_the_entity_expansion_through_defusedxml():
    """Behind the reader's own check of the DTD, openpyxl parses through defusedxml."""
    assert openpyxl.DEFUSEDXML is True
    data = (DATA / "entites.xlsx").read_bytes()
    with pytest.raises(ValueError, match="Unable to read workbook") as refused:
        openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    assert isinstance(refused.value.__cause__, EntitiesForbidden)


def test_a_sheet_claiming_a_giant_dimension_is_read_as_the_rows_it_holds():
    started = time.perf_counter()
    statement = read("dimension-geante.xlsx")
    assert time.perf_counter() - started < 1
    assert [(row.line, row.last_name, row.hours) for row in statement.rows] == [
        (2, "Lefèvre", Decimal("10.00"))
    ]


def test_the_size_limit_is_a_parameter():
    data = (HEADER + "A;B;01/01/1990;L1;03/2026;10;0\n").encode()
    with pytest.raises(UnreadableFile, match=r"^Ce fichier pèse 0,2 Mo, au-delà des 0,1 Mo"):
        read_statement(data * 1500, "a.csv", limits=Limits(max_bytes=100_000))
    assert read_statement(data, "a.csv", limits=Limits(max_bytes=len(data))).ok


def test_the_row_limit_is_a_parameter_and_blank_lines_count_too():
    line = "A;B;01/01/1990;L1;03/2026;10;0\n"
    with pytest.raises(UnreadableFile, match="plus de 5 lignes"):
        csv(HEADER + line * 6, limits=Limits(max_rows=5))
    assert len(csv(HEADER + line * 5, limits=Limits(max_rows=5)).rows) == 5
    with pytest.raises(UnreadableFile, match="plus de 5 lignes"):
        csv(HEADER + line + ";;;;;;\n" * 6, limits=Limits(max_rows=5))


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\0\0", "photo.csv", "c'est une image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ancien.xlsx", "ancien document Office"),
        (b"Nom;Pr\x01nom\n", "a.csv", "caractères de contrôle"),
        (b"Nom\x00;\n", "a.csv", "caractères nuls"),
        (b"Nom;Heures\n", "a.ods", "Envoyez un fichier CSV ou un classeur Excel"),
        (b"PK\x03\x04....", "a.csv", "c'est un classeur Excel"),
        (b"Nom;Heures\n", "a.xlsx", "n'est pas un classeur Excel"),
    ],
)
def test_files_that_are_not_what_they_claim(data, name, message):
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        read_statement(data, name)


def test_a_damaged_xlsx_is_refused():
    data = (DATA / "releve-texte.xlsx").read_bytes()
    with pytest.raises(UnreadableFile, match="endommagé"):
        read_statement(data[: len(data) // 2], "a.xlsx")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("\n" * 5_000_000, "Ce fichier est vide"),
        (HEADER + ";;;;;;\r\n" * 700_000, "plus de 20000 lignes"),
        (HEADER + "A;B;01/01/1990;L1;03/2026;10;0\n" * 160_000, "plus de 20000 lignes"),
        (HEADER + 'A;"' + "x\n" * 1_000_000, "mal formé"),
    ],
    ids=["blank-lines", "separator-lines", "too-many-rows", "unclosed-quote"],
)
def test_a_five_megabyte_csv_is_refused_quickly(body, message):
    data = body.encode()[: Limits().max_bytes]
    started = time.perf_counter()
    with pytest.raises(UnreadableFile, match=message):
        read_statement(data, "a.csv")
    assert time.perf_counter() - started < 3  # generous: well under half a second here
