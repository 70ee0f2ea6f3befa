"""Reading rows from a file people send (CSV or XLSX): the mirror of the spreadsheet writer
(:mod:`portal.documents.spreadsheets`, docs/architecture.md §7). A reader declares its columns once —
attribute name, French header, kind, required or not — and gets typed rows, or per-row
French errors naming the line and the column, never an exception for a bad cell:

    FIELDS = (
        Field("name", "Nom"),
        Field("month", "Mois", "month"),
        Field("hours", "Heures", "hours"),
        Field("comment", "Commentaire", required=False),
    )
    result = read_rows(data, "releve.xlsx", FIELDS)
    for row in result.rows:      # only the rows without error
        row.line, row["hours"]   # the file's line number, a Decimal
    for error in result.errors:  # « Ligne 12, colonne « Heures » : … »
        ...

A reader for one kind of file (``portal.statements.reader.read_statement``) is its tuple of
fields and a function that calls :func:`read_rows`, then checks what needs more than one
cell or the database and moves the rows that fail to the errors (:meth:`ReadResult.reject`).

What real files look like, and what is accepted:

- CSV separated by ``;`` (French Excel), ``,`` or a tab — the separator that splits the
  first lines into the most known headers (decimal commas in the data rows of a ``,`` file
  are then quoted fields) —, in UTF-8 with or without BOM or in Windows-1252 (Excel's
  « CSV » on a French Windows);
- XLSX read with openpyxl in read-only mode, values only (a formula gives its last
  computed value), first sheet. Before openpyxl opens it, the archive is checked: at most
  ``Limits.max_parts`` parts, ``Limits.max_uncompressed`` bytes once inflated and no part
  compressed more than ``Limits.max_ratio`` times (a « zip bomb » is refused without being
  inflated: Python's zipfile never inflates a part beyond its declared size), and no part
  may declare a DTD (XML entities, « billion laughs »); openpyxl itself parses through
  defusedxml, which refuses entities too. The sheet is read ``Limits.max_columns`` columns
  wide whatever its declared dimension says;
- headers matched ignoring case, accents, spaces and punctuation (« N° SIRET » =
  « n siret »), in any order, extra columns ignored; the header row may follow a few title
  rows; blank lines skipped;
- numbers typed the French way (``1 250,5``, ``1250.50 €``) or stored as numbers; dates
  ``25/11/2026``, ``25/11/26``, ISO ``2026-11-25``, Excel serials and date cells; months
  ``03/2026``, ``2026-03``, ``mars 2026`` or any date (its month);
- a text cell that our own exports neutralised (``'=SOMME…``) reads back without the
  apostrophe.

Whatever the format, a file heavier than ``Limits.max_bytes``, holding more than
``Limits.max_rows`` rows (or twice as many lines counting blank ones), a CSV with more than
``Limits.max_columns`` columns or a line longer than ``Limits.max_line_length`` characters,
or a file whose first bytes say it is something else (a PDF, an image, an old .xls) is
refused before or while it is read, so that reading costs bounded time and memory.

A file that cannot be read at all (not a CSV nor an XLSX, damaged, too big, a required
column missing) raises :class:`UnreadableFile`, a ``ValueError`` whose message is French
and can be shown as it is.

Pure: no Flask, no database (the limits come from the caller, see ``Limits.from_config``).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from portal.documents.spreadsheets import FORMULA_STARTS
from portal.french import parse_french_decimal

if not openpyxl.DEFUSEDXML:  # pragma: no cover - a broken installation, not a code path
    raise ImportError("defusedxml is required: openpyxl must not parse XML entities")

KINDS = ("text", "int", "decimal", "money", "hours", "date", "month", "bool")
PLACES = {"decimal": 2, "money": 2, "hours": 2}  # the columns are Numeric(…, 2)
MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
YES = {"oui", "o", "vrai", "1", "x"}
NO = {"non", "n", "faux", "0"}
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 31/12/1899 once Excel's 1900 leap bug is skipped
HEADER_SEARCH = 10  # title rows tolerated above the header row
SPACES = str.maketrans({" ": "", "\u00a0": "", "\u202f": "", "\u2009": ""})
SIGNATURES = (
    (b"%PDF", "un document PDF"),
    (b"\xd0\xcf\x11\xe0", "un ancien document Office (.xls ou .doc)"),
    (b"\x89PNG", "une image"),
    (b"\xff\xd8\xff", "une image"),
    (b"GIF8", "une image"),
    (b"{\\rtf", "un document RTF"),
    (b"\x1f\x8b", "une archive compressée"),
    (b"Rar!", "une archive compressée"),
    (b"7z\xbc\xaf", "une archive compressée"),
)
"""First bytes of files people send by mistake instead of a table, and what they are."""
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
RATIO_FLOOR = 1024 * 1024  # parts smaller than this inflate to little whatever their ratio
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)


class UnreadableFile(ValueError):
    """The file cannot be read at all; the message is French, for the user."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what a file may cost to read (default, configurable: ``IMPORT_*``)."""

    max_rows: int = 20_000
    max_parts: int = 500
    max_uncompressed: int = 50 * 1024 * 1024
    max_bytes: int = 5 * 1024 * 1024
    max_ratio: int = 100
    max_columns: int = 200
    max_line_length: int = 10_000

    @classmethod
    def from_config(cls, config: Mapping) -> Limits:
        """The limits of the application's settings (``IMPORT_MAX_ROWS``,
        ``IMPORT_MAX_PARTS``, ``IMPORT_MAX_UNCOMPRESSED``, ``IMPORT_MAX_BYTES``), defaults
        for the missing ones."""
        default = cls()
        return cls(
            max_rows=int(config.get("IMPORT_MAX_ROWS", default.max_rows)),
            max_parts=int(config.get("IMPORT_MAX_PARTS", default.max_parts)),
            max_uncompressed=int(config.get("IMPORT_MAX_UNCOMPRESSED", default.max_uncompressed)),
            max_bytes=int(config.get("IMPORT_MAX_BYTES", default.max_bytes)),
        )


