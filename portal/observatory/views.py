"""The observatory pages and files (issue 12; docs/domain.md §9; convention annexe 2).

- ``/observatoire/``: the files, their period filters and their download buttons;
- ``/observatoire/colonnes``: every column of every file, its meaning and its codes;
- ``/observatoire/semestre``: the semi-annual aggregates (table; XLSX or CSV);
- ``POST /observatoire/fichier/<version>.<fmt>``: the line file, built by a job (500,000
  lines do not fit in a request); the identified version is the AMOI's only and every
  build writes an audit line of a personal-data read.
"""

from __future__ import annotations

from flask import abort, g, request

from portal import audit
from portal.access import Role, allow, scoped
from portal.clock import today
from portal.documents.spreadsheets import (
    XLSX_MIMETYPE,
    Sheet,
    csv_bytes,
    csv_response,
    xlsx_bytes,
    xlsx_response,
)
from portal.extensions import db
from portal.jobs.kinds import JobOutput, JobRefused, Progress, job_kind
from portal.jobs.services import query_parameters
from portal.jobs.views import start_response
from portal.models import Lot, SubcontractorShare
from portal.observatory import bp, columns, queries
from portal.observatory.access import can_download_identified_observatory
from portal.rules.hours import TRADES
from portal.rules.markets import LegalBasis
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet

READERS = (Role.FACILITATOR, Role.BUYER)
VERSIONS = {"anonyme": False, "nominatif": True}
FORMATS = ("csv", "xlsx")
HALVES = [(1, "1er semestre (janvier à juin)"), (2, "2d semestre (juillet à décembre)")]


def _years() -> list[tuple[int, int]]:
    this = today().year
    return [(year, year) for year in range(this, this - 6, -1)]


def _this_half() -> str:
    return "1" if today().month <= 6 else "2"


FILE_FILTERS = FilterSet(
    Filter("annee", "Année", "year", _years, None, default=lambda: str(today().year)),
    Filter("semestre", "Semestre", "id", HALVES, "Toute l'année"),
)
SEMESTER_FILTERS = FilterSet(
    Filter("annee", "Année", "year", _years, None, default=lambda: str(today().year)),
    Filter("semestre", "Semestre", "id", HALVES, None, default=_this_half),
)


def _reach() -> queries.Reach:
    """The lots and TCE shares whose lines the user may read: all for the AMOI, those of its
    operations for a buyer (the CCVG: the whole territory)."""
    return queries.Reach(
        scoped(Lot).with_only_columns(Lot.id).order_by(None),
        scoped(SubcontractorShare).with_only_columns(SubcontractorShare.id).order_by(None),
    )


@bp.route("/observatoire/")
@allow(*READERS)
def index():
    filters = FILE_FILTERS.read()
    return render(
        "observatory/index.html", "observatory/index.html", filters=filters, formats=FORMATS
    )


@bp.route("/observatoire/colonnes")
@allow(*READERS)
def columns_page():
    return render(
        "observatory/columns.html",
        "observatory/columns.html",
        line_columns=columns.LINE_COLUMNS,
        semester_columns=columns.SEMESTER_COLUMNS,
    )


def _semester(filters):
    year = filters.parsed["annee"] or today().year
    half = filters.parsed["semestre"] or int(_this_half())
    return year, half, queries.semester(_reach(), year, half)


@bp.route("/observatoire/semestre")
@allow(*READERS)
def semester():
    filters = SEMESTER_FILTERS.read()
    year, half, groups = _semester(filters)
    return render(
        "observatory/semester.html",
        "observatory/_partials/_semester.html",
        filters=filters,
        year=year,
        half=half,
        groups=groups,
        trades={code: trade.label for code, trade in TRADES.items()},
        bases={basis.value: basis.label for basis in LegalBasis},
    )


@bp.route("/observatoire/semestre/export.<fmt>")
@allow(*READERS)
def semester_export(fmt: str):
    """The semester's aggregates (a few hundred rows at most: no job needed)."""
    if fmt not in FORMATS:
        abort(404)
    year, half, groups = _semester(SEMESTER_FILTERS.read())
    rows = queries.semester_rows(groups, year, half)
    heads = [c.column for c in columns.SEMESTER_COLUMNS]
    name = f"observatoire-semestriel-{year}-S{half}"
    audit.record("export.observatory_semester", object_type="export", object_id=f"{year}-S{half}")
    db.session.commit()
    if fmt == "csv":
        return csv_response(f"{name}.csv", heads, rows)
    return xlsx_response(f"{name}.xlsx", [Sheet(f"{year}-S{half}", heads, rows)])


@bp.route("/observatoire/fichier/<version>.<fmt>", methods=["POST"])
@allow(*READERS)
def line_file(version: str, fmt: str):
    """Start the line file's job (identified: AMOI only, 403 otherwise)."""
    if version not in VERSIONS or fmt not in FORMATS:
        abort(404)
    if VERSIONS[version] and not can_download_identified_observatory(g.user):
        abort(403)
    parameters = query_parameters(request.args, ("annee", "semestre"))
    return start_response(f"observatory.{version}.{fmt}", parameters)


def _build(version: str, fmt: str, progress: Progress) -> JobOutput:
    identified = VERSIONS[version]
    if identified and not can_download_identified_observatory(g.user):
        raise JobRefused("Le fichier nominatif est réservé à l'AMO Insertion.")
    filters = FILE_FILTERS.read(request.args)
    year = filters.parsed["annee"] or today().year
    half = filters.parsed["semestre"]
    first, last = queries.period(year, half)
    rows = list(queries.line_rows(_reach(), first, last, identified))
    action = "export.observatory_identified" if identified else "export.observatory"
    audit.record(
        action,
        object_type="export",
        object_id=f"{year}-{half or 'A'}",
        detail=f"rows={len(rows)} format={fmt}",
    )
    db.session.commit()
    progress(0, len(rows))
    heads = [c.column for c in columns.line_columns(identified)]
    name = f"observatoire-{version}-{year}" + (f"-S{half}" if half else "")
    if fmt == "csv":
        return JobOutput(f"{name}.csv", "text/csv; charset=utf-8", csv_bytes(heads, rows, progress))
    data = xlsx_bytes([Sheet(str(year), heads, rows)], progress=progress)
    return JobOutput(f"{name}.xlsx", XLSX_MIMETYPE, data)


@job_kind("observatory.anonyme.csv", "Fichier de l'observatoire anonymisé (CSV pour Excel)")
def anonymised_csv(progress: Progress) -> JobOutput:
    return _build("anonyme", "csv", progress)


@job_kind("observatory.anonyme.xlsx", "Fichier de l'observatoire anonymisé (Excel, XLSX)")
def anonymised_xlsx(progress: Progress) -> JobOutput:
    return _build("anonyme", "xlsx", progress)


@job_kind("observatory.nominatif.csv", "Fichier nominatif des facilitateurs (CSV pour Excel)")
def identified_csv(progress: Progress) -> JobOutput:
    return _build("nominatif", "csv", progress)


@job_kind("observatory.nominatif.xlsx", "Fichier nominatif des facilitateurs (Excel, XLSX)")
def identified_xlsx(progress: Progress) -> JobOutput:
    return _build("nominatif", "xlsx", progress)
