"""The reports' pages (blueprint ``reports``, URLs ``/bilans/…``; issue 12,
docs/domain.md §9): the index of the operations with their report status, an operation's
annual report (per year) and its final report, the AMOI's text and the delivery."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from sqlalchemy.orm import joinedload

from portal.access import Role, allow, get_or_404, is_facilitator, scoped
from portal.clock import today
from portal.documents.report_render import long_date, report_response
from portal.extensions import db
from portal.models import Market, Operation, Report, ReportKind
from portal.models.base import utcnow
from portal.models.reports import TEXT_FIELDS
from portal.refusals import Refused
from portal.reports import reserved as reserved_reports
from portal.reports import services
from portal.reports.document import build_document, format_cell
from portal.reports.forms import OpenForm, ReportTextForm
from portal.rules.indicators import indicators_data
from portal.rules.markets import LegalBasis
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet
from portal.web.params import parse_int

bp = Blueprint("reports", __name__)

from portal.reports import access  # noqa: E402
from portal.reports.access import can_read_territory  # noqa: E402
from portal.reports.confirmations import confirm_bilan_delivery  # noqa: E402

assert access  # the scope rule is registered on import

AMOI = (Role.FACILITATOR,)
READERS = (Role.FACILITATOR, Role.BUYER)

RESERVED_BASES = sorted(basis.value for basis in LegalBasis if basis.is_reserved)
RESERVED_SHOWN = 200
"""The reserved markets the index lists at most (a territory has a few dozen)."""

FILTERS = FilterSet(
    Filter("annee", "Année", "year", default=lambda: str(today().year)),
)


def _year(value: int) -> int:
    if not 2000 <= value <= 2100:
        abort(404)
    return value


@bp.route("/bilans/")
@allow(*READERS)
def index():
    """The operations the user sees with the status of their annual report of the chosen
    year and of their final report."""
    this_year = today().year
    filters = FILTERS.read(choices={"annee": [(y, y) for y in range(this_year, this_year - 6, -1)]})
    year = filters.parsed["annee"] or this_year
    pagination = filters.paginate(scoped(Operation).order_by(Operation.name, Operation.id))
    ids = [operation.id for operation in pagination.items]
    annual: dict[int, Report] = {}
    final: dict[int, Report] = {}
    if ids:
        for report in db.session.scalars(
            scoped(Report).where(Report.operation_id.in_(ids)).order_by(Report.revision)
        ):
            if report.kind == "operation_annual" and report.year == year:
                annual[report.operation_id] = report
            elif report.kind == "operation_final":
                final[report.operation_id] = report
    reserved_markets = db.session.scalars(
        scoped(Market)
        .where(Market.legal_basis.in_(RESERVED_BASES))
        .options(joinedload(Market.operation).joinedload(Operation.buyer))
        .order_by(Market.reference, Market.id)
        .limit(RESERVED_SHOWN)
    ).all()
    reserved_reports: dict[int, Report] = {}
    if reserved_markets:
        for report in db.session.scalars(
            scoped(Report)
            .where(
                Report.kind == ReportKind.RESERVED_ANNUAL.value,
                Report.year == year,
                Report.market_id.in_([m.id for m in reserved_markets]),
            )
            .order_by(Report.revision)
        ):
            reserved_reports[report.market_id] = report
    return render(
        "reports/index.html",
        "reports/_partials/_table.html",
        reserved_markets=reserved_markets,
        reserved_reports=reserved_reports,
        pagination=pagination,
        filters=filters,
        year=year,
        annual=annual,
        final=final,
    )


FORMATS = (("pdf", "PDF"), ("xlsx", "tableur (XLSX)"), ("docx", "Word (DOCX)"))


def _status_line(report: Report | None) -> str:
    if report is not None and report.is_delivered:
        line = f"Version {report.revision}, remise le {long_date(report.delivered_on)}"
    elif report is not None and report.status == "superseded":
        line = f"Version {report.revision}, remplacée par une version plus récente"
    else:
        line = "Projet : chiffres provisoires, non remis"
    if report is not None and report.supersedes_id is not None:
        line += f" ; remplace la version {report.revision - 1}"
    return line


def _build(report: Report | None, figures: dict, *, title: str, subject: str, filename: str):
    texts = report.texts if report is not None else {name: "" for name in TEXT_FIELDS}
    return build_document(
        figures,
        title=title,
        subject=subject,
        author="AMO Insertion",
        issued_on=report.delivered_on if report and report.delivered_on else today(),
        status_line=_status_line(report),
        filename=filename,
        texts=texts,
    )


def _document(operation: Operation, year: int | None):
    """The latest version of the report (None before a draft is opened) and its document:
    the frozen figures of a delivered report, the live ones otherwise."""
    report = services.latest(operation, year)
    if report is not None:
        figures = services.report_figures(report)
    else:
        figures = indicators_data(services.figures_for_operation(operation, year))
    title = "Bilan final" if year is None else f"Bilan annuel {year}"
    document = _build(
        report,
        figures,
        title=title,
        subject=operation.name,
        filename=f"bilan-{operation.id}-{year or 'final'}",
    )
    return report, document


def _years(first: int) -> list[int]:
    this_year = today().year
    return list(range(max(first, this_year - 10), this_year + 1))


def _show(report, document, year, **context):
    form = None
    if is_facilitator(g.user) and (report is None or report.status == "draft"):
        texts = report.texts if report is not None else {}
        form = ReportTextForm(formdata=None, data=texts)
    return render(
        "reports/show.html",
        "reports/show.html",
        year=year,
        report=report,
        document=document,
        form=form,
        open_form=OpenForm(formdata=None, data={"year": year or ""}),
        format_cell=format_cell,
        text_fields=TEXT_FIELDS,
        **context,
    )


def _page(operation: Operation, year: int | None):
    report, document = _document(operation, year)
    this_year = today().year
    first = operation.start_date.year if operation.start_date else this_year - 2
    if year is None:
        downloads = [
            (label, url_for("reports.final_download", operation_id=operation.id, fmt=fmt))
            for fmt, label in FORMATS
        ]
    else:
        downloads = [
            (
                label,
                url_for("reports.annual_download", operation_id=operation.id, year=year, fmt=fmt),
            )
            for fmt, label in FORMATS
        ]
    return _show(
        report,
        document,
        year,
        operation=operation,
        downloads=downloads,
        open_url=url_for("reports.open_draft", operation_id=operation.id),
        year_links=[
            (y, url_for("reports.annual", operation_id=operation.id, year=y)) for y in _years(first)
        ],
    )


@bp.route("/bilans/operations/<int:operation_id>/<int:year>")
@allow(*READERS)
def annual(operation_id: int, year: int):
    """An operation's annual report for ``year`` (docs/domain.md §9)."""
    return _page(get_or_404(Operation, operation_id), _year(year))