@dataclass(frozen=True)
class Field:
    """One column to read: the attribute ``name`` of the row, its French ``header`` (and
    other headers people write, ``aliases``), its kind — the writer's kinds (text, int,
    decimal, money, hours, date) plus month and bool —, and whether it is ``required``
    (the column must be in the file and every row must fill it; an optional column may be
    missing or blank: None). ``max_length`` bounds a text."""

    name: str
    header: str
    kind: str = "text"
    required: bool = True
    aliases: tuple[str, ...] = ()
    max_length: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r} (one of {', '.join(KINDS)})")

    @property
    def keys(self) -> set[str]:
        return {header_key(h) for h in (self.header, *self.aliases)}


@dataclass(frozen=True)
class Row:
    """A row read without error: its line in the file and its typed values by name."""

    line: int
    values: Mapping[str, object]

    def __getitem__(self, name: str) -> object:
        return self.values[name]


@dataclass(frozen=True)
class RowError:
    """Why one cell (or one line) could not be read, in French."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"Ligne {self.line}"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


@dataclass
class ReadResult:
    """The rows read without error, and the errors of the others, in file order."""

    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def reject(self, row: Row, message: str, column: str | None = None) -> None:
        """Move a row that reads well but breaks a rule of the caller's (hours beyond the
        month's, a person unknown…) to the errors, with a French ``message``."""
        self.rows.remove(row)
        self.errors.append(RowError(row.line, column, message))
        self.errors.sort(key=lambda error: error.line)


class CellError(ValueError):
    """A cell's value does not fit its column (French message)."""


# --- the entry point ---------------------------------------------------------------------


