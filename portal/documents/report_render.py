"""The renderers of a report (docs/domain.md §9; docs/architecture.md §7): one
:class:`~portal.documents.report_document.ReportDocument` drawn as a PDF (the document sent),
an XLSX (the figures, one sheet per indicator) and a DOCX (the same document, for the AMOI to
adapt its wording before sending), and :func:`report_response`, the download of one of them.

The three read the same document and show the same things in the same order: a title block
(title, subject, author, date, status line), a table of contents, then each top section as
a chapter (numbered « 1. », its subsections « 1.1 »), its paragraphs, its tables (cells
formatted the French way from their column's unit: ``1 234,5 h``, ``1 250,00 €``, a ``%``
column holds a fraction shown ``50,0 %``) and its charts (the PNG, its title and text
alternative as a caption, its data table). The XLSX keeps numbers as numbers, with a number
format per unit, and the charts' data only through the tables that carry it.

- PDF: ``templates/pdf/report.html`` through :func:`portal.documents.pdf.render_pdf`
  (xhtml2pdf: its ``<pdf:toc>`` lists the chapters with their page numbers, the page frame of
  ``_base.html`` gives « Page X / Y » and DejaVu Sans). The charts are ``data:`` URIs, which
  the PDF service's resource policy lets through (no file, no network is read for them).
- XLSX: openpyxl, with the spreadsheets module's formats and its neutralisation of text a
  spreadsheet would run as a formula.
- DOCX: python-docx, A4, Word's built-in styles (headings feed Word's table of contents, a
  ``TOC`` field updated when the file is opened), « Page X / Y » fields in the footer.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from babel.numbers import format_decimal
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from portal.documents import pdf
from portal.documents.charts import Chart, french_number
from portal.documents.report_document import Cell, ReportDocument, Section, Table
from portal.documents.spreadsheets import FORMATS, XLSX_MIMETYPE, download, neutralise
from portal.formatting import MONTHS

__all__ = [
    "DOCX_MIMETYPE",
    "REPORT_FORMATS",
    "cell_text",
    "long_date",
    "render_docx",
    "render_pdf",
    "render_xlsx",
    "report_response",
    "sheet_names",
]

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NBSP = "\u00a0"
EMPTY = "—"
SUMMARY_SHEET = "Sommaire"
CHART_WIDTH_CM = 16.5  # the text's width on A4 with the documents' margins
CHART_SCALE = 1.5  # PNG at 1080 × 480 px: 166 dpi over 16.5 cm, sharp once printed


# --- French text of a cell ----------------------------------------------------------------


def long_date(value: date) -> str:
    """``3 décembre 2026``, ``1er mars 2026``."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def percent(value: int | Decimal | float) -> str:
    """A fraction as a French percentage with one decimal: 0.5 → ``50,0 %``."""
    scaled = Decimal(str(value)) * 100
    text = format_decimal(scaled, format="#,##0.0", locale="fr_FR").replace("\u202f", NBSP)
    return f"{text}{NBSP}%"


def is_number(value: object) -> bool:
    return isinstance(value, int | Decimal | float) and not isinstance(value, bool)


def cell_text(value: Cell, unit: str = "") -> str:
    """What a table cell shows in the PDF and the DOCX: numbers the French way with the
    column's unit (``1 234,5 h``, ``1 250,00 €``, ``50,0 %`` for a fraction of a ``%``
    column), dates as ``3 décembre 2026``, nothing as a dash."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return long_date(value.date())
    if isinstance(value, date):
        return long_date(value)
    if is_number(value):
        if unit == "%":
            return percent(value)
        return french_number(value, unit if unit in ("h", "€") else "")
    return str(value)


# --- numbering shared by the three documents ------------------------------------------------


@dataclass(frozen=True)
class Numbered:
    """A section with its number (``"2.1"``) and its depth (1 for a chapter)."""

    number: str
    level: int
    section: Section

    @property
    def heading(self) -> str:
        """« 1. Heures d'insertion » for a chapter, « 1.2 Lot 2 – Électricité » below."""
        dot = "." if self.level == 1 else ""
        return f"{self.number}{dot} {self.section.title}"


def walk(sections: tuple[Section, ...], prefix: str = "", level: int = 1) -> Iterator[Numbered]:
    """Every section and subsection in reading order, numbered ``1``, ``1.1``, ``1.1.1``."""
    for index, section in enumerate(sections, start=1):
        number = f"{prefix}{index}"
        yield Numbered(number, level, section)
        yield from walk(section.subsections, f"{number}.", level + 1)


