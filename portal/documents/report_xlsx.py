"""A report's figures as a workbook (docs/domain.md §9.1; the facade is
:mod:`portal.documents.report_render`): openpyxl, with the spreadsheets module's formats and
its neutralisation of text a spreadsheet would run as a formula. A « Sommaire » sheet, then
one sheet per top section; numbers stay numbers, with a number format per unit, and the
charts' data only through the tables that carry it.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from portal.documents.report_common import Numbered, cell_text, is_number, long_date, walk
from portal.documents.report_document import Cell, ReportDocument, Section, Table
from portal.documents.spreadsheets import FORMATS, neutralise

__all__ = ["SUMMARY_SHEET", "render_xlsx", "sheet_names"]

SUMMARY_SHEET = "Sommaire"
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
