"""Writes the statement files of tests/statements (docs/domain.md §7), byte for byte the
same at each run: real-world shapes (encodings, separators, date forms, column orders,
blank lines, Excel dates) and hostile files (zip bombs, thousands of parts, XML entities,
a PDF renamed, an empty file). The people in them are fictitious.

    .venv/bin/python tests/data/statements/make_files.py

The generated files are committed beside this script; the tests read them as they are.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2026, 1, 1, 0, 0, 0)

HEADER = [
    "Nom",
    "Prénom",
    "Date de naissance",
    "Lot",
    "Mois",
    "Heures travaillées",
    "Dont heures de formation",
]


def reproducible(data: bytes) -> bytes:
    """The archive rewritten with fixed dates (entries and document properties)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "docProps/core.xml":
                content = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", content
                )
            info = zipfile.ZipInfo(item.filename, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def workbook_bytes(rows, formats: dict[int, str] | None = None) -> bytes:
    """A workbook whose first sheet holds ``rows``; ``formats`` gives a number format to
    the cells of a column (0-based index), as a payroll tool formats its dates."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Relevé"
    for row in rows:
        sheet.append(row)
    for index, number_format in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_col=index + 1, max_col=index + 1, min_row=2):
            cell.number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible(buffer.getvalue())


def patch(data: bytes, name: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == name:
                content = change(content)
            target.writestr(
                zipfile.ZipInfo(item.filename, FIXED_TIME), content, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def add_parts(data: bytes, parts) -> bytes:
    """The archive with more parts: ``(name, content)`` pairs, deflated."""
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts:
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def text_files() -> dict[str, bytes]:
    files = {}
    # French Excel's « CSV (séparateur : point-virgule) »: Windows-1252, CRLF, a title row
    # and a blank line above the header, headers in capitals without accents, blank lines
    # and separator-only lines between rows, decimal commas, the optional column empty.
    files["paie-cp1252-point-virgule.csv"] = (
        "Relevé d'heures - mars 2026;;;;;;\r\n"
        ";;;;;;\r\n"
        "NOM;PRENOM;DATE DE NAISSANCE;LOT;MOIS;HEURES TRAVAILLEES;DONT HEURES DE FORMATION\r\n"
        "Lefèvre;Zoé;14/07/1988;2026-014 lot 3;03/2026;151,67;7\r\n"
        "\r\n"
        "Cœur;Aïssata;02/02/2001;2026-014 lot 3;03/2026;80;\r\n"
        ";;;;;;\r\n"
        "N'Diaye;Jean-Noël;30/11/1975;2026-014 lot 1;03/2026;35,5;0\r\n"
    ).encode("cp1252")
    # A payroll export in UTF-8 with BOM, comma separated: the decimal commas are quoted,
    # ISO dates, months as 2026-03, columns in another order, two unknown columns, headers
    # with odd spaces and case.
    files["export-utf8-bom-virgule.csv"] = (
        "\ufeffMatricule,  heures travaillées ,Mois,nom,prénom,Date de naissance,LOT,"
        "Dont heures de formation,Commentaire\n"
        'M001,"151,67",2026-03,Lefèvre,Zoé,1988-07-14,2026-014 lot 3,"12,5",RAS\n'
        'M002,80,2026-03,Cœur,Aïssata,2001-02-02,2026-014 lot 3,,"Arrivée le 2, fin le 20"\n'
    ).encode("utf-8")
    # UTF-8 without BOM, tab separated, LF, months given as any date in the month, birth
    # dates written as Excel serial numbers (a sheet copied without its formats).
    files["utf8-tabulations.csv"] = (
        "Prénom\tNom\tLot\tDate de naissance\tMois\tHeures travaillées\n"
        "Zoé\tLefèvre\t2026-014 lot 3\t32338\t15/03/2026\t151.67\n"
        "\n"
        "Aïssata\tCœur\t2026-014 lot 3\t36924\t31/03/2026\t80\n"
    ).encode()
    # Every line error a statement can hold, one per line, and one good line.
    files["erreurs-par-ligne.csv"] = (
        "Nom;Prénom;Date de naissance;Lot;Mois;Heures travaillées;Dont heures de formation\n"
        "Lefèvre;Zoé;14/07/1988;L3;03/2026;-4;0\n"
        "Cœur;Aïssata;02/02/2001;L3;03/2026;300;0\n"
        "Petit;Noé;01/05/1999;L3;03/2026;20;35\n"
        "Martin;Léa;31/02/1990;L3;03/2026;20;0\n"
        "Bernard;Luc;01/01/1990;L3;13/2026;20;0\n"
        ";Sans nom;01/01/1990;L3;03/2026;20;0\n"
        "Durand;Inès;01/01/1990;L3;03/2026;douze;0\n"
        "Robert;Hugo;01/01/1990;L3;03/2026;151,67;7\n"
    ).encode()
    files["colonne-manquante.csv"] = (
        "Nom;Prénom;Date de naissance;Lot;Mois;Dont heures de formation\n"
        "Lefèvre;Zoé;14/07/1988;L3;03/2026;0\n"
    ).encode()
    files["vide.csv"] = b""
    files["milliers-de-colonnes.csv"] = (";".join(HEADER + [""] * 3000) + "\n").encode()
    files["ligne-geante.csv"] = (";".join(HEADER) + "\n" + "A" * 200_000 + "\n").encode()
    return files


PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
    b"%%EOF\n"
)

LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>"
)
"""« Billion laughs »: nine levels of ten, a thousand million « lol » once expanded."""


def workbook_files() -> dict[str, bytes]:
    files = {}
    # As Excel saves a payroll sheet: a title row, the header in another order, real date
    # cells (birth dates, and months as the 1st of the month formatted mm/yyyy), numbers.
    files["releve-dates-excel.xlsx"] = workbook_bytes(
        [
            ["Relevé d'heures de mars 2026"],
            [],
            [
                "Lot",
                "Nom",
                "Prénom",
                "Mois",
                "Date de naissance",
                "Heures travaillées",
                "Dont heures de formation",
                "Service",
            ],
            [
                "2026-014 lot 3",
                "Lefèvre",
                "Zoé",
                datetime(2026, 3, 1),
                datetime(1988, 7, 14),
                151.67,
                7,
                "Chantier",
            ],
            [None] * 8,
            [
                "2026-014 lot 3",
                "Cœur",
                "Aïssata",
                datetime(2026, 3, 1),
                datetime(2001, 2, 2),
                80,
                None,
                None,
            ],
        ],
        formats={3: "mm/yyyy", 4: "dd/mm/yyyy"},
    )
    # Every cell typed as text, as some tools export: French dates, decimal commas.
    files["releve-texte.xlsx"] = workbook_bytes(
        [
            HEADER,
            ["Lefèvre", "Zoé", "14/07/1988", "2026-014 lot 3", "03/2026", "151,67", "7"],
            ["Cœur", "Aïssata", "02/02/2001", "2026-014 lot 3", "mars 2026", "80", ""],
        ]
    )
    # Excel serials as plain numbers (the date format lost), the lot a number.
    files["releve-series-excel.xlsx"] = workbook_bytes(
        [
            HEADER,
            ["Lefèvre", "Zoé", 32338, 3, 46082, 151.67, 7],
            ["Cœur", "Aïssata", 36924, 3, 46096, 80, 0],
        ]
    )
    small = workbook_bytes([HEADER, ["Lefèvre", "Zoé", "14/07/1988", "L3", "03/2026", 10, 0]])
    # Two hundred megabytes of zeros that weigh some two hundred kilobytes.
    files["bombe-taille.xlsx"] = add_parts(small, [("xl/media/image1.bin", b"\0" * 200 * 2**20)])
    # Twenty megabytes of zeros: within the size allowed, but compressed a thousand times.
    files["bombe-ratio.xlsx"] = add_parts(small, [("xl/media/image1.bin", b"\0" * 20 * 2**20)])
    files["milliers-de-parties.xlsx"] = add_parts(
        small, [(f"xl/media/p{n}.bin", b"") for n in range(1000)]
    )
    # The sheet declares entities and a name is their expansion.
    files["entites.xlsx"] = patch(
        small,
        "xl/worksheets/sheet1.xml",
        lambda xml: (
            LAUGHS
            + re.sub(rb"^<\?xml[^>]*\?>", b"", xml).replace(
                "<t>Lefèvre</t>".encode(), b"<t>&lol9;</t>", 1
            )
        ),
    )
    # A sheet that claims a million rows by 16,384 columns but holds three rows.
    files["dimension-geante.xlsx"] = patch(
        small,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml
        ),
    )
    files["pdf-renomme.xlsx"] = PDF
    files["pdf-renomme.csv"] = PDF
    return files


def main() -> None:
    for name, data in {**text_files(), **workbook_files()}.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} octets")


if __name__ == "__main__":
    main()