class Counter:
    """Tables and figures numbered through the whole document (« Tableau 3 », « Figure 2 »)."""

    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self) -> int:
        self.tables += 1
        return self.tables

    def figure(self) -> int:
        self.figures += 1
        return self.figures


def numeric_columns(table: Table) -> tuple[bool, ...]:
    """A column is aligned right when it has a unit or holds only numbers (and dashes)."""
    width = len(table.headers)
    return tuple(
        bool(table.unit(i))
        or (
            any(is_number(row[i]) for row in table.rows if i < len(row))
            and all(row[i] is None or is_number(row[i]) for row in table.rows if i < len(row))
        )
        for i in range(width)
    )


# --- PDF ------------------------------------------------------------------------------------


def _column_widths(count: int, numeric: tuple[bool, ...]) -> tuple[str, ...]:
    """Fixed widths in percent (xhtml2pdf lays a table out much faster with them, and a
    number column does not wrap): text columns share twice a number column's width."""
    if not count:
        return ()
    weights = [1 if numeric[i] else 2 for i in range(count)]
    total = sum(weights)
    widths = [round(100 * w / total) for w in weights]
    widths[0] += 100 - sum(widths)
    return tuple(f"{w}%" for w in widths)


def _pdf_table(table: Table, number: int) -> dict:
    numeric = numeric_columns(table)
    return {
        "caption": f"Tableau {number} – {table.caption}" if table.caption else f"Tableau {number}",
        "headers": table.headers,
        "numeric": numeric,
        "widths": _column_widths(len(table.headers), numeric),
        "rows": tuple(
            tuple(cell_text(value, table.unit(i)) for i, value in enumerate(row))
            for row in table.rows
        ),
    }


def _pdf_chart(chart: Chart, number: int) -> dict:
    headers = chart.table.headers
    numeric = tuple(i > 0 for i in range(len(headers)))
    return {
        "caption": f"Figure {number} – {chart.title}",
        "alt": chart.alt,
        "src": chart.png_data_uri(scale=CHART_SCALE),
        "table": {
            "caption": f"Données de la figure {number}",
            "headers": headers,
            "numeric": numeric,
            "widths": _column_widths(len(headers), numeric),
            "rows": chart.table.rows,
        },
    }


def _paragraph_lines(text: str) -> tuple[str, ...]:
    return tuple(line.rstrip() for line in text.strip().splitlines())


def _pdf_sections(doc: ReportDocument) -> list[dict]:
    counter = Counter()
    items = []
    for item in walk(doc.sections):
        section = item.section
        items.append(
            {
                "heading": item.heading,
                "level": min(item.level, 3),
                "paragraphs": [_paragraph_lines(p) for p in section.paragraphs if p.strip()],
                "tables": [_pdf_table(t, counter.table()) for t in section.tables],
                "charts": [_pdf_chart(c, counter.figure()) for c in section.charts],
            }
        )
    return items


def render_pdf(doc: ReportDocument) -> bytes:
    """The report as a PDF (A4): cover, table of contents with page numbers, a chapter per
    top section, « Page X / Y » on every page. Needs an application context (the PDF
    service renders a Jinja template)."""
    return pdf.render_pdf(
        "pdf/report.html",
        doc=doc,
        issued=long_date(doc.issued_on),
        sections=_pdf_sections(doc),
    )


