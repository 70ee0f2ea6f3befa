"""Quotes (*devis*): the AMOI builds and submits, the CCVG approves or rejects (convention
art. 7 and annexe 2). Two people acting on the same quote at once: exactly one wins, the
other gets a 409 page saying who changed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from portal.access import Role, allow, get_or_404, scoped
from portal.audit import ACTION_LABELS
from portal.clock import today
from portal.convention.payee import payee_block
from portal.convention.periods import grid_by_code
from portal.documents import notifications
from portal.documents.pdf import pdf_response, render_pdf
from portal.extensions import db
from portal.models import (
    AuditEvent,
    Invoice,
    Operation,
    Quote,
    QuoteKind,
    QuoteLineRow,
)
from portal.quotes import bp, chorus, queries
from portal.quotes import services as service
from portal.quotes.access import can_approve_quote, can_record_chorus_references
from portal.quotes.confirmations import (
    confirm_annual_report,
    confirm_quote_approval,
    confirm_quote_rejection,
    confirm_quote_submission,
    confirm_report_delivery,
)
from portal.quotes.forms import (
    AnnualReportForm,
    ChorusForm,
    DeliveryForm,
    ManualLineForm,
    PilotageShareForm,
    QuoteForm,
    RejectForm,
    coordinator,
)
from portal.quotes.services import QuoteRefused
from portal.rules import deadlines, tariffs
from portal.rules.workflow import STATUS_LABELS, QuoteStatus
from portal.web import confirm
from portal.web.actions import object_action
from portal.web.formflow import render_form, submitted_and_valid
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet, pairs
from portal.web.params import int_arg

quote_action = object_action(Quote)
"""The quote views' loader: ``portal.web.actions.object_action`` for quotes."""


def _page(quote: Quote) -> str:
    return url_for("quotes.show", quote_id=quote.id)


def _back(quote: Quote, anchor: str | None = None):
    return redirect(url_for("quotes.show", quote_id=quote.id, _anchor=anchor), code=303)


# --- list and page ----------------------------------------------------------------------


FILTERS = FilterSet(
    Filter("statut", "Statut", "choice", list(STATUS_LABELS["quote"].items()), "Tous les statuts"),
    Filter(
        "annee",
        "Année",
        "year",
        lambda: [(y, y) for y in queries.quote_years()],
        "Toutes les années",
    ),
    Filter(
        "acheteur",
        "Acheteur",
        "id",
        lambda: pairs(queries.visible_buyers()),
        "Tous les acheteurs",
        min_options=2,
    ),
)


