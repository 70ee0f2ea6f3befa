"""The quote's life through the screens: draft → submitted → approved (deposit invoice) or
rejected → revised; numbers; 409 on concurrent decisions; notifications; scoping."""

from __future__ import annotations

import email
import email.policy
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.clock import today
from portal.extensions import db as _db
from portal.models import Amendment, AuditEvent, Invoice, OrgKind, Quote
from portal.quotes import services as service
from tests.conftest import CONFIRMED, HTMX, outbox_messages, text_of, versioned
from tests.factories import make_admin, make_ccvg_with_communes, make_org, make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation


def _world():
    ccvg, (alpha, beta) = make_ccvg_with_communes("Alpha", "Beta")
    amoi = make_org(OrgKind.FACILITATOR, name="AMOI (test)")
    return {
        "ccvg": ccvg,
        "alpha": alpha,
        "beta": beta,
        "amoi_user": make_user(amoi, name="Lucas AMOI"),
        "ccvg_user": make_user(ccvg, name="Nadia CCVG"),
        "other_ccvg_user": make_user(ccvg, name="Paul CCVG"),
        "alpha_user": make_user(alpha),
    }


def _post(client, url, quote, **data):
    """A confirmed action (the user accepted the dialog's consequence)."""
    return client.post_form(url, {"version": str(quote.version), **CONFIRMED, **data})


def _recipients(app) -> list[tuple[str, str]]:
    found = []
    for path in outbox_messages(app):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found.append((message["To"], message["Subject"]))
    return found


def test_the_amoi_creates_a_draft_through_the_form(login_as, db):
    w = _world()
    operation = priced_operation(w["alpha"])
    client = login_as(w["amoi_user"])
    outside = client.post_form(
        "/devis/nouveau",
        {"kind": "operation", "operation_id": str(operation.id), "quote_date": "2026-11-25"},
    )
    assert outside.status_code == 422
    assert "Aucune période de la convention ne couvre le 25/11/2026" in text_of(outside)
    assert db.session.scalar(select(Quote.id)) is None
    created = client.post_form(
        "/devis/nouveau",
        {"kind": "operation", "operation_id": str(operation.id), "quote_date": "03/06/2024"},
    )
    assert created.status_code == 303
    quote = db.session.scalars(select(Quote)).one()
    assert quote.status == "draft" and quote.number is None
    assert quote.buyer_id == w["alpha"].id
    page = text_of(client.get(f"/devis/{quote.id}"))
    assert "Brouillon n°" in page and "2\u202f000,00\u00a0€" in page


def test_submit_numbers_and_freezes_then_ccvg_approves_with_deposit_invoice(app, login_as, db):
    w = _world()
    amoi = login_as(w["amoi_user"])
    first = make_quote(priced_operation(w["alpha"], hours=(300,)), w["amoi_user"])
    second = make_quote(priced_operation(w["beta"], hours=(1000, 2000)), w["amoi_user"])
    assert _post(amoi, f"/devis/{second.id}/soumettre", second).status_code == 303
    assert _post(amoi, f"/devis/{first.id}/soumettre", first).status_code == 303
    db.session.refresh(first)
    db.session.refresh(second)
    assert (second.number, first.number) == ("DEV-2024-0001", "DEV-2024-0002")
    assert second.total == Decimal("3250.00") and second.grid_code == "convention_2022"
    frozen = _post(amoi, f"/devis/{second.id}/recalculer", second)
    assert frozen.status_code == 409
    assert "figé" in text_of(frozen)
    # the CCVG approves: the deposit invoice (50 %) is issued at once
    ccvg = login_as(w["ccvg_user"])
    approved = _post(ccvg, f"/devis/{second.id}/valider", second)
    assert approved.status_code == 303
    db.session.refresh(second)
    assert second.status == "invoiced_deposit"
    invoice = db.session.scalars(select(Invoice)).one()
    year = today().year  # the deposit invoice is issued on the day of the approval
    assert invoice.number == f"FAC-{year}-0001"
    assert invoice.amount == Decimal("1625.00") and invoice.kind == "deposit"
    assert invoice.billed_to == w["ccvg"].name and invoice.commune == w["beta"].name
    sent = _recipients(app)
    assert (w["ccvg_user"].email, "Devis DEV-2024-0001 à valider") in sent
    assert (w["other_ccvg_user"].email, "Devis DEV-2024-0001 à valider") in sent
    assert (w["amoi_user"].email, "Devis DEV-2024-0001 validé") in sent
    assert (w["ccvg_user"].email, f"Facture FAC-{year}-0001 émise") in sent
    assert all(to != w["alpha_user"].email for to, _ in sent)  # communes are not approvers
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("quote.%"))
    ).all()
    assert {"quote.created", "quote.submitted", "quote.approved"} <= set(actions)