# --- XLSX -----------------------------------------------------------------------------------

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED_SHEETS = {SUMMARY_SHEET.casefold(), "history"}  # « History » is Excel's own
PERCENT_FORMAT = "0.0 %"
HOURS_FORMAT = '#,##0.0# "h"'
XLSX_FORMATS = {"€": FORMATS["money"], "h": HOURS_FORMAT, "%": PERCENT_FORMAT}
TITLE_FONT = Font(bold=True, size=14, color="123F6D")
HEADING_FONT = Font(bold=True, size=12, color="123F6D")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E5ECF4")
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_names(sections: tuple[Section, ...]) -> list[str]:
    """One valid, unique sheet name per top section, from its ``sheet`` (or its title):
    no ``[]:*?/\\``, no apostrophe at either end, 31 characters at most, never
    « Sommaire » (the first sheet) nor a name already taken, whatever the case (Excel
    compares them without it); a duplicate gets `` (2)``."""
    taken = set(_RESERVED_SHEETS)
    names = []
    for index, section in enumerate(sections, start=1):
        base = _SHEET_FORBIDDEN.sub("-", section.sheet or section.title)
        base = " ".join(base.split()).strip("'").strip()[:31].strip("'").strip()
        base = base or f"Partie {index}"
        name, copy = base, 2
        while name.casefold() in taken:
            suffix = f" ({copy})"
            name = base[: 31 - len(suffix)].rstrip() + suffix
            copy += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def _xlsx_value(value: Cell) -> object:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def _column_format(table: Table, index: int) -> str | None:
    """The number format of a column's numbers: by unit, else two decimals when some
    number of the column is not whole, else Excel's « Standard »."""
    unit = table.unit(index)
    if unit in XLSX_FORMATS:
        return XLSX_FORMATS[unit]
    numbers = [row[index] for row in table.rows if index < len(row) and is_number(row[index])]
    if any(Decimal(str(n)) % 1 for n in numbers):
        return FORMATS["decimal"]
    return None


class _SheetWriter:
    """Writes blocks one under the other in a worksheet and keeps the widths they need."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.row = 1
        self.widths: dict[int, int] = {}
        self.paragraphs: list[tuple[int, str]] = []

    def paragraph(self, value: str) -> None:
        """A paragraph, wrapped over the width of the sheet's tables (see :meth:`finish`)."""
        self.paragraphs.append((self.row, value))
        self.text(value, wrap=True)

    def text(self, value: str, font: Font | None = None, wrap: bool = False) -> None:
        cell = self.ws.cell(row=self.row, column=1, value=neutralise(value))
        if font is not None:
            cell.font = font
        if wrap:
            cell.alignment = WRAP
        self.row += 1

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def _fit(self, column: int, text: str) -> None:
        self.widths[column] = max(self.widths.get(column, 0), min(len(text) + 2, 60))

    def table(self, table: Table) -> None:
        if table.caption:
            self.text(table.caption, BOLD)
        for column, header in enumerate(table.headers, start=1):
            cell = self.ws.cell(row=self.row, column=column, value=neutralise(header))
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            self._fit(column, header if len(header) < 30 else header[:30])
        self.row += 1
        formats = [_column_format(table, i) for i in range(len(table.headers))]
        for values in table.rows:
            for index, value in enumerate(values):
                cell = self.ws.cell(row=self.row, column=index + 1, value=_xlsx_value(value))
                if isinstance(value, date):
                    cell.number_format = FORMATS["date"]
                    self._fit(index + 1, "00/00/0000")
                elif is_number(value):
                    if index < len(formats) and formats[index]:
                        cell.number_format = formats[index]
                    self._fit(index + 1, cell_text(value, table.unit(index)))
                elif value is not None:
                    self._fit(index + 1, str(value))
            self.row += 1
        self.skip()

    def finish(self) -> None:
        """Column widths from their content; each paragraph merged over the tables' columns
        (at least 90 characters wide) with a row height for its lines, since Excel does not
        fit the height of merged cells by itself."""
        widths = {column: max(width, 10) for column, width in self.widths.items()}
        if not widths:
            widths = {1: 90}
        columns = max(widths)
        for column in range(1, columns + 1):
            widths.setdefault(column, 10)
        spread = sum(widths.values())
        if spread < 90:
            widths[1] += 90 - spread
            spread = 90
        for column, width in widths.items():
            self.ws.column_dimensions[get_column_letter(column)].width = width
        for row, value in self.paragraphs:
            if columns > 1:
                self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
            lines = sum(max(1, math.ceil(len(line) / spread)) for line in value.splitlines())
            self.ws.row_dimensions[row].height = 15 * max(lines, 1)
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True


def _xlsx_section(writer: _SheetWriter, item: Numbered) -> None:
    writer.text(item.heading, TITLE_FONT if item.level == 1 else HEADING_FONT)
    for paragraph in item.section.paragraphs:
        if paragraph.strip():
            writer.paragraph(paragraph.strip())
    if item.section.paragraphs:
        writer.skip()
    for table in item.section.tables:
        writer.table(table)