@bp.route("/devis/")
@allow(Role.FACILITATOR, Role.BUYER)
def index():
    filters = FILTERS.read()
    status, year, buyer = (filters.parsed[k] for k in ("statut", "annee", "acheteur"))
    stmt = scoped(Quote).options(joinedload(Quote.buyer), joinedload(Quote.operation))
    if status:
        stmt = stmt.where(Quote.status == status)
    if year:
        stmt = stmt.where(Quote.quote_date.between(date(year, 1, 1), date(year, 12, 31)))
    if buyer:
        stmt = stmt.where(Quote.buyer_id == buyer)
    stmt = stmt.order_by(Quote.quote_date.desc(), Quote.id.desc())
    return render(
        "quotes/index.html",
        "quotes/_partials/_table.html",
        pagination=filters.paginate(stmt),
        filters=filters,
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    label: str
    by: str


def _history(quote: Quote) -> list[HistoryEntry]:
    """The quote's audit lines and its invoices', in French. An invoice is issued by
    Sud-Ouest Emploi (docs/domain.md §4.3), whoever's action triggered it (the CCVG's approval
    issues the deposit invoice): the line names the payee frozen on the invoice."""
    invoices = {str(i.id): i for i in quote.invoices}
    events = queries.history_events(quote.id, list(invoices))
    return [_history_entry(event, invoices.get(event.object_id)) for event in events]


def _history_entry(event: AuditEvent, invoice: Invoice | None) -> HistoryEntry:
    actor = event.actor.name if event.actor else ""
    if invoice is None or event.object_type != "Invoice":
        return HistoryEntry(event.at, ACTION_LABELS.get(event.action, event.action), actor)
    if event.action == "invoice.issued":
        issuer = (invoice.payee or {}).get("payee_name") or "l'AMOI"
        return HistoryEntry(event.at, f"Facture {invoice.number} émise", issuer)
    if event.action == "invoice.paid":
        return HistoryEntry(event.at, f"Paiement de la facture {invoice.number} enregistré", actor)
    return HistoryEntry(
        event.at, f"{ACTION_LABELS.get(event.action, event.action)} ({invoice.number})", actor
    )


def _schedule(quote: Quote) -> list[tariffs.Milestone]:
    """Deposit and balance of the split part, then each line billed on its own."""
    return tariffs.quote_schedule(quote.lines)


def _grid_label(quote: Quote) -> str:
    grid = grid_by_code(quote.grid_code) if quote.grid_code else None
    return grid.label if grid else "—"


@bp.route("/devis/<int:quote_id>")
@allow(Role.FACILITATOR, Role.BUYER)
def show(quote_id: int):
    quote = get_or_404(Quote, quote_id)
    revised_by = queries.revision_of(quote.id)
    return render_template(
        "quotes/show.html",
        quote=quote,
        schedule=_schedule(quote),
        history=_history(quote),
        revised_by=revised_by,
        note=tariffs.BRACKET_NOTE,
        grid_label=_grid_label(quote),
        deposit=service.deposit_of(quote),
        pilotage_years=service.pilotage_years_due(quote),
        reject_form=RejectForm(),
        delivery_form=DeliveryForm(data={"delivered_on": today()}),
        current_year=today().year,
        annual_form=AnnualReportForm(data={"delivered_on": today()}),
        pilotage_form=PilotageShareForm(data={"year": quote.quote_date.year}),
        line_form=ManualLineForm(),
        can_approve=can_approve_quote(g.user, quote),
        chorus_form=ChorusForm(obj=quote),
        chorus_open=chorus.references_open(quote),
    )


@bp.route("/devis/<int:quote_id>.pdf")
@allow(Role.FACILITATOR, Role.BUYER)
def pdf(quote_id: int):
    quote = get_or_404(Quote, quote_id)
    data = render_pdf(
        "pdf/quote.html",
        quote=quote,
        payee=payee_block(),
        schedule=_schedule(quote),
        grid_label=_grid_label(quote),
        valid_until=deadlines.quote_valid_until(quote.quote_date),
    )
    return pdf_response(data, f"devis-{quote.number or quote.id}.pdf")


# --- the AMOI builds the quote ------------------------------------------------------------


@bp.route("/devis/nouveau", methods=["GET", "POST"])
@allow(Role.FACILITATOR)
def create():
    form = QuoteForm()
    if request.method == "GET":
        form.quote_date.data = today()
        form.pilotage_year.data = today().year
        operation_id = int_arg("operation")
        if operation_id is not None:
            form.operation_id.data = str(operation_id)
            form.kind.data = QuoteKind.OPERATION.value
    if submitted_and_valid(form):
        kind = QuoteKind(form.kind.data)
        operation = None
        if form.operation_id.data:
            operation = get_or_404(Operation, int(form.operation_id.data))
        ccvg = coordinator()
        if kind == QuoteKind.PILOTAGE and ccvg is None:
            form.kind.errors = [
                "Aucun acheteur coordonnateur (la CCVG) n'est enregistré : créez-le d'abord "
                "dans les organisations."
            ]
            return render_form("quotes/form.html", "quotes/_partials/_form.html", form)
        try:
            quote = service.create_quote(
                kind=kind,
                quote_date=form.quote_date.data,
                user=g.user,
                operation=operation if kind == QuoteKind.OPERATION else None,
                pilotage_year=form.pilotage_year.data if kind == QuoteKind.PILOTAGE else None,
                ccvg=ccvg,
                sourced_siae=form.sourced_siae.data or 0,
                note=(form.note.data or "").strip(),
            )
        except QuoteRefused as refused:
            db.session.rollback()
            form.quote_date.errors = [*form.quote_date.errors, str(refused)]
        else:
            db.session.commit()
            flash(
                "Le brouillon de devis est prêt : vérifiez ses lignes puis soumettez-le.", "success"
            )
            return redirect(url_for("quotes.show", quote_id=quote.id), code=303)
    return render_form("quotes/form.html", "quotes/_partials/_form.html", form)


@bp.route("/devis/<int:quote_id>/recalculer", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def recalculate(quote: Quote):
    service.regenerate_lines(quote)
    quote.last_changed_by_id = g.user.id
    flash("Les lignes ont été recalculées à partir des lots et de la grille.", "success")
    return _back(quote, "lignes")


@bp.route("/devis/<int:quote_id>/lignes/<int:line_id>", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def line(quote: Quote, line_id: int):
    return _save_manual_line(quote, _manual_line(quote, line_id))


def _manual_line(quote: Quote, line_id: int, *, free_only: bool = False) -> QuoteLineRow:
    """One of the quote's manual lines (with ``free_only``, one the AMOI added: a free line
    or a pilotage part), else 404."""
    for row in quote.lines:
        if row.id != line_id:
            continue
        if (row.code in service.KEPT_CODES) if free_only else row.manual:
            return row
    abort(404)


@bp.route("/devis/<int:quote_id>/lignes", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def add_line(quote: Quote):
    return _save_manual_line(quote, None)


def _save_manual_line(quote: Quote, row: QuoteLineRow | None):
    form = ManualLineForm()
    if not form.validate():
        messages = " ".join(e for errors in form.errors.values() for e in errors)
        raise QuoteRefused(f"La ligne n'a pas été enregistrée : {messages}")
    label = (form.label.data or "").strip()
    service.set_manual_line(quote, row, form.days.data, form.justification.data.strip(), label)
    quote.last_changed_by_id = g.user.id
    flash("La ligne sur devis est enregistrée.", "success")
    return _back(quote, "lignes")


@bp.route("/devis/<int:quote_id>/lignes/<int:line_id>/supprimer", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def delete_line(quote: Quote, line_id: int):
    service.remove_manual_line(quote, _manual_line(quote, line_id, free_only=True))
    quote.last_changed_by_id = g.user.id
    flash("La ligne a été supprimée.", "success")
    return _back(quote, "lignes")


@bp.route("/devis/<int:quote_id>/soumettre", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def submit(quote: Quote):
    if (asked := confirm.step(confirm_quote_submission(quote), _page(quote))) is not None:
        return asked
    service.submit(quote, g.user)
    flash(f"Le devis {quote.number} est soumis à la validation de la CCVG.", "success")
    notifications.quote_submitted(quote)
    return _back(quote)


@bp.route("/devis/<int:quote_id>/reviser", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def revise(quote: Quote):
    fresh = service.revise(quote, g.user, today())
    flash(f"Version {fresh.revision} du devis créée : corrigez-la puis soumettez-la.", "success")
    return redirect(url_for("quotes.show", quote_id=fresh.id), code=303)


def _valid(form) -> None:
    if not form.validate():
        raise QuoteRefused(" ".join(e for errors in form.errors.values() for e in errors))


def _invoiced(quote: Quote, invoice, what: str):
    flash(f"{what} : la facture {invoice.number} est émise.", "success")
    notifications.invoice_issued(invoice)
    return _back(quote, "factures")


@bp.route("/devis/<int:quote_id>/bilan", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def deliver(quote: Quote):
    form = DeliveryForm()
    _valid(form)
    if (asked := confirm.step(confirm_report_delivery(quote), _page(quote))) is not None:
        return asked
    invoice = service.deliver_report(quote, g.user, form.delivered_on.data)
    return _invoiced(quote, invoice, "Bilan final remis")


@bp.route("/devis/<int:quote_id>/bilan-annuel", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def annual_report(quote: Quote):
    form = AnnualReportForm()
    _valid(form)
    asked = confirm.step(confirm_annual_report(quote, form.year.data), _page(quote))
    if asked is not None:
        return asked
    invoice = service.deliver_annual_report(quote, form.year.data, g.user, form.delivered_on.data)
    return _invoiced(quote, invoice, f"Bilan annuel {form.year.data} remis")


@bp.route("/devis/<int:quote_id>/pilotage", methods=["POST"])
@allow(Role.FACILITATOR)
@quote_action
def add_pilotage(quote: Quote):
    form = PilotageShareForm()
    _valid(form)
    service.add_pilotage_share(quote, form.year.data, form.days.data)
    quote.last_changed_by_id = g.user.id
    flash(f"La part du pilotage {form.year.data} est intégrée au devis.", "success")
    return _back(quote, "lignes")


# --- the CCVG decides -------------------------------------------------------------------


def _require_approver(quote: Quote) -> None:
    if quote.status == QuoteStatus.SUBMITTED and not can_approve_quote(g.user, quote):
        abort(
            403,
            description="Seule la CCVG valide ou refuse les devis ; les communes les consultent.",
        )


@bp.route("/devis/<int:quote_id>/valider", methods=["POST"])
@allow(Role.BUYER)
@quote_action
def approve(quote: Quote):
    _require_approver(quote)
    if (asked := confirm.step(confirm_quote_approval(quote), _page(quote))) is not None:
        return asked
    invoice = service.approve(quote, g.user, today())
    flash(f"Le devis {quote.number} est validé.", "success")
    notifications.quote_decided(quote)
    if invoice is not None:
        notifications.invoice_issued(invoice)
    return _back(quote)


@bp.route("/devis/<int:quote_id>/refuser", methods=["POST"])
@allow(Role.BUYER)
@quote_action
def reject(quote: Quote):
    _require_approver(quote)
    form = RejectForm()
    if not form.validate():
        raise QuoteRefused("Expliquez le refus : le motif est obligatoire.")
    if (asked := confirm.step(confirm_quote_rejection(quote), _page(quote))) is not None:
        return asked
    service.reject(quote, g.user, form.comment.data)
    flash(f"Le devis {quote.number} est refusé ; l'AMOI en est informée.", "success")
    notifications.quote_decided(quote)
    return _back(quote)


# --- Chorus Pro references (the CCVG, or the AMOI for it) -------------------------------------


@bp.route("/devis/<int:quote_id>/chorus", methods=["POST"])
@allow(Role.FACILITATOR, Role.BUYER)
@quote_action
def chorus_references(quote: Quote):
    if not can_record_chorus_references(g.user, quote):
        abort(
            403,
            description="Seule la CCVG, qui paie les factures, ou l'AMOI enregistre les "
            "références Chorus Pro d'un devis ; les communes les consultent.",
        )
    form = ChorusForm()
    if not form.validate():
        messages = " ".join(e for errors in form.errors.values() for e in errors)
        raise QuoteRefused(f"Les références Chorus Pro n'ont pas été enregistrées : {messages}")
    changed = chorus.record_references(quote, g.user, **form.values())
    if changed:
        flash(
            "Les références Chorus Pro sont enregistrées : les prochaines factures du devis "
            "les porteront.",
            "success",
        )
    else:
        flash("Les références Chorus Pro n'ont pas changé.", "info")
    return _back(quote, "chorus")
