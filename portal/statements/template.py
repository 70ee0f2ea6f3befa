"""The statement templates people download (docs/domain.md §7): the columns
:mod:`portal.statements.reader` reads, in the same order, and one example line whose
person is clearly fictitious. Pure: bytes out, no request."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.documents.spreadsheets import Column, Sheet, csv_bytes, xlsx_bytes
from portal.statements.reader import FIELDS

EXAMPLE = (
    "EXEMPLE",
    "Fictif",
    date(1990, 1, 1),
    "LOT-EXEMPLE",
    "03/2026",
    Decimal("151.67"),
    Decimal("7.00"),
)
"""The example line: replace it with the month's lines (an obviously fictitious person)."""

KINDS = {"date": "date", "hours": "decimal"}  # hours with their decimals, shown as 151,67
COLUMNS = tuple(
    Column(spec.header, KINDS.get(spec.kind, "text"), width=max(14, len(spec.header) + 4))
    for spec in FIELDS
)


def template_csv() -> bytes:
    """The template as French Excel reads a CSV: ``;`` separated, UTF-8 with BOM."""
    return csv_bytes(COLUMNS, [EXAMPLE])


def template_xlsx() -> bytes:
    """The template as an Excel workbook: a date cell for the birth date, the month as
    text (« 03/2026 »), hours as numbers with two decimals."""
    return xlsx_bytes([Sheet("Relevé d'heures", COLUMNS, [EXAMPLE])])
