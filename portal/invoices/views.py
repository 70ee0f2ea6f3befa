"""Invoices (*factures*): list with totals, PDF, payment, and the yearly re-invoicing recap
per commune (convention art. 7: the CCVG pays, then re-invoices each commune once a year)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import extract
from sqlalchemy.orm import joinedload

from portal import audit
from portal.access import Role, allow, get_or_404, scoped
from portal.clock import today
from portal.documents.pdf import render_pdf
from portal.documents.spreadsheets import XLSX_MIMETYPE, Column, Sheet, xlsx_bytes
from portal.invoices import bp, queries
from portal.invoices import services as invoicing
from portal.invoices.confirmations import confirm_invoice_payment
from portal.invoices.forms import PaymentForm
from portal.invoices.services import InvoiceRefused
from portal.jobs.kinds import JobOutput, JobRefused, Progress, job_kind
from portal.jobs.services import query_parameters
from portal.jobs.views import start_response as start_job
from portal.models import Invoice, InvoiceStatus, Organisation
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet, pairs

FILTERS = FilterSet(
    Filter(
        "statut",
        "Statut",
        "choice",
        [(s.value, s.label) for s in InvoiceStatus],
        "Tous les statuts",
    ),
    Filter("annee", "Année d'émission", "year", all_label="Toutes les années"),  # years: index()
)


@bp.route("/factures/")
@allow(Role.FACILITATOR, Role.BUYER)
def index():
    totals = queries.totals_by_year_and_status()
    years = sorted({y for y, *_ in totals}, reverse=True)
    filters = FILTERS.read(choices={"annee": [(y, y) for y in years]})
    status, year = filters.parsed["statut"], filters.parsed["annee"]
    stmt = scoped(Invoice).options(joinedload(Invoice.quote), joinedload(Invoice.buyer))
    if status:
        stmt = stmt.where(Invoice.status == status)
    if year:
        stmt = stmt.where(extract("year", Invoice.issue_date) == year)
    return render(
        "invoices/index.html",
        "invoices/_partials/_table.html",
        pagination=filters.paginate(stmt.order_by(Invoice.issue_date.desc(), Invoice.id.desc())),
        filters=filters,
        totals=totals,
        payment_form=PaymentForm(data={"paid_on": today()}),
    )


@bp.route("/factures/<int:invoice_id>.pdf")
@allow(Role.FACILITATOR, Role.BUYER)
def pdf(invoice_id: int):
    return invoicing.INVOICE.download(get_or_404(Invoice, invoice_id))


@bp.route("/factures/<int:invoice_id>/payee", methods=["POST"])
@allow(Role.FACILITATOR)
@object_action(Invoice)
def paid(invoice: Invoice):
    form = PaymentForm()
    if not form.validate():
        raise InvoiceRefused(" ".join(e for errors in form.errors.values() for e in errors))
    back = url_for("invoices.index")
    if (asked := confirm.step(confirm_invoice_payment(invoice), back)) is not None:
        return asked
    invoicing.mark_paid(invoice, form.paid_on.data, g.user)
    flash(f"La facture {invoice.number} est marquée payée.", "success")
    # A fixed page: the Referer is the client's word, and could name another site.
    return redirect(url_for("invoices.index"), code=303)


# --- yearly re-invoicing recap per commune ---------------------------------------------------


RECAP_FILTERS = FilterSet(
    Filter("commune", "Commune", "id", all_label="Choisir une commune", min_options=2),
    Filter("annee", "Année de paiement", "year", default=lambda: str(today().year)),
)


def _recap_args():
    """The filters, the commune chosen (a commune sees its own recap) and the year."""
    communes = queries.communes()
    filters = RECAP_FILTERS.read(choices={"commune": pairs(communes)})
    commune = next((c for c in communes if c.id == filters.parsed["commune"]), None)
    if commune is None and g.role is Role.BUYER and g.org.parent_id:
        commune = g.org
    return filters, commune, filters.parsed["annee"]


@bp.route("/factures/refacturation")
@allow(Role.FACILITATOR, Role.BUYER)
def recap():
    filters, commune, year = _recap_args()
    rows, total = queries.recap(commune, year) if commune else ([], Decimal("0"))
    return render_template(
        "invoices/recap.html", filters=filters, commune=commune, year=year, rows=rows, total=total
    )


def _recap_or_404():
    _filters, commune, year = _recap_args()
    if commune is None:
        abort(404)
    rows, total = queries.recap(commune, year)
    return commune, year, rows, total


def recap_filename(commune: Organisation, year: int, extension: str) -> str:
    """``refacturation-commune-de-brignais-2026.pdf``: the commune's name as ASCII words
    (accents dropped), then the year."""
    ascii_name = unicodedata.normalize("NFKD", commune.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or f"commune-{commune.id}"
    return f"refacturation-{slug}-{year}.{extension}"


RECAP_PARAMETERS = ("commune", "annee")


@bp.route("/factures/refacturation.pdf", methods=["POST"])
@allow(Role.FACILITATOR, Role.BUYER)
def recap_pdf():
    """The recap in PDF, as a job (a long year is many pages through xhtml2pdf)."""
    _recap_or_404()
    return start_job("recap.pdf", query_parameters(request.args, RECAP_PARAMETERS))


@job_kind("recap.pdf", "Récapitulatif de refacturation (PDF)")
def recap_pdf_job(progress: Progress) -> JobOutput:
    """The CCVG's document to its commune (convention art. 7: re-invoiced through the
    yearly billing of the shared procurement service): the CCVG's letterhead, never the
    AMOI's bank details."""
    commune, year, rows, total = _recap_or_refused()
    progress(0, len(rows))
    data = render_pdf(
        "pdf/recap.html",
        commune=commune,
        ccvg=commune.parent or commune,
        year=year,
        rows=rows,
        total=total,
    )
    return JobOutput(recap_filename(commune, year, "pdf"), "application/pdf", data)


