"""What the three renderers of a report share (docs/domain.md §9.1): the French text of a
table cell (:func:`cell_text`: ``1 234,5 h``, ``1 250,00 €``, ``50,0 %``, ``3 décembre
2026``, ``—``), the numbering of the sections (:func:`walk`: « 1 », « 1.1 ») and of the tables
and figures through the document (:class:`Counter`: « Tableau 3 », « Figure 2 »), which
columns are numbers (aligned right), and the file name of a download.

The renderers: :mod:`portal.documents.report_pdf`, :mod:`portal.documents.report_xlsx`,
:mod:`portal.documents.report_docx`; :mod:`portal.documents.report_render` is their facade.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal

from portal.documents.charts import french_number
from portal.documents.report_document import Cell, Section, Table
from portal.formatting import MONTHS

__all__ = [
    "EMPTY",
    "NBSP",
    "Counter",
    "Numbered",
    "cell_text",
    "is_number",
    "long_date",
    "numeric_columns",
    "percent",
    "safe_filename",
    "walk",
]

NBSP = "\u00a0"
EMPTY = "—"

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


def safe_filename(stem: str, extension: str) -> str:
    """``stem`` reduced to ASCII letters, digits, ``.``, ``_`` and ``-`` (accents dropped,
    anything else becomes ``-``) so that it cannot break the header, plus the extension."""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return (re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-._") or "rapport") + extension