def test_two_ccvg_users_deciding_at_once_one_wins_the_other_gets_409(login_as, db):
    w = _world()
    quote = make_quote(priced_operation(w["alpha"]), w["amoi_user"], status="submitted")
    seen = quote.version  # both pages were loaded with this version
    nadia, paul = login_as(w["ccvg_user"]), login_as(w["other_ccvg_user"])
    won = nadia.post_form(f"/devis/{quote.id}/valider", {"version": str(seen), **CONFIRMED})
    assert won.status_code == 303
    lost = paul.post_form(
        f"/devis/{quote.id}/refuser", {"version": str(seen), "comment": "Trop cher"}
    )
    assert lost.status_code == 409
    body = text_of(lost)
    assert "modifié par Nadia CCVG" in body and "Acompte facturé" in body
    db.session.refresh(quote)
    assert quote.status == "invoiced_deposit" and quote.decision_comment == ""
    htmx = paul.post_form(f"/devis/{quote.id}/valider", {"version": str(seen)}, headers=HTMX)
    assert htmx.status_code == 409 and htmx.headers["HX-Retarget"] == "#alerts"
    assert len(db.session.scalars(select(Invoice)).all()) == 1


def test_a_concurrent_flush_is_refused_by_the_version_column(app, db):
    """Two transactions that both read version 1: the second write matches no row."""
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    w = _world()
    quote = make_quote(priced_operation(w["alpha"]), w["amoi_user"], status="submitted")
    with Session(_db.engine) as first, Session(_db.engine) as second:
        a, b = first.get(Quote, quote.id), second.get(Quote, quote.id)
        a.status = "approved"
        first.commit()
        b.status = "rejected"
        try:
            second.commit()
        except StaleDataError:
            second.rollback()
        else:
            raise AssertionError("the stale write went through")
    db.session.refresh(quote)
    assert quote.status == "approved"


def test_reject_needs_a_comment_then_revise_creates_a_new_version(app, login_as, db):
    w = _world()
    quote = make_quote(priced_operation(w["alpha"]), w["amoi_user"], status="submitted")
    ccvg = login_as(w["ccvg_user"])
    empty = _post(ccvg, f"/devis/{quote.id}/refuser", quote, comment="  ")
    assert empty.status_code == 409
    assert "le motif est obligatoire" in text_of(empty)
    rejected = _post(ccvg, f"/devis/{quote.id}/refuser", quote, comment="Lot 2 déjà chiffré")
    assert rejected.status_code == 303
    db.session.refresh(quote)
    assert quote.status == "rejected" and quote.decision_comment == "Lot 2 déjà chiffré"
    assert (w["amoi_user"].email, f"Devis {quote.number} refusé") in _recipients(app)
    amoi = login_as(w["amoi_user"])
    outside = _post(amoi, f"/devis/{quote.id}/reviser", quote)
    assert outside.status_code == 409  # the new version is dated today: no period covers it
    assert "Aucune période de la convention" in text_of(outside)
    db.session.add(
        Amendment(
            reference="Avenant n°1",
            label="Renouvellement",
            period_start=date(2025, 1, 1),
            period_end=date(2027, 12, 31),
        )
    )
    db.session.commit()
    revised = _post(amoi, f"/devis/{quote.id}/reviser", quote)
    assert revised.status_code == 303
    fresh = db.session.scalars(select(Quote).where(Quote.revision_of_id == quote.id)).one()
    assert (fresh.status, fresh.revision, fresh.number) == ("draft", 2, None)
    db.session.refresh(quote)
    assert quote.status == "rejected"  # the rejected version stays for the record
    twice = _post(amoi, f"/devis/{quote.id}/reviser", quote)
    assert twice.status_code == 409