def _recap_or_refused():
    _filters, commune, year = _recap_args()
    if commune is None:
        raise JobRefused("Cette commune n'est plus accessible à votre compte.")
    rows, total = queries.recap(commune, year)
    return commune, year, rows, total


RECAP_SUBJECT = (
    "Prestations d'assistance à maîtrise d'ouvrage insertion réglées par la CCVG, "
    "refacturées via la facturation annuelle du service commun commande publique et "
    "affaires juridiques (convention cadre, article 7)"
)
RECAP_ABOUT_COLUMNS = (Column("Rubrique", width=14), Column("Valeur", width=90))
RECAP_COLUMNS = (
    Column("Opération", width=40),
    Column("Devis", width=16),
    Column("Facture", width=16),
    Column("Objet", width=50),
    Column("Payée le", "date", 12),
    Column("Montant (€)", "money", 14),
)


@bp.route("/factures/refacturation.xlsx", methods=["POST"])
@allow(Role.FACILITATOR, Role.BUYER)
def recap_xlsx():
    _recap_or_404()
    return start_job("recap.xlsx", query_parameters(request.args, RECAP_PARAMETERS))


@job_kind("recap.xlsx", "Récapitulatif de refacturation (Excel, XLSX)")
def recap_xlsx_job(progress: Progress) -> JobOutput:
    commune, year, rows, total = _recap_or_refused()
    progress(0, len(rows))
    keys = ("operation", "quote_number", "invoice_number", "invoice_label", "paid_on", "amount")
    lines = [[r[k] for k in keys] for r in rows]
    lines.append(["Total", "", "", "", None, total])
    ccvg = commune.parent or commune
    about = [
        ["Émetteur", ccvg.name],
        ["Adresse", " – ".join(line.strip() for line in ccvg.address.splitlines() if line.strip())],
        ["SIRET", ccvg.siret_display],
        ["Commune", commune.name],
        ["Année", str(year)],
        ["Objet", RECAP_SUBJECT],
    ]
    audit.record("export.recap", commune, detail=f"format=xlsx year={year} rows={len(rows)}")
    data = xlsx_bytes(
        [
            Sheet(f"Refacturation {year}", RECAP_COLUMNS, lines),
            Sheet("Émetteur", RECAP_ABOUT_COLUMNS, about),
        ]
    )
    return JobOutput(recap_filename(commune, year, "xlsx"), XLSX_MIMETYPE, data)
