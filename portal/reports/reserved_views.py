"""A reserved market's pages (docs/domain.md §9.1; annexe 2): its commitments of support
and the actions done against them (``/bilans/marches/<id>/accompagnement``: the AMOI enters
and corrects, the SIAE holding the lot records its actions, the buyers read), and its
annual report (``/bilans/marches/<id>/<year>``, downloads, draft; the text and the delivery
go through the reports' common endpoints)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal import audit
from portal.access import Role, allow, get_or_404, is_facilitator, scoped
from portal.clock import today
from portal.documents.report_render import report_response
from portal.extensions import db
from portal.models import Lot, Market, SupportAction, SupportCommitment
from portal.models.reports import TEXT_FIELDS
from portal.reports import reserved as reserved_reports
from portal.reports import support as supports
from portal.reports.access import can_record_support_action
from portal.reports.confirmations import confirm_action_deletion
from portal.reports.document import build_reserved_document
from portal.reports.forms import ActionForm, CommitmentForm
from portal.reports.views import AMOI, FORMATS, READERS, _show, _status_line, _year, _years, bp
from portal.rules.support import ActionRow, CommitmentRow, commitments_against_actions
from portal.web import confirm
from portal.web.actions import object_action, perform
from portal.web.params import year_arg

SUPPORT_READERS = (Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE)


def _reserved_market(market_id: int) -> Market:
    """A reserved market in the reader's scope (the AMOI, its buyers), else 404."""
    market = get_or_404(Market, market_id)
    if not market.is_reserved:
        abort(404)
    return market


def _support_market(market_id: int) -> Market:
    """The market of the support page: in scope for the AMOI and its buyers; for the SIAE,
    a market where it holds a lot (it never sees a whole market otherwise)."""
    if g.role in (Role.FACILITATOR, Role.BUYER):
        return _reserved_market(market_id)
    lot = db.session.scalars(
        scoped(Lot).where(Lot.market_id == market_id).order_by(Lot.number)
    ).first()
    if lot is None:
        if db.session.scalar(select(Market.id).where(Market.id == market_id)) is not None:
            # another organisation's market: noted for the audit trail, as get_or_404 does
            audit.note_refusal("access.out_of_scope", "Market", market_id)
        abort(404)
    if not lot.market.is_reserved:
        abort(404)
    return lot.market


# --- commitments of support and actions ------------------------------------------------------


def _commitment_form(market: Market, prefix: str, **kwargs) -> CommitmentForm:
    form = CommitmentForm(prefix=prefix, **kwargs)
    form.organisation.choices = [(org.id, org.name) for org in supports.holders(market)]
    return form


def _support_page(market: Market, year: int, status: int = 200, failed=None):
    commitments = db.session.scalars(
        scoped(SupportCommitment)
        .where(SupportCommitment.market_id == market.id)
        .options(
            joinedload(SupportCommitment.organisation),
            selectinload(SupportCommitment.actions),
        )
        .order_by(SupportCommitment.id)
    ).all()
    results = commitments_against_actions(
        [
            CommitmentRow(c.id, c.label, c.kind_label, c.organisation.name, c.target, c.unit)
            for c in commitments
        ],
        [
            ActionRow(a.commitment_id, a.day, a.quantity, a.people)
            for c in commitments
            for a in c.actions
        ],
        *reserved_reports.period(year),
    )
    forms: dict = {}
    amoi = is_facilitator(g.user)
    if amoi:
        forms["new"] = _commitment_form(market, "new", formdata=None)
    for c in commitments:
        if amoi:
            forms[f"c{c.id}"] = _commitment_form(
                market, f"c{c.id}", formdata=None, obj=c, organisation=c.organisation_id
            )
            for a in c.actions:
                forms[f"a{a.id}"] = ActionForm(prefix=f"a{a.id}", formdata=None, obj=a)
        if can_record_support_action(g.user, c):
            forms[f"n{c.id}"] = ActionForm(prefix=f"n{c.id}", formdata=None, day=today())
    if failed is not None:
        forms[failed._prefix.rstrip("-")] = failed
    this_year = today().year
    first = reserved_reports.first_year(market) or this_year
    return (
        _render_support(
            market=market,
            year=year,
            commitments=commitments,
            results={r.commitment.id: r for r in results},
            forms=forms,
            amoi=amoi,
            sees_market=g.role in (Role.FACILITATOR, Role.BUYER),
            year_links=[
                (y, url_for("reports.support", market_id=market.id, annee=y))
                for y in _years(min(first, this_year))
            ],
        ),
        status,
    )


def _render_support(**context):
    return render_template("reports/support.html", **context)


def _back(market: Market, year: int | None = None):
    return redirect(
        url_for("reports.support", market_id=market.id, annee=year or today().year), code=303
    )


@bp.route("/bilans/marches/<int:market_id>/accompagnement")
@allow(*SUPPORT_READERS)
def support(market_id: int):
    """The commitments of support of a reserved market's SIAE and the actions of the year
    against them (the SIAE: its own commitments only)."""
    market = _support_market(market_id)
    return _support_page(market, _year(year_arg() or today().year))