def read_rows(
    data: bytes, filename: str, fields: Sequence[Field], *, limits: Limits | None = None
) -> ReadResult:
    """The rows of ``data`` (the file's bytes, ``filename`` as sent) read as ``fields``.
    Raises :class:`UnreadableFile` when the file as a whole cannot be read."""
    limits = limits or Limits()
    raw_rows = _raw_rows(data, filename, limits, fields)
    return _typed(raw_rows, fields, limits)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _raw_rows(
    data: bytes, filename: str, limits: Limits, fields: Sequence[Field] = ()
) -> Iterator[tuple[int, list[object]]]:
    """``(line, cells)`` of the file, whatever its format (extension and content agree)."""
    if len(data) > limits.max_bytes:
        raise UnreadableFile(
            f"Ce fichier pèse {_megabytes(len(data))} Mo, au-delà des "
            f"{_megabytes(limits.max_bytes)} Mo permis : envoyez un fichier plus petit "
            "(par exemple un mois à la fois)."
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    is_zip = data[:4] == b"PK\x03\x04"
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise UnreadableFile(
                f"Ce fichier n'est pas un tableau : c'est {what}. Envoyez un fichier CSV ou "
                "un classeur Excel (.xlsx)."
            )
    if extension in ("xlsx", "xlsm"):
        if not is_zip:
            raise UnreadableFile(
                "Ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel : "
                "enregistrez-le à nouveau depuis votre tableur au format « Classeur Excel »."
            )
        return _xlsx_rows(data, limits)
    if extension in ("csv", "txt"):
        if is_zip:
            raise UnreadableFile(
                "Ce fichier porte l'extension .csv mais c'est un classeur Excel : "
                "renommez-le en .xlsx ou enregistrez-le au format CSV."
            )
        return _csv_rows(data, limits, fields)
    if extension == "xls":
        raise UnreadableFile(
            "Les classeurs Excel 97-2003 (.xls) ne sont pas lus : enregistrez le fichier au "
            "format « Classeur Excel (.xlsx) » ou « CSV (séparateur : point-virgule) »."
        )
    raise UnreadableFile("Envoyez un fichier CSV ou un classeur Excel (.xlsx).")


# --- CSV ---------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "L'encodage de ce fichier n'est pas reconnu : enregistrez-le en « CSV UTF-8 »."
        ) from error


DELIMITERS = (";", ",", "\t")


def _first_lines(text: str) -> list[str]:
    lines = []
    for line in itertools.islice(io.StringIO(text, newline=""), HEADER_SEARCH * 100):
        if line.strip(" ;,\t\r\n"):
            lines.append(line)
            if len(lines) == HEADER_SEARCH:
                break
    return lines


def _delimiter(text: str, fields: Sequence[Field] = ()) -> str:
    """``;``, ``,`` or a tab. The one that splits one of the first lines into the most
    known headers (a title row above the header, decimal commas below it do not mislead
    it); failing that, the one that appears most on the first non-blank line, outside
    quotes (``;`` on a tie, as French Excel writes)."""
    lines = _first_lines(text)
    known = set().union(*(spec.keys for spec in fields)) if fields else set()
    if known and lines:

        def score(delimiter: str) -> int:
            reader = csv.reader(lines, delimiter=delimiter)
            try:
                return max(len({header_key(cell) for cell in cells} & known) for cells in reader)
            except csv.Error:
                return 0

        scores = {delimiter: score(delimiter) for delimiter in DELIMITERS}
        best = max(scores.values())
        if best and list(scores.values()).count(best) == 1:
            return max(scores, key=scores.__getitem__)
    for line in lines[:1]:
        unquoted = re.sub(r'"[^"]*"', "", line)
        return max(DELIMITERS, key=unquoted.count)  # the first on a tie: « ; »
    return ";"


def _check_text(text: str, limits: Limits) -> None:
    """Refuse text that is not a table: control characters (a binary file), a line so long
    that no statement would write it."""
    if "\x00" in text:
        raise UnreadableFile("Ce fichier contient des caractères nuls : ce n'est pas un CSV.")
    if CONTROL_CHARACTERS.search(text):
        raise UnreadableFile(
            "Ce fichier contient des caractères de contrôle : ce n'est pas un fichier texte. "
            "Envoyez un fichier CSV ou un classeur Excel (.xlsx)."
        )
    lengths = [len(line) for line in text.split("\n")]
    if max(lengths) > limits.max_line_length:
        line = next(n for n, length in enumerate(lengths, 1) if length > limits.max_line_length)
        raise UnreadableFile(
            f"La ligne {line} de ce fichier compte plus de {limits.max_line_length} "
            "caractères : ce n'est pas un relevé lisible."
        )