def render_xlsx(doc: ReportDocument) -> bytes:
    """The report's figures as a workbook: a « Sommaire » sheet (title, subject, author,
    date, status line, the list of sheets linked to them), then one sheet per top section
    with its title, its paragraphs and its tables (caption row, header row, typed cells:
    numbers with their unit's format, fractions of a ``%`` column as percentages, dates as
    dates), its subsections' tables below under their title."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    names = sheet_names(doc.sections)
    head = _SheetWriter(summary)
    head.text(doc.title, TITLE_FONT)
    head.text(doc.subject, HEADING_FONT)
    head.skip()
    for label, value in (
        ("Établi par", doc.author),
        ("Date", long_date(doc.issued_on)),
        ("Statut", doc.status_line),
    ):
        summary.cell(row=head.row, column=1, value=label).font = BOLD
        summary.cell(row=head.row, column=2, value=neutralise(value))
        head.skip()
    head.skip()
    summary.cell(row=head.row, column=1, value="Feuille").font = BOLD
    summary.cell(row=head.row, column=2, value="Contenu").font = BOLD
    head.skip()
    for index, (name, section) in enumerate(zip(names, doc.sections, strict=True), start=1):
        link = summary.cell(row=head.row, column=1, value=name)
        quoted = name.replace("'", "''")
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!A1")
        link.style = "Hyperlink"
        summary.cell(row=head.row, column=2, value=neutralise(f"{index}. {section.title}"))
        head.skip()
    summary.column_dimensions["A"].width = max(16, *(len(n) + 2 for n in names), 16)
    summary.column_dimensions["B"].width = 80

    for name, (index, section) in zip(names, enumerate(doc.sections, start=1), strict=True):
        writer = _SheetWriter(workbook.create_sheet(title=name))
        _xlsx_section(writer, Numbered(str(index), 1, section))
        for item in walk(section.subsections, f"{index}.", 2):
            writer.skip()
            _xlsx_section(writer, item)
        writer.finish()

    workbook.properties.title = doc.title
    workbook.properties.subject = doc.subject
    workbook.properties.creator = doc.author
    workbook.properties.language = "fr-FR"
    stamp = datetime.combine(doc.issued_on, time(12))
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- DOCX -----------------------------------------------------------------------------------

INK = RGBColor(0x12, 0x3F, 0x6D)
TABLE_STYLE = "Light List Accent 1"


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (``PAGE``, ``NUMPAGES``, ``TOC …``) at the end of ``paragraph``, with
    ``placeholder`` as its last computed result."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _french_styles(document) -> None:
    """Word's own styles in the portal's blue, French spelling and grammar checks for the
    whole text (the AMOI edits it in Word), fields updated when the file is opened."""
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    normal.element.get_or_add_rPr().append(language)
    for name, size in (("Title", 24), ("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11)):
        style = document.styles[name]
        style.font.color.rgb = INK
        style.font.size = Pt(size)
    document.styles["Caption"].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    # Word recomputes the fields (table of contents, page numbers) when it opens the file.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _a4(section) -> None:
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _docx_table(document, headers, rows, numeric, caption: str) -> None:
    document.add_paragraph(caption, style="Caption").paragraph_format.keep_with_next = True
    # All the rows at once: twice as fast as a row added at a time (issue 12's benchmark).
    table = document.add_table(rows=len(rows) + 1, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    lines = table.rows
    _repeat_header(lines[0])
    for line, values in zip(lines, (headers, *rows), strict=True):
        for index, cell in enumerate(line.cells):
            cell.text = values[index] if index < len(values) else ""
            if numeric[index]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()


def _docx_chart(document, chart: Chart, number: int) -> None:
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    inline = picture.add_run().add_picture(
        io.BytesIO(chart.png(scale=CHART_SCALE)), width=Cm(CHART_WIDTH_CM)
    )
    inline._inline.docPr.set("descr", chart.alt)  # the image's text alternative
    inline._inline.docPr.set("title", chart.title)
    document.add_paragraph(f"Figure {number} – {chart.title}", style="Caption")
    document.add_paragraph(chart.alt)
    headers = chart.table.headers
    _docx_table(
        document,
        headers,
        chart.table.rows,
        tuple(i > 0 for i in range(len(headers))),
        f"Données de la figure {number}",
    )


def _docx_cover(document, doc: ReportDocument) -> None:
    author = document.add_paragraph(doc.author)
    author.runs[0].bold = True
    author.runs[0].font.color.rgb = INK
    for _ in range(6):
        document.add_paragraph()
    document.add_paragraph(doc.title, style="Title")
    document.add_paragraph(doc.subject, style="Subtitle")
    document.add_paragraph()
    for label, value in (
        ("Établi par", doc.author),
        ("Date", long_date(doc.issued_on)),
        ("Statut", doc.status_line),
    ):
        line = document.add_paragraph()
        line.add_run(f"{label} : ").bold = True
        line.add_run(value)


def _docx_contents(document, doc: ReportDocument) -> None:
    """Word's table of contents field, its last result filled with the headings (without
    page numbers) so that it reads well before Word updates it."""
    document.add_paragraph("Sommaire", style="TOC Heading")
    items = [item for item in walk(doc.sections) if item.level <= 3]
    first = document.add_paragraph()
    _field(first, 'TOC \\o "1-3" \\h \\z \\u', items[0].heading if items else "")
    for item in items[1:]:
        line = document.add_paragraph(item.heading)
        line.paragraph_format.left_indent = Cm(0.6 * (item.level - 1))
    if items:
        # The field's result runs until its end mark: move the end to the last line.
        end = first.runs[-1]._r
        target = document.paragraphs[-1]._p
        end.getparent().remove(end)
        target.append(end)
        first.paragraph_format.left_indent = Cm(0)


def _docx_footer(section, doc: ReportDocument) -> None:
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"{doc.title}\tPage ")
    _field(footer, "PAGE", "1")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(8)


def render_docx(doc: ReportDocument) -> bytes:
    """The report as a Word document (A4) the AMOI can edit: a title page, Word's table of
    contents (updated when the file is opened), a heading per section and subsection,
    paragraphs, styled tables with French numbers, the charts as images with their caption,
    text alternative and data, « Page X / Y » in the footer."""
    document = Document()
    _french_styles(document)
    cover = document.sections[0]
    _a4(cover)
    cover.different_first_page_header_footer = True  # no footer on the title page
    _docx_cover(document, doc)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _docx_contents(document, doc)
    _docx_footer(cover, doc)

    counter = Counter()
    for item in walk(doc.sections):
        section = item.section
        heading = document.add_heading(item.heading, level=min(item.level, 3))
        heading.paragraph_format.page_break_before = item.level == 1
        for paragraph in section.paragraphs:
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
        for table in section.tables:
            numeric = numeric_columns(table)
            rows = [
                tuple(cell_text(value, table.unit(i)) for i, value in enumerate(row))
                for row in table.rows
            ]
            number = counter.table()
            caption = (
                f"Tableau {number} – {table.caption}" if table.caption else f"Tableau {number}"
            )
            _docx_table(document, table.headers, rows, numeric, caption)
        for chart in section.charts:
            _docx_chart(document, chart, counter.figure())

    properties = document.core_properties
    properties.title = doc.title
    properties.subject = doc.subject
    properties.author = doc.author
    properties.last_modified_by = doc.author
    properties.language = "fr-FR"
    properties.comments = doc.status_line
    stamp = datetime.combine(doc.issued_on, time(12))
    properties.created = stamp
    properties.modified = stamp
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- download -------------------------------------------------------------------------------

REPORT_FORMATS = {
    "pdf": (render_pdf, "application/pdf", ".pdf"),
    "xlsx": (render_xlsx, XLSX_MIMETYPE, ".xlsx"),
    "docx": (render_docx, DOCX_MIMETYPE, ".docx"),
}
"""The formats a report downloads in: renderer, content type, extension."""


def safe_filename(stem: str, extension: str) -> str:
    """``stem`` reduced to ASCII letters, digits, ``.``, ``_`` and ``-`` (accents dropped,
    anything else becomes ``-``) so that it cannot break the header, plus the extension."""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-._") or "rapport") + extension


def report_response(doc: ReportDocument, fmt: str) -> Response:
    """The report as a download in ``fmt`` (``pdf``, ``xlsx`` or ``docx``), named
    ``doc.filename`` plus the extension, never cached. Another format is a
    :class:`ValueError` (the view answers 404)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"Format de rapport inconnu : {fmt!r} (pdf, xlsx ou docx).")
    renderer, content_type, extension = REPORT_FORMATS[fmt]
    return download(renderer(doc), safe_filename(doc.filename, extension), content_type)
