"""Reading a monthly hour statement as a structure's payroll tool writes it (docs/domain.md §7).

The public entry point of the statement imports::

    statement = read_statement(data, "releve-mars.csv")   # or limits=Limits.from_config(…)
    for row in statement.rows:     # lines that read well and break no line rule
        row.line, row.last_name, row.lot, row.month, row.hours
    for error in statement.errors: # the others: « Ligne 12 : … », in file order
        error.line, error.message

Columns (headers in any case, with or without accents, in any order, extra columns
ignored): *Nom*, *Prénom*, *Date de naissance*, *Lot* (the lot's reference as the portal
shows it, kept as written for the matching), *Mois* (``03/2026``, ``2026-03``, ``mars
2026``, any date in the month or an Excel date), *Heures travaillées* and *Dont heures de
formation* (optional column, 0 when empty). The file formats, encodings, separators and
the refusal of hostile files are those of :mod:`portal.documents.rows`; the line rules
(negative hours, more than 250 h, training above the hours worked, an implausible month or
birth date) are :func:`portal.rules.statements.line_problems`.

Pure: no database, no request, no clock. Matching a row to a placement (the person, the
lot, the month within the placement) is the service's work, after this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from portal.documents.rows import Field, Limits, Row, UnreadableFile, read_rows
from portal.rules.statements import MAX_MONTHLY_HOURS, line_problems

__all__ = [
    "FIELDS",
    "Limits",
    "Statement",
    "StatementError",
    "StatementRow",
    "UnreadableFile",
    "read_statement",
]

FIELDS = (
    Field("last_name", "Nom", aliases=("Nom de famille", "Nom usuel"), max_length=100),
    Field("first_name", "Prénom", aliases=("Prénoms",), max_length=100),
    Field(
        "birth_date",
        "Date de naissance",
        "date",
        aliases=("Date naissance", "Né le", "Né(e) le", "Naissance"),
    ),
    Field("lot", "Lot", aliases=("Référence du lot", "Réf. lot", "N° de lot"), max_length=120),
    Field("month", "Mois", "month", aliases=("Période", "Mois concerné")),
    Field(
        "hours",
        "Heures travaillées",
        "hours",
        aliases=("Heures", "Heures réalisées", "Nombre d'heures", "Heures effectuées"),
    ),
    Field(
        "training_hours",
        "Dont heures de formation",
        "hours",
        required=False,
        aliases=("Heures de formation", "Dont formation"),
    ),
)
"""The statement's columns, in the template's order (:mod:`portal.statements.template`)."""

HEADERS = tuple(spec.header for spec in FIELDS)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class StatementRow:
    """One line read without error: the file's ``line`` (as the spreadsheet or the text
    editor numbers it), the person, the lot reference as written, the month (its 1st day),
    hours worked and, of them, training hours."""

    line: int
    last_name: str
    first_name: str
    birth_date: date
    lot: str
    month: date
    hours: Decimal
    training_hours: Decimal


@dataclass(frozen=True)
class StatementError:
    """Why one line was not read, in French; ``column`` is the header concerned, if one."""

    line: int
    message: str
    column: str | None = None

    def __str__(self) -> str:
        return f"Ligne {self.line} : {self.message}"


@dataclass
class Statement:
    """The lines read without error and the errors of the others, each in file order."""

    rows: list[StatementRow] = field(default_factory=list)
    errors: list[StatementError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _row(row: Row) -> StatementRow:
    return StatementRow(
        line=row.line,
        last_name=row["last_name"],
        first_name=row["first_name"],
        birth_date=row["birth_date"],
        lot=row["lot"],
        month=row["month"],
        hours=row["hours"].quantize(CENT),
        training_hours=(row["training_hours"] or Decimal(0)).quantize(CENT),
    )


def read_statement(
    data: bytes,
    filename: str,
    *,
    limits: Limits | None = None,
    max_hours: Decimal = MAX_MONTHLY_HOURS,
) -> Statement:
    """The statement in ``data`` (the file's bytes; ``filename`` as sent, its extension
    says CSV or XLSX and must agree with the content). ``limits`` bound what reading may
    cost (the view passes ``Limits.from_config(app.config)``); ``max_hours`` is the monthly
    maximum per person. Raises :class:`UnreadableFile` (a ``ValueError`` with a French
    message) for a file refused as a whole."""
    read = read_rows(data, filename, FIELDS, limits=limits)
    statement = Statement()
    for error in read.errors:
        statement.errors.append(
            StatementError(error.line, f"{error.column} : {error.message}", error.column)
        )
    for raw in read.rows:
        row = _row(raw)
        problems = line_problems(
            row.hours, row.training_hours, row.month, row.birth_date, max_hours
        )
        if problems:
            statement.errors.extend(StatementError(row.line, problem) for problem in problems)
        else:
            statement.rows.append(row)
    statement.errors.sort(key=lambda error: error.line)  # stable: a line's errors keep their order
    return statement