def _csv_rows(
    data: bytes, limits: Limits | None = None, fields: Sequence[Field] = ()
) -> Iterator[tuple[int, list[object]]]:
    limits = limits or Limits()
    text = decode(data)
    _check_text(text, limits)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text, fields), strict=True
    )
    try:
        start = 1
        for cells in reader:
            if len(cells) > limits.max_columns:
                raise UnreadableFile(
                    f"La ligne {start} de ce fichier compte {len(cells)} colonnes, au-delà des "
                    f"{limits.max_columns} permises : ce n'est pas un relevé lisible."
                )
            yield start, list(cells)
            start = reader.line_num + 1
    except csv.Error as error:
        raise UnreadableFile(
            f"Ce fichier CSV est mal formé vers la ligne {reader.line_num} "
            "(un guillemet mal placé ou non refermé ?)."
        ) from error


# --- XLSX --------------------------------------------------------------------------------


def check_archive(data: bytes, limits: Limits) -> None:
    """Refuse an XLSX archive that would cost too much to open, before openpyxl does: too
    many parts, too many bytes once inflated, or an XML part declaring a DTD (entities)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableFile(
            "Ce classeur Excel est endommagé : il ne peut pas être ouvert."
        ) from error
    with archive:
        parts = archive.infolist()
        if len(parts) > limits.max_parts:
            raise UnreadableFile(
                f"Ce classeur contient {len(parts)} éléments internes, au-delà des "
                f"{limits.max_parts} permis : enregistrez les seules données dans un nouveau "
                "classeur."
            )
        declared = sum(part.file_size for part in parts)
        if declared > limits.max_uncompressed:
            raise UnreadableFile(
                f"Ce classeur décompressé occupe {declared // (1024 * 1024)} Mo, au-delà des "
                f"{limits.max_uncompressed // (1024 * 1024)} Mo permis : envoyez un fichier "
                "plus petit (par exemple un mois à la fois)."
            )
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > RATIO_FLOOR and ratio > limits.max_ratio:
                raise UnreadableFile(
                    f"Ce classeur contient un élément compressé {int(ratio)} fois, au-delà "
                    f"des {limits.max_ratio} fois permises (une « bombe de décompression ») : "
                    "il n'est pas lu."
                )
        try:
            for part in parts:
                if part.filename.endswith((".xml", ".rels", ".vml")):
                    content = archive.read(part)
                    if any(marker in content for marker in DTD_MARKERS):
                        raise UnreadableFile(
                            "Ce classeur contient des déclarations XML non autorisées "
                            "(entités) : il n'est pas lu."
                        )
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise UnreadableFile(
                "Ce classeur Excel est endommagé : il ne peut pas être ouvert."
            ) from error


def _xlsx_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, list[object]]]:
    check_archive(data, limits)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            "Ce classeur Excel ne peut pas être lu : enregistrez-le à nouveau depuis votre "
            "tableur au format « Classeur Excel (.xlsx) »."
        ) from error
    except Exception as error:  # defusedxml's refusals, lxml's syntax errors…
        raise UnreadableFile(
            "Ce classeur Excel contient un contenu non autorisé ou endommagé : il n'est pas lu."
        ) from error
    return _sheet_rows(workbook, limits)


def _sheet_rows(workbook, limits: Limits | None = None) -> Iterator[tuple[int, list[object]]]:
    """The first sheet's rows, ``max_columns`` wide, missing rows given as empty ones (so
    that each row's line is the row number Excel shows). The declared dimension is ignored:
    a sheet claiming a million rows by 16,384 columns is read as the rows it holds."""
    limits = limits or Limits()
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_col=limits.max_columns, values_only=True)
        for line, cells in enumerate(rows, start=1):
            yield line, list(cells)
    except UnreadableFile:
        raise
    except Exception as error:  # a damaged or hostile sheet part, found while streaming
        raise UnreadableFile(
            "Ce classeur Excel contient un contenu non autorisé ou endommagé : il n'est pas lu."
        ) from error
    finally:
        workbook.close()


# --- header and rows ---------------------------------------------------------------------


def header_key(text: object) -> str:
    """A header as compared: no accents, no case, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", bare.casefold())


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _columns(header: list[object], fields: Sequence[Field]) -> dict[str, int] | None:
    """Index of each field's column in ``header``; None if a required one is missing."""
    keys = [header_key(cell) for cell in header]
    found: dict[str, int] = {}
    for spec in fields:
        matches = [i for i, key in enumerate(keys) if key and key in spec.keys]
        if len(matches) > 1:
            raise UnreadableFile(
                f"La colonne « {spec.header} » apparaît {len(matches)} fois dans l'en-tête : "
                "gardez-en une seule."
            )
        if matches:
            found[spec.name] = matches[0]
    if any(spec.required and spec.name not in found for spec in fields):
        return None
    return found


