"""The report renderers (portal.documents.report_render; docs/domain.md §9): one hand-made
ReportDocument with accents drawn as a PDF (read back with pypdf: cover, table of contents
with the right page numbers, « Page X / Y », French figures, the chart's image), an XLSX
(read back with openpyxl: sheets, header rows, numbers kept as numbers, percent and hour
formats, formula neutralised) and a DOCX (read back with python-docx: headings, table cells,
the inline image and its text alternative, the page-number and contents fields), and their
downloads."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal

import docx
import openpyxl
import pytest
from pypdf import PdfReader

from portal.documents import charts
from portal.documents import report_render as render
from portal.documents.report_document import ReportDocument, Section, Table

NBSP = "\u00a0"
TITLE = "Bilan annuel 2026 — Réhabilitation de l'école"
SUBJECT = "Opération « Réhabilitation de l'école Jules-Ferry », Saint-Genis"
AUTHOR = "Sud-Ouest Emploi — AMO Insertion"
STATUS = "Projet : chiffres provisoires, non remis"

HOURS = Table(
    caption="Heures d'insertion par lot",
    headers=("Lot", "Prévues", "Réalisées", "Taux de réalisation", "Dernier relevé validé"),
    rows=(
        (
            "Lot 1 – Gros œuvre",
            Decimal("2469"),
            Decimal("1234.5"),
            Decimal("0.5"),
            date(2026, 11, 1),
        ),
        ("Lot 2 – Électricité", 400, Decimal("151.67"), Decimal("0.379175"), None),
    ),
    units=("", "h", "h", "%", ""),
)
PEOPLE = Table(
    caption="Personnes par tranche d'âge",
    headers=("Tranche d'âge", "Personnes", "ETP"),
    rows=(("Moins de 26 ans", 3, Decimal("1.25")), ("26 ans et plus", 5, Decimal("2"))),
)
# 70 rows: the table runs over two pages, so the last chapter starts on a later page.
MONTHS = Table(
    caption="Relevés mensuels",
    headers=("Relevé", "Heures", "Montant"),
    rows=tuple((f"Relevé n°{n}", Decimal(n) / 4, Decimal(n) * 10) for n in range(1, 71)),
    units=("", "h", "€"),
)


def lots_chart() -> charts.Chart:
    return charts.bar_chart(
        "Heures réalisées par lot",
        [("Lot 1 – Gros œuvre", Decimal("1234.5")), ("Lot 2 – Électricité", Decimal("151.67"))],
        unit="h",
        category="Lot",
        measure="Heures",
    )


def report() -> ReportDocument:
    return ReportDocument(
        title=TITLE,
        subject=SUBJECT,
        author=AUTHOR,
        issued_on=date(2026, 12, 3),
        status_line=STATUS,
        filename="bilan-annuel-2026-réhabilitation-école",
        sections=(
            Section(
                "Heures d'insertion",
                sheet="Heures",
                paragraphs=("Les heures validées de l'œuvre, relevé par relevé.",),
                tables=(HOURS,),
                charts=(lots_chart(),),
                subsections=(
                    Section(
                        "Lot 1 – Gros œuvre",
                        paragraphs=("Un chantier <b>sans</b> retard.",),
                        tables=(MONTHS,),
                    ),
                ),
            ),
            Section("Personnes", sheet="Personnes", tables=(PEOPLE,)),
            Section(
                "Interprétation de l'AMOI",
                sheet="Interprétation",
                paragraphs=("=SOMME(A1) : des parcours suivis.\nSeconde ligne.",),
            ),
        ),
    )


def flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace(NBSP, " ").split())


# --- French cells ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("1234.5"), "h", f"1{NBSP}234,5{NBSP}h"),
        (Decimal("0.5"), "%", f"50,0{NBSP}%"),
        (Decimal("0.379175"), "%", f"37,9{NBSP}%"),
        (1, "%", f"100,0{NBSP}%"),
        (1250, "€", f"1{NBSP}250,00{NBSP}€"),
        (Decimal("2.5"), "", "2,5"),
        (12, "", "12"),
        (None, "h", "—"),
        (date(2026, 3, 1), "", "1er mars 2026"),
        (date(2026, 12, 3), "", "3 décembre 2026"),
        ("Gros œuvre", "", "Gros œuvre"),
    ],
)
def test_cells_read_the_french_way(value, unit, text):
    assert render.cell_text(value, unit) == text


def test_sheet_names_are_valid_and_unique():
    sections = (
        Section("Heures / lots : 2026 [brouillon]*?"),
        Section("Sommaire"),
        Section("x", sheet="HEURES - LOTS - 2026 -BROUILLON"),
        Section("Une très longue dénomination de partie qui dépasse"),
        Section("Une très longue dénomination de partie qui dépasse"),
        Section("'"),
    )
    names = render.sheet_names(sections)
    assert names == [
        "Heures - lots - 2026 -brouillon",
        "Sommaire (2)",
        "HEURES - LOTS - 2026 -BROUI (2)",  # 27 characters and the suffix
        "Une très longue dénomination de",
        "Une très longue dénominatio (2)",
        "Partie 6",
    ]
    assert all(len(name) <= 31 for name in names)


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_has_a_cover_contents_pages_and_french_figures(app):
    data = render.render_pdf(report())
    reader = PdfReader(io.BytesIO(data))
    pages = [flat(page.extract_text()) for page in reader.pages]
    count = len(pages)
    assert count >= 6  # cover, contents, chapter 1 over two pages at least, 2, 3

    cover = pages[0]
    assert flat(TITLE) in cover and flat(SUBJECT) in cover
    assert f"Établi par {AUTHOR}" in cover and "Date 3 décembre 2026" in cover
    assert f"Statut {STATUS}" in cover
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / {count}" in text

    # The headings as the PDF's outline, without the cover's or the contents' titles.
    outline = reader.outline
    assert [item.title for item in outline if not isinstance(item, list)] == [
        "1. Heures d'insertion",
        "2. Personnes",
        "3. Interprétation de l'AMOI",
    ]
    assert outline[1][0].title == "1.1 Lot 1 – Gros œuvre"

    # The table of contents gives the page where each chapter starts.
    contents = pages[1]
    assert "Sommaire" in contents
    starts = []
    for heading in ("1. Heures d'insertion", "2. Personnes", "3. Interprétation de l'AMOI"):
        start = next(i for i, text in enumerate(pages[2:], start=3) if heading in text)
        assert re.search(
            rf"{re.escape(heading)} {start}\b|\b{start} {re.escape(heading)}", contents
        )
        starts.append(start)
    assert starts[0] == 3 and starts[1] > 4  # the 70 rows of 1.1 take more than one page
    assert starts[2] == starts[1] + 1  # a chapter starts on a new page
    assert "1.1 Lot 1 – Gros œuvre" in contents

    body = " ".join(pages[2:])
    for text in (
        "Tableau 1 – Heures d'insertion par lot",
        "Lot 1 – Gros œuvre 2 469 h 1 234,5 h 50,0 % 1er novembre 2026",
        "Lot 2 – Électricité 400 h 151,67 h 37,9 % —",
        "Moins de 26 ans 3 1,25",
        "Relevé n°70 17,5 h 700,00 €",
        "Figure 1 – Heures réalisées par lot",
        "Heures réalisées par lot : diagramme en barres de 2 valeurs",
        "Données de la figure 1",
        "Un chantier <b>sans</b> retard.",  # text, never markup
        "=SOMME(A1) : des parcours suivis. Seconde ligne.",
    ):
        assert text in body, text


def test_pdf_draws_the_chart_as_vectors_in_the_embedded_font():
    reader = PdfReader(io.BytesIO(render.render_pdf(report())))
    assert [image for page in reader.pages for image in page.images] == []  # no raster
    (page,) = [p for p in reader.pages if "Figure 1 – Heures réalisées par lot" in p.extract_text()]
    forms = {
        name: xobject.get_object()
        for name, xobject in page["/Resources"]["/XObject"].items()
        if xobject.get_object()["/Subtype"] == "/Form"
    }
    assert list(forms) == ["/FormXob.Figure1"]
    # matplotlib's 720 × 320 px at 100 dpi: 7.2 × 3.2 in, 518.4 × 230.4 pt.
    assert [float(v) for v in forms["/FormXob.Figure1"]["/BBox"]] == [0, 0, 518.4, 230.4]
    drawing = forms["/FormXob.Figure1"].get_data().decode("latin-1")
    assert ".117647 .227451 .541176 rg" in drawing  # the bars' #1e3a8a (30, 58, 138)
    # Drawn 16.5 cm wide: 467.72 pt / 518.4 pt.
    assert (
        ".902231 0 0 .902231 0 0 cm\n/FormXob.Figure1 Do" in page.get_contents().get_data().decode()
    )

    fonts: set[str] = set()

    def visit(text, _cm, _tm, font, _size):
        if text.strip() and font is not None:
            fonts.add(str(font["/BaseFont"]))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert fonts == {"/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold"}  # every visible text
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == AUTHOR
    assert reader.metadata.subject == SUBJECT


def test_pdf_table_over_two_pages_repeats_its_caption_and_header_row():
    pages = [
        flat(p.extract_text()) for p in PdfReader(io.BytesIO(render.render_pdf(report()))).pages
    ]
    holding = [n for n, text in enumerate(pages) if "Relevé n°" in text]
    assert len(holding) >= 2  # the 70 rows of « Relevés mensuels » run over two pages
    first = {n: min(int(m) for m in re.findall(r"Relevé n°(\d+)", pages[n])) for n in holding}
    assert first[holding[0]] == 1 and first[holding[1]] > 1
    for n in holding:
        caption = pages[n].index("Tableau 2 – Relevés mensuels Relevé Heures Montant")
        assert caption < pages[n].index(f"Relevé n°{first[n]} ")
    assert "Relevé n°70 17,5 h 700,00 €" in pages[holding[-1]]


def contents_lines(page) -> dict[str, int]:
    """The contents' lines of a page (between the issuer block and the footer, grouped by
    their height on the page, dot leaders dropped): heading → page number."""
    lines: dict[float, list[str]] = {}

    def visit(text, cm, tm, _font, _size):
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and 2.2 * 72 / 2.54 < y < 29.7 * 72 / 2.54 - 4.2 * 72 / 2.54:
            lines.setdefault(round(y), []).append(text)

    page.extract_text(visitor_text=visit)
    entries = {}
    for parts in lines.values():
        words = [word for word in flat(" ".join(parts)).split() if word != "."]
        if words[-1].isdigit():
            entries[" ".join(words[:-1])] = int(words[-1])
        elif words[0].isdigit():
            entries[" ".join(words[1:])] = int(words[0])
    return entries


def outline_pages(reader, items, found=None) -> dict[str, int]:
    found = {} if found is None else found
    for item in items:
        if isinstance(item, list):
            outline_pages(reader, item, found)
        else:
            found[item.title] = reader.get_destination_page_number(item) + 1
    return found


def test_pdf_contents_give_the_pages_where_the_sections_start():
    reader = PdfReader(io.BytesIO(render.render_pdf(report())))
    pages = [flat(page.extract_text()) for page in reader.pages]
    listed = contents_lines(reader.pages[1])
    # Hand-counted: cover, contents, chapter 1 from page 3 (its table, chart and 1.1 with
    # its 70 rows over pages 3 to 5), chapter 2 on page 6, chapter 3 on page 7.
    assert listed == {
        "1. Heures d'insertion": 3,
        "1.1 Lot 1 – Gros œuvre": 3,
        "2. Personnes": 6,
        "3. Interprétation de l'AMOI": 7,
    }
    assert outline_pages(reader, reader.outline) == listed
    for heading, number in listed.items():
        assert heading in pages[number - 1]
        assert all(heading not in text for text in pages[2 : number - 1])
    assert len(pages) == 7 and "Page 7 / 7" in pages[-1]


def test_pdf_contents_over_several_pages_still_give_the_right_pages():
    """Twenty chapters of a lot each: the contents' 40 lines take two pages (about 25 a
    page) and push every chapter by one page, which the build only knows from its second
    pass (reportlab builds again until the numbers hold)."""
    doc = ReportDocument(
        title=TITLE,
        subject=SUBJECT,
        author=AUTHOR,
        issued_on=date(2026, 12, 3),
        status_line=STATUS,
        filename="long",
        sections=tuple(
            Section(f"Indicateur n°{n}", subsections=(Section(f"Lot {n}.1"),)) for n in range(1, 21)
        ),
    )
    reader = PdfReader(io.BytesIO(render.render_pdf(doc)))
    pages = [flat(page.extract_text()) for page in reader.pages]
    listed = contents_lines(reader.pages[1]) | contents_lines(reader.pages[2])
    assert len(listed) == 40
    # Cover, two pages of contents, then a page per chapter.
    assert {heading: listed[heading] for heading in ("1. Indicateur n°1", "20.1 Lot 20.1")} == {
        "1. Indicateur n°1": 4,
        "20.1 Lot 20.1": 23,
    }
    assert all(listed[f"{n}. Indicateur n°{n}"] == 3 + n for n in range(1, 21))
    assert len(pages) == 23
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / 23" in text
    assert outline_pages(reader, reader.outline) == listed


def test_pdf_of_a_report_without_parts_says_so_in_french():
    doc = ReportDocument(TITLE, SUBJECT, AUTHOR, date(2026, 12, 3), STATUS, "vide")
    pages = [flat(p.extract_text()) for p in PdfReader(io.BytesIO(render.render_pdf(doc))).pages]
    assert len(pages) == 2
    assert "Sommaire Ce rapport n'a aucune partie." in pages[1]
    assert "Placeholder" not in pages[1]  # reportlab's own text for empty contents


# --- XLSX -----------------------------------------------------------------------------------


def rows_of(ws) -> list[tuple]:
    return [tuple(c for c in row if c is not None) for row in ws.iter_rows(values_only=True)]


def test_xlsx_has_a_summary_and_a_sheet_per_section_with_typed_cells():
    book = openpyxl.load_workbook(io.BytesIO(render.render_xlsx(report())))
    assert book.sheetnames == ["Sommaire", "Heures", "Personnes", "Interprétation"]

    summary = rows_of(book["Sommaire"])
    assert summary[0] == (TITLE,) and summary[1] == (SUBJECT,)
    assert ("Établi par", AUTHOR) in summary and ("Statut", STATUS) in summary
    assert ("Date", "3 décembre 2026") in summary
    assert summary[-3:] == [
        ("Heures", "1. Heures d'insertion"),
        ("Personnes", "2. Personnes"),
        ("Interprétation", "3. Interprétation de l'AMOI"),
    ]
    link = next(c for (c,) in book["Sommaire"].iter_rows(max_col=1) if c.value == "Interprétation")
    assert link.hyperlink.location == "'Interprétation'!A1"

    hours = book["Heures"]
    values = rows_of(hours)
    assert values[0] == ("1. Heures d'insertion",)
    caption = values.index(("Heures d'insertion par lot",))
    assert values[caption + 1] == HOURS.headers
    assert values[caption + 2] == (
        "Lot 1 – Gros œuvre",
        2469,
        1234.5,
        0.5,
        datetime(2026, 11, 1),
    )
    first = caption + 3  # rows are 1-based, the caption row before the header
    assert hours.cell(row=first, column=2).number_format == '#,##0.0# "h"'
    assert hours.cell(row=first, column=4).number_format == "0.0 %"
    assert hours.cell(row=first, column=5).number_format == "DD/MM/YYYY"
    assert hours.cell(row=first + 1, column=5).value is None  # no date: an empty cell
    assert ("1.1 Lot 1 – Gros œuvre",) in values  # the subsection below, under its title
    assert ("Relevé n°70", 17.5, 700) in values
    money = next(c for row in hours.iter_rows() for c in row if c.value == 700 and c.column == 3)
    assert money.number_format == '#,##0.00 "€"'

    people = book["Personnes"]
    assert ("Moins de 26 ans", 3, 1.25) in rows_of(people)
    etp = next(c for row in people.iter_rows() for c in row if c.value == 1.25)
    count = next(c for row in people.iter_rows() for c in row if c.value == 3)
    assert etp.number_format == "#,##0.00" and count.number_format == "General"

    text = rows_of(book["Interprétation"])
    assert text[1] == ("'=SOMME(A1) : des parcours suivis.\nSeconde ligne.",)


# --- DOCX -----------------------------------------------------------------------------------


def test_docx_has_headings_tables_the_chart_and_its_fields():
    document = docx.Document(io.BytesIO(render.render_docx(report())))
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", TITLE) in styled and ("Subtitle", SUBJECT) in styled
    headings = [(name, text) for name, text in styled if name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "1. Heures d'insertion"),
        ("Heading 2", "1.1 Lot 1 – Gros œuvre"),
        ("Heading 1", "2. Personnes"),
        ("Heading 1", "3. Interprétation de l'AMOI"),
    ]
    assert ("Caption", "Figure 1 – Heures réalisées par lot") in styled

    hours = document.tables[0]
    assert [c.text for c in hours.rows[0].cells] == list(HOURS.headers)
    assert [c.text for c in hours.rows[1].cells] == [
        "Lot 1 – Gros œuvre",
        f"2{NBSP}469{NBSP}h",
        f"1{NBSP}234,5{NBSP}h",
        f"50,0{NBSP}%",
        "1er novembre 2026",
    ]
    assert hours.style.name == render.TABLE_STYLE

    (image,) = document.inline_shapes
    assert image._inline.docPr.get("descr") == lots_chart().alt
    assert image.width == docx.shared.Cm(render.CHART_WIDTH_CM)

    body = document.element.body.xml
    assert 'TOC \\o "1-3"' in body
    footer = document.sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert document.core_properties.author == AUTHOR
    assert document.core_properties.title == TITLE


# --- downloads ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF-"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ],
)
def test_report_response_is_a_download(app, fmt, content_type, magic):
    with app.test_request_context():
        response = render.report_response(report(), fmt)
    assert response.content_type == content_type
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="bilan-annuel-2026-rehabilitation-ecole.{fmt}"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data().startswith(magic)


def test_report_response_refuses_another_format(app):
    with pytest.raises(ValueError, match="Format de rapport inconnu"):
        render.report_response(report(), "odt")