@bp.route("/bilans/marches/<int:market_id>/engagements", methods=["POST"])
@allow(*AMOI)
def commitment_create(market_id: int):
    """The AMOI enters a commitment of the SIAE's technical memo."""
    market = _reserved_market(market_id)
    form = _commitment_form(market, "new")
    if not form.validate():
        return _support_page(market, today().year, 422, form)
    perform(market, lambda: supports.add_commitment(market, g.user, form.values()))
    flash("L'engagement d'accompagnement est enregistré.", "success")
    return _back(market)


@bp.route("/bilans/engagements/<int:support_commitment_id>", methods=["POST"])
@allow(*AMOI)
@object_action(SupportCommitment)
def commitment_edit(commitment: SupportCommitment):
    """The AMOI corrects a commitment."""
    market = commitment.market
    form = _commitment_form(market, f"c{commitment.id}")
    if not form.validate():
        return _support_page(market, today().year, 422, form)
    changed = supports.update_commitment(commitment, g.user, form.values())
    flash("L'engagement est corrigé." if changed else "Aucun changement.", "success")
    return _back(market)


@bp.route("/bilans/engagements/<int:support_commitment_id>/actions", methods=["POST"])
@allow(Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE)
@object_action(SupportCommitment)
def action_create(commitment: SupportCommitment):
    """The SIAE (or the AMOI) records an action done against the commitment."""
    if not can_record_support_action(g.user, commitment):
        abort(403, description="Seule la structure titulaire ou l'AMOI saisit ces actions.")
    form = ActionForm(prefix=f"n{commitment.id}")
    if not form.validate():
        return _support_page(commitment.market, today().year, 422, form)
    action = supports.record_action(commitment, g.user, form.values(), today())
    flash("L'action est enregistrée.", "success")
    return _back(commitment.market, action.day.year)


@bp.route("/bilans/actions/<int:support_action_id>", methods=["POST"])
@allow(*AMOI)
@object_action(SupportAction)
def action_edit(action: SupportAction):
    """The AMOI corrects an action."""
    market = action.commitment.market
    form = ActionForm(prefix=f"a{action.id}")
    if not form.validate():
        return _support_page(market, today().year, 422, form)
    changed = supports.update_action(action, g.user, form.values(), today())
    flash("L'action est corrigée." if changed else "Aucun changement.", "success")
    return _back(market, action.day.year)


@bp.route("/bilans/actions/<int:support_action_id>/supprimer", methods=["POST"])
@allow(*AMOI)
@object_action(SupportAction)
def action_delete(action: SupportAction):
    """The AMOI removes an action recorded by mistake, after a confirmation."""
    market = action.commitment.market
    year = action.day.year
    page = url_for("reports.support", market_id=market.id, annee=year)
    if (asked := confirm.step(confirm_action_deletion(action), page)) is not None:
        return asked
    supports.delete_action(action, g.user)
    flash("L'action est supprimée.", "success")
    return _back(market, year)


# --- the reserved market's annual report ------------------------------------------------------


def _document(market: Market, year: int):
    report = reserved_reports.latest(market, year)
    if report is not None:
        figures = reserved_reports.report_figures(report)
    else:
        figures = reserved_reports.reserved_data(market, year)
    texts = report.texts if report is not None else {name: "" for name in TEXT_FIELDS}
    document = build_reserved_document(
        figures,
        title=f"Bilan annuel {year} du marché réservé",
        subject=f"Marché {market.reference} – {market.title}",
        author="AMO Insertion",
        issued_on=report.delivered_on if report and report.delivered_on else today(),
        status_line=_status_line(report),
        filename=f"bilan-marche-reserve-{market.id}-{year}",
        texts=texts,
    )
    return report, document


@bp.route("/bilans/marches/<int:market_id>/<int:year>")
@allow(*READERS)
def reserved(market_id: int, year: int):
    """A reserved market's annual report (annexe 2; docs/domain.md §9.1)."""
    market = _reserved_market(market_id)
    year = _year(year)
    report, document = _document(market, year)
    this_year = today().year
    first = reserved_reports.first_year(market) or this_year
    return _show(
        report,
        document,
        year,
        operation=None,
        market=market,
        downloads=[
            (label, url_for("reports.reserved_download", market_id=market.id, year=year, fmt=fmt))
            for fmt, label in FORMATS
        ],
        open_url=url_for("reports.reserved_open", market_id=market.id, year=year),
        year_links=[
            (y, url_for("reports.reserved", market_id=market.id, year=y))
            for y in _years(min(first, this_year))
        ],
    )


@bp.route("/bilans/marches/<int:market_id>/<int:year>/rapport.<fmt>")
@allow(*READERS)
def reserved_download(market_id: int, year: int, fmt: str):
    """The reserved market's annual report as PDF, XLSX or DOCX."""
    _, document = _document(_reserved_market(market_id), _year(year))
    try:
        return report_response(document, fmt)
    except ValueError:
        abort(404)


@bp.route("/bilans/marches/<int:market_id>/<int:year>/projet", methods=["POST"])
@allow(*AMOI)
def reserved_open(market_id: int, year: int):
    """Open the draft of the market's annual report, or a new version of a delivered one."""
    market = _reserved_market(market_id)
    report = reserved_reports.open_draft(market, _year(year), g.user)
    db.session.commit()
    flash(f"Le projet de bilan (version {report.revision}) est ouvert.", "success")
    return redirect(url_for("reports.reserved", market_id=market.id, year=report.year), code=303)