def _missing_message(best: list[object], fields: Sequence[Field]) -> str:
    keys = {header_key(cell) for cell in best}
    missing = [spec.header for spec in fields if spec.required and not (spec.keys & keys)]
    names = ", ".join(f"« {header} »" for header in missing)
    if len(missing) == 1:
        return (
            f"La colonne {names} est introuvable : la première ligne du tableau doit porter "
            "les noms des colonnes."
        )
    return (
        f"Les colonnes {names} sont introuvables : la première ligne du tableau doit porter "
        "les noms des colonnes."
    )


def _typed(raw_rows: Iterable[tuple[int, list[object]]], fields: Sequence[Field], limits: Limits):
    result = ReadResult()
    rows = iter(raw_rows)
    columns = None
    best: tuple[int, list[object]] = (-1, [])
    for _ in range(HEADER_SEARCH):
        line_and_cells = next(rows, None)
        if line_and_cells is None:
            break
        _line, cells = line_and_cells
        if all(_blank(cell) for cell in cells):
            continue
        columns = _columns(cells, fields)
        if columns is not None:
            break
        score = len({header_key(c) for c in cells} & set().union(*(f.keys for f in fields)))
        if score > best[0]:
            best = (score, cells)
    if columns is None:
        if best[0] < 0:
            raise UnreadableFile("Ce fichier est vide : il ne contient aucune ligne.")
        raise UnreadableFile(_missing_message(best[1], fields))
    count = blank = 0
    for line, cells in rows:
        if all(_blank(cell) for cell in cells):
            blank += 1
            if blank <= limits.max_rows:
                continue
        else:
            count += 1
        if count > limits.max_rows or blank > limits.max_rows:
            raise UnreadableFile(
                f"Ce fichier compte plus de {limits.max_rows} lignes : découpez-le en "
                "plusieurs fichiers."
            )
        values: dict[str, object] = {}
        errors = []
        for spec in fields:
            index = columns.get(spec.name)
            raw = cells[index] if index is not None and index < len(cells) else None
            try:
                values[spec.name] = read_cell(raw, spec)
            except CellError as error:
                errors.append(RowError(line, spec.header, str(error)))
        if errors:
            result.errors.extend(errors)
        else:
            result.rows.append(Row(line, values))
    return result


# --- cells -------------------------------------------------------------------------------


def _shown(value: object) -> str:
    text = str(value).strip()
    return text if len(text) <= 30 else text[:29] + "…"


def read_cell(value: object, spec: Field) -> object:
    """One cell as its column's kind; None for a blank optional cell. Raises
    :class:`CellError` with a French message."""
    if _blank(value):
        if spec.required:
            raise CellError("la cellule est vide.")
        return None
    reader = CELL_READERS[spec.kind]
    result = reader(value)
    if spec.max_length is not None and isinstance(result, str) and len(result) > spec.max_length:
        raise CellError(f"le texte dépasse {spec.max_length} caractères.")
    return result


def read_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a SIRET or a postcode typed as a number
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]  # neutralised by our own exports (spreadsheets.neutralise)
    return text