def test_communes_read_their_quotes_but_never_decide(login_as, db):
    w = _world()
    quote = make_quote(priced_operation(w["alpha"]), w["amoi_user"], status="submitted")
    alpha = login_as(w["alpha_user"])
    page = text_of(alpha.get(f"/devis/{quote.id}"))
    assert quote.number in page and "Valider le devis" not in page
    refused = _post(alpha, f"/devis/{quote.id}/valider", quote)
    assert refused.status_code == 403
    db.session.refresh(quote)
    assert quote.status == "submitted"
    listing = text_of(alpha.get("/devis/"))
    assert quote.number in listing
    other = make_quote(priced_operation(w["beta"]), w["amoi_user"], status="submitted")
    assert other.number not in text_of(alpha.get("/devis/"))
    assert "Valider le devis" in text_of(login_as(w["ccvg_user"]).get(f"/devis/{quote.id}"))


def test_final_report_issues_the_balance_and_halves_add_up(login_as, db):
    w = _world()
    quote = make_quote(
        priced_operation(w["ccvg"], hours=(300, 1000)), w["amoi_user"], status="submitted"
    )
    service.set_manual_line  # noqa: B018 (documented API used elsewhere)
    service.approve(quote, w["ccvg_user"], IN_CONVENTION)
    db.session.commit()
    amoi = login_as(w["amoi_user"])
    delivered = _post(amoi, f"/devis/{quote.id}/bilan", quote, delivered_on="2024-12-15")
    assert delivered.status_code == 303
    db.session.refresh(quote)
    deposit, balance = quote.invoices
    assert quote.status == "invoiced_balance"
    assert (deposit.kind, balance.kind) == ("deposit", "balance")
    assert deposit.amount + balance.amount == quote.total == Decimal("2000.00")
    assert balance.commune == ""  # the CCVG's own operation: no commune to mention
    again = _post(amoi, f"/devis/{quote.id}/bilan", quote, delivered_on="2024-12-16")
    assert again.status_code == 409


def test_pilotage_is_invoiced_in_full_on_the_annual_report(login_as, db):
    from portal.models import QuoteKind

    w = _world()
    quote = service.create_quote(
        kind=QuoteKind.PILOTAGE,
        quote_date=IN_CONVENTION,
        user=w["amoi_user"],
        pilotage_year=2024,
        ccvg=w["ccvg"],
    )
    service.submit(quote, w["amoi_user"])
    db.session.commit()
    assert _post(login_as(w["ccvg_user"]), f"/devis/{quote.id}/valider", quote).status_code == 303
    db.session.refresh(quote)
    assert quote.status == "approved" and not quote.invoices
    amoi = login_as(w["amoi_user"])
    page = text_of(amoi.get(f"/devis/{quote.id}"))
    assert "Acompte" not in page and "acompte" not in page  # no deposit on a pilotage quote
    final = _post(amoi, f"/devis/{quote.id}/bilan", quote, delivered_on="2025-01-20")
    assert final.status_code == 409  # a pilotage quote has no final report
    _post(amoi, f"/devis/{quote.id}/bilan-annuel", quote, year="2024", delivered_on="2025-01-20")
    db.session.refresh(quote)
    (invoice,) = quote.invoices
    assert (invoice.kind, invoice.amount, invoice.share) == (
        "full",
        Decimal("1500.00"),
        Decimal("1"),
    )
    assert invoice.number == "FAC-2025-0001"
    assert quote.status == "invoiced_balance" and quote.status_label == "Facturé"
    paid = amoi.post_form(
        f"/factures/{invoice.id}/payee", versioned(invoice, {"paid_on": "2025-02-10", **CONFIRMED})
    )
    assert paid.status_code == 303
    db.session.refresh(quote)
    assert quote.status == "settled" and quote.status_label == "Soldé"