@bp.route("/bilans/operations/<int:operation_id>/final")
@allow(*READERS)
def final(operation_id: int):
    """An operation's final report: the whole follow-up (docs/domain.md §9)."""
    return _page(get_or_404(Operation, operation_id), None)


def _download(operation: Operation, year: int | None, fmt: str):
    _, document = _document(operation, year)
    try:
        return report_response(document, fmt)
    except ValueError:
        abort(404)


@bp.route("/bilans/operations/<int:operation_id>/<int:year>/rapport.<fmt>")
@allow(*READERS)
def annual_download(operation_id: int, year: int, fmt: str):
    """The annual report as PDF, XLSX or DOCX (the same document as the page)."""
    return _download(get_or_404(Operation, operation_id), _year(year), fmt)


@bp.route("/bilans/operations/<int:operation_id>/final/rapport.<fmt>")
@allow(*READERS)
def final_download(operation_id: int, fmt: str):
    """The final report as PDF, XLSX or DOCX."""
    return _download(get_or_404(Operation, operation_id), None, fmt)


def _report_url(report: Report) -> str:
    if report.kind == ReportKind.RESERVED_ANNUAL.value:
        return url_for("reports.reserved", market_id=report.market_id, year=report.year)
    if report.kind == ReportKind.TERRITORY_ANNUAL.value:
        return url_for("reports.territory", year=report.year)
    if report.year is None:
        return url_for("reports.final", operation_id=report.operation_id)
    return url_for("reports.annual", operation_id=report.operation_id, year=report.year)


