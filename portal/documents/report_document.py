"""The shape of a report as a document (issue #10 of the reports): what the report pages
build from their figures and what the PDF, XLSX and DOCX renderers read
(``portal.documents.report_render``).

A report is a title block and a list of sections; a section holds paragraphs, tables and
charts, and may hold subsections (one per lot under an operation's indicator). Each top
section is one indicator: the XLSX has one sheet per top section (its ``sheet`` name), the
PDF and the DOCX one chapter each, listed in the table of contents.

Every value is already what the reader sees except table cells, which keep their type
(``int``, ``Decimal``, ``date``, ``str``, ``None``) so that a spreadsheet holds numbers, not
text: the renderers format them the French way for the PDF and the DOCX.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portal.documents.charts import Chart

Cell = str | int | Decimal | date | None


@dataclass(frozen=True)
class Table:
    """A table: caption, column headers, rows of typed cells; ``units`` names the unit of
    each column (``"h"``, ``"%"``, ``"€"`` or ``""``), used to format numbers (a ``%`` column
    holds a fraction, 0.5 = 50 %)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    units: tuple[str, ...] = ()

    def unit(self, index: int) -> str:
        return self.units[index] if index < len(self.units) else ""


@dataclass(frozen=True)
class Section:
    """A chapter (an indicator) or a subsection (a lot). ``sheet`` is the XLSX sheet name of
    a top section (31 characters at most, no ``[]:*?/\\``)."""

    title: str
    sheet: str = ""
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class ReportDocument:
    """A whole report: ``title`` (« Bilan annuel 2026 »), ``subject`` (the operation or the
    territory), ``author`` (the AMOI), ``issued_on`` (delivery date, or the day it was drawn
    for a draft), ``status_line`` (« Version 2, remise le 3 décembre 2026 ; remplace la version
    1 » or « Projet : chiffres provisoires, non remis »), the sections, and ``filename`` (no
    extension: the renderers add ``.pdf``, ``.xlsx``, ``.docx``)."""

    title: str
    subject: str
    author: str
    issued_on: date
    status_line: str
    filename: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