def test_manual_lines_through_the_screen(login_as, db):
    w = _world()
    quote = make_quote(priced_operation(w["alpha"], hours=(5000,)), w["amoi_user"])
    client = login_as(w["amoi_user"])
    (line,) = quote.lines
    blocked = _post(client, f"/devis/{quote.id}/soumettre", quote)
    assert blocked.status_code == 409 and "Complétez d'abord" in text_of(blocked)
    bad = _post(client, f"/devis/{quote.id}/lignes/{line.id}", quote, days="0,3", justification="x")
    assert bad.status_code == 409 and "demi-journées" in text_of(bad)
    ok = _post(
        client, f"/devis/{quote.id}/lignes/{line.id}", quote, days="6", justification="5 000 h"
    )
    assert ok.status_code == 303
    db.session.refresh(quote)
    added = _post(
        client,
        f"/devis/{quote.id}/lignes",
        quote,
        label="Phase de négociation",
        days="1,5",
        justification="Demandée par l'acheteur",
    )
    assert added.status_code == 303
    db.session.refresh(quote)
    assert quote.total == Decimal("3750.00")  # (6 + 1,5) days × 500 €
    assert _post(client, f"/devis/{quote.id}/soumettre", quote).status_code == 303


def test_invoices_list_totals_payment_and_recap(login_as, db):
    w = _world()
    quote = make_quote(
        priced_operation(w["alpha"], hours=(1000,)), w["amoi_user"], status="submitted"
    )
    invoice = service.approve(quote, w["ccvg_user"], IN_CONVENTION)
    db.session.commit()
    amoi = login_as(w["amoi_user"])
    listing = text_of(amoi.get("/factures/"))
    assert invoice.number in listing and "625,00\u00a0€" in listing
    early = amoi.post_form(
        f"/factures/{invoice.id}/payee", versioned(invoice, {"paid_on": "2024-01-01", **CONFIRMED})
    )
    assert early.status_code == 409 and "ne peut pas précéder" in text_of(early)
    paid = amoi.post_form(
        f"/factures/{invoice.id}/payee", versioned(invoice, {"paid_on": "2024-07-10", **CONFIRMED})
    )
    assert paid.status_code == 303
    db.session.refresh(invoice)
    assert (invoice.status, invoice.paid_on) == ("paid", date(2024, 7, 10))
    recap = text_of(amoi.get(f"/factures/refacturation?commune={w['alpha'].id}&annee=2024"))
    assert invoice.number in recap and "Total à refacturer" in recap
    empty = text_of(amoi.get(f"/factures/refacturation?commune={w['beta'].id}&annee=2024"))
    assert invoice.number not in empty
    # a commune sees its own recap only
    alpha = login_as(w["alpha_user"])
    assert invoice.number in text_of(alpha.get("/factures/refacturation?annee=2024"))
    beta_user = make_user(w["beta"])
    beta_view = text_of(
        login_as(beta_user).get(f"/factures/refacturation?commune={w['alpha'].id}&annee=2024")
    )
    assert invoice.number not in beta_view


def test_pilotage_without_a_coordinating_buyer_is_explained(login_as, db):
    client = login_as(make_admin())
    response = client.post_form(
        "/devis/nouveau", {"kind": "pilotage", "pilotage_year": "2024", "quote_date": "2024-06-03"}
    )
    assert response.status_code == 422
    assert "Aucun acheteur coordonnateur (la CCVG)" in text_of(response)
    assert db.session.scalar(select(Quote.id)) is None


def test_drafts_stay_with_the_amoi(login_as, db):
    w = _world()
    draft = make_quote(priced_operation(w["ccvg"], name="Brouillon interne"), w["amoi_user"])
    ccvg = login_as(w["ccvg_user"])
    assert ccvg.get(f"/devis/{draft.id}").status_code == 404
    assert "Brouillon interne" not in text_of(ccvg.get("/devis/"))
    assert "Brouillon interne" in text_of(login_as(w["amoi_user"]).get("/devis/"))