def read_int(value: object) -> int:
    if isinstance(value, bool):
        raise CellError(f"« {_shown(value)} » n'est pas un nombre entier.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"« {_shown(value)} » n'est pas un nombre entier.")
    text = str(value).strip().translate(SPACES)
    if not re.fullmatch(r"-?[0-9]{1,15}", text, flags=re.ASCII):
        raise CellError(f"« {_shown(value)} » n'est pas un nombre entier.")
    return int(text)


def _read_number(value: object, places: int) -> Decimal:
    if isinstance(value, bool):
        raise CellError(f"« {_shown(value)} » n'est pas un nombre.")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        rounded = number.quantize(Decimal(1).scaleb(-places))
        if abs(rounded - number) < Decimal("0.000001"):  # a float's last binary digits
            number = rounded
    else:
        try:
            number = parse_french_decimal(str(value))
        except (ValueError, InvalidOperation) as error:
            raise CellError(
                f"« {_shown(value)} » n'est pas un nombre (écrivez par exemple 1 250,50)."
            ) from error
    if number is None:
        raise CellError("la cellule est vide.")
    if not number.is_finite():
        raise CellError(f"« {_shown(value)} » n'est pas un nombre.")
    if number.as_tuple().exponent < -places:  # type: ignore[operator]
        raise CellError(f"« {_shown(value)} » a plus de {places} décimales.")
    if abs(number) >= Decimal(10) ** 10:
        raise CellError(f"« {_shown(value)} » est trop grand.")
    return number


def read_decimal(value: object) -> Decimal:
    return _read_number(value, PLACES["decimal"])


def _from_serial(value: float) -> date:
    if not 1 <= value < 2958466:  # Excel's range: 01/01/1900 to 31/12/9999
        raise CellError(f"« {_shown(value)} » n'est pas une date.")
    return EXCEL_EPOCH + timedelta(days=int(value))


DATE_FORMATS = (
    re.compile(r"(?P<d>[0-9]{1,2})[/.-](?P<m>[0-9]{1,2})[/.-](?P<y>[0-9]{4}|[0-9]{2})"),
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?:[ T][0-9:.]+)?"),
)


def read_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    text = str(value).strip()
    if re.fullmatch(r"[0-9]{5}(\.0+)?", text, flags=re.ASCII):
        return _from_serial(float(text))  # a serial written out as text
    for pattern in DATE_FORMATS:
        match = pattern.fullmatch(text)
        if match:
            year = int(match["y"])
            year += 2000 if year < 100 else 0
            try:
                return date(year, int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise CellError(f"« {_shown(value)} » n'est pas une date (écrivez par exemple 25/11/2026).")


def read_month(value: object) -> date:
    """The first day of the month the cell names."""
    if not isinstance(value, str):
        return read_date(value).replace(day=1)
    text = value.strip()
    match = re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{4})|([0-9]{4})-([0-9]{1,2})", text)
    if match:
        month = int(match[1] or match[4])
        year = int(match[2] or match[3])
    else:
        words = header_key(text[:-4]) if len(text) > 4 else ""
        year_text = text[-4:]
        if words not in MONTHS or not year_text.isascii() or not year_text.isdigit():
            try:
                return read_date(text).replace(day=1)
            except CellError:
                raise CellError(
                    f"« {_shown(value)} » n'est pas un mois (écrivez par exemple 03/2026)."
                ) from None
        month, year = MONTHS[words], int(year_text)
    if not 1 <= month <= 12:
        raise CellError(f"« {_shown(value)} » n'est pas un mois (écrivez par exemple 03/2026).")
    return date(year, month, 1)


def read_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    key = header_key(value)
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(f"« {_shown(value)} » : répondez par oui ou non.")


CELL_READERS = {
    "text": read_text,
    "int": read_int,
    "decimal": read_decimal,
    "money": lambda value: _read_number(value, PLACES["money"]),
    "hours": lambda value: _read_number(value, PLACES["hours"]),
    "date": read_date,
    "month": read_month,
    "bool": read_bool,
}