@bp.route("/bilans/operations/<int:operation_id>/projet", methods=["POST"])
@allow(*AMOI)
def open_draft(operation_id: int):
    """Open the draft of a report, or a new version of a delivered one."""
    operation = get_or_404(Operation, operation_id)
    form = OpenForm()
    if not form.validate():
        abort(400)
    raw = (form.year.data or "").strip()
    parsed = parse_int(raw, maximum=None)
    year = _year(parsed) if parsed is not None else None
    if raw and year is None:
        abort(400)
    report = services.open_draft(operation, year, g.user)
    db.session.commit()
    flash(f"Le projet de bilan (version {report.revision}) est ouvert.", "success")
    return redirect(_report_url(report), code=303)


@bp.route("/bilans/<int:report_id>/texte", methods=["POST"])
@allow(*AMOI)
@object_action(Report)
def save_text(report: Report):
    """The AMOI's interpretation saved on the draft. A plain form on purpose: the page comes
    back whole, with the saved text and the report's new version in the delivery form."""
    form = ReportTextForm()
    if not form.validate():
        raise Refused(" ".join(e for errors in form.errors.values() for e in errors))
    changed = services.save_text(report, g.user, {name: form[name].data for name in TEXT_FIELDS})
    flash("Le texte du bilan est enregistré." if changed else "Aucun changement.", "success")
    return redirect(_report_url(report), code=303)


@bp.route("/bilans/<int:report_id>/remettre", methods=["POST"])
@allow(*AMOI)
@object_action(Report)
def deliver(report: Report):
    """Deliver the report: figures and text frozen; the final report issues the balance
    invoice of the operation's quote (convention art. 7), a reserved market's annual
    report the invoice of its year (annexe 2)."""
    page = _report_url(report)
    if (asked := confirm.step(confirm_bilan_delivery(report), page)) is not None:
        return asked
    if report.kind == ReportKind.TERRITORY_ANNUAL.value:
        invoices = services.deliver_territory(report, g.user, today(), utcnow())
    elif report.kind == ReportKind.RESERVED_ANNUAL.value:
        invoice = reserved_reports.deliver(report, g.user, today(), utcnow())
        invoices = [invoice] if invoice is not None else []
    else:
        invoice = services.deliver(report, g.user, today(), utcnow())
        invoices = [invoice] if invoice is not None else []
    message = "Le bilan est remis ; ses chiffres sont figés."
    for invoice in invoices:
        message += f" La facture {invoice.number} est émise."
    flash(message, "success")
    return redirect(page, code=303)


# --- the territory's annual report (the pilotage report) --------------------------------------


def _territory_document(year: int):
    report = services.territory_latest(year)
    if report is not None and report.figures is not None:
        figures = report.figures
    else:
        figures = services.territory_data(year, report.texts if report else None)
    document = _build(
        report,
        figures,
        title=f"Bilan annuel {year} du territoire",
        subject="Clauses sociales de la Communauté de communes",
        filename=f"bilan-territoire-{year}",
    )
    return report, document


def _territory_reader() -> None:
    if not can_read_territory(g.user):
        abort(403)


@bp.route("/bilans/territoire/<int:year>")
@allow(*READERS)
def territory(year: int):
    """The territory's annual report for the CCVG: every operation of the year, one block
    per buyer; it is also the pilotage report (convention art. 7; docs/domain.md §9)."""
    year = _year(year)
    _territory_reader()
    report, document = _territory_document(year)
    return _show(
        report,
        document,
        year,
        operation=None,
        downloads=[
            (label, url_for("reports.territory_download", year=year, fmt=fmt))
            for fmt, label in FORMATS
        ],
        open_url=url_for("reports.territory_open", year=year),
        year_links=[(y, url_for("reports.territory", year=y)) for y in _years(today().year - 4)],
    )


@bp.route("/bilans/territoire/<int:year>/rapport.<fmt>")
@allow(*READERS)
def territory_download(year: int, fmt: str):
    """The territory report as PDF, XLSX or DOCX."""
    year = _year(year)
    _territory_reader()
    _, document = _territory_document(year)
    try:
        return report_response(document, fmt)
    except ValueError:
        abort(404)


@bp.route("/bilans/territoire/<int:year>/projet", methods=["POST"])
@allow(*AMOI)
def territory_open(year: int):
    """Open the territory report's draft, or a new version of a delivered one."""
    report = services.open_territory_draft(_year(year), g.user)
    db.session.commit()
    flash(f"Le projet de bilan (version {report.revision}) est ouvert.", "success")
    return redirect(_report_url(report), code=303)


from portal.reports import reserved_views  # noqa: E402

assert reserved_views  # the reserved market's pages are registered on import
