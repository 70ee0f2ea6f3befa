"""Irreversible quote and invoice actions ask first and say their consequence, with the
amounts of the payment schedule computed on the server (issue 8)."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.models import Invoice, OrgKind
from portal.quotes import services as service
from tests.conftest import CONFIRMED, HTMX, text_of, versioned, words_of
from tests.factories import make_ccvg_with_communes, make_org, make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation

DEPOSIT_SENTENCE = "Valider ce devis émettra la facture d'acompte de 625,00 €"


def _world():
    ccvg, (alpha,) = make_ccvg_with_communes("Brignais")
    amoi = make_org(OrgKind.FACILITATOR, name="AMOI (test)")
    return {
        "ccvg": ccvg,
        "alpha": alpha,
        "amoi_user": make_user(amoi, name="Lucas AMOI"),
        "ccvg_user": make_user(ccvg, name="Nadia CCVG"),
    }


def _dialog(html: str, dialog_id: str) -> str:
    match = re.search(rf'<dialog id="{dialog_id}".*?</dialog>', html, re.S)
    assert match, f"no dialog {dialog_id}"
    return re.sub(r"[\s\u00a0\u202f]+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_the_approval_dialog_says_the_deposit_invoice_and_its_amount(login_as):
    w = _world()
    quote = make_quote(
        priced_operation(w["alpha"], hours=(1000,)), w["amoi_user"], status="submitted"
    )
    html = text_of(login_as(w["ccvg_user"]).get(f"/devis/{quote.id}"))
    dialog = _dialog(html, "confirm-approve")
    assert DEPOSIT_SENTENCE in dialog  # 50 % of 1 250,00 €
    assert "le solde de 625,00 € sera facturé à la remise du bilan final" in dialog
    assert 'aria-labelledby="confirm-approve-title"' in html
    assert 'data-confirm="confirm-approve"' in html  # the button that opens it
    assert re.search(r'name="confirmation"\s+value="1"', html)


def test_approval_without_confirmation_shows_the_step_and_changes_nothing(login_as, db):
    w = _world()
    quote = make_quote(
        priced_operation(w["alpha"], hours=(1000,)), w["amoi_user"], status="submitted"
    )
    ccvg = login_as(w["ccvg_user"])
    step = ccvg.post_form(f"/devis/{quote.id}/valider", {"version": str(quote.version)})
    assert step.status_code == 200
    seen = words_of(step)
    assert f"Valider le devis {quote.number} ?" in seen
    assert DEPOSIT_SENTENCE in seen
    body = text_of(step)
    assert f'action="/devis/{quote.id}/valider"' in body
    assert f'name="version" value="{quote.version}"' in body  # re-posts the same fields
    assert 'name="confirmation" value="1"' in body
    assert f'href="/devis/{quote.id}"' in body  # « Annuler » goes back to the quote
    db.session.refresh(quote)
    assert quote.status == "submitted"
    assert db.session.scalars(select(Invoice)).all() == []
    # htmx (whose dialog always confirms) never acts without the confirmation either
    hx = ccvg.post_form(f"/devis/{quote.id}/valider", {"version": str(quote.version)}, headers=HTMX)
    assert hx.status_code == 409 and hx.headers["HX-Retarget"] == "#alerts"
    assert DEPOSIT_SENTENCE in words_of(hx)
    db.session.refresh(quote)
    assert quote.status == "submitted"
    confirmed = ccvg.post_form(
        f"/devis/{quote.id}/valider", {"version": str(quote.version), **CONFIRMED}
    )
    assert confirmed.status_code == 303
    invoice = db.session.scalars(select(Invoice)).one()
    assert str(invoice.amount) == "625.00"


def test_a_pilotage_approval_says_no_invoice_yet(login_as, db):
    w = _world()
    quote = service.create_quote(
        kind=service.QuoteKind.PILOTAGE,
        quote_date=IN_CONVENTION,
        user=w["amoi_user"],
        pilotage_year=2024,
        ccvg=w["ccvg"],
    )
    service.submit(quote, w["amoi_user"])
    db.session.commit()
    dialog = _dialog(text_of(login_as(w["ccvg_user"]).get(f"/devis/{quote.id}")), "confirm-approve")
    assert "n'émet pas encore de facture" in dialog
    assert "1 500,00 € seront facturés en totalité à la remise du bilan annuel" in dialog


def test_submission_rejection_and_delivery_dialogs(login_as, db):
    w = _world()
    draft = make_quote(priced_operation(w["alpha"], hours=(300, 1000)), w["amoi_user"])
    amoi = login_as(w["amoi_user"])
    dialog = _dialog(text_of(amoi.get(f"/devis/{draft.id}")), "confirm-submit")
    assert "le figera à 2 000,00 €" in dialog
    # the CCVG approves a commune's quote (convention art. 7), named with its article
    assert "Un e-mail invitera la Communauté de communes (test) à le valider" in dialog

    submitted = make_quote(
        priced_operation(w["alpha"], hours=(1000,)), w["amoi_user"], status="submitted"
    )
    page = text_of(login_as(w["ccvg_user"]).get(f"/devis/{submitted.id}"))
    assert "Refuser ce devis le clôt sans facture" in _dialog(page, "confirm-reject")

    invoice = service.approve(submitted, w["ccvg_user"], IN_CONVENTION)
    db.session.commit()
    # the balance is invoiced by delivering the final report (issue 12): the quote page
    # links to it, and the report's delivery dialog says the invoice and its amount
    quote_page = text_of(amoi.get(f"/devis/{submitted.id}"))
    assert f"/bilans/operations/{submitted.operation_id}/final" in quote_page
    amoi.post_form(f"/bilans/operations/{submitted.operation_id}/projet", {"year": ""})
    report_page = text_of(amoi.get(f"/bilans/operations/{submitted.operation_id}/final"))
    delivery = _dialog(report_page, "confirm-deliver")
    assert "émettra la facture de solde de 625,00 €" in delivery
    step = amoi.post_form(
        f"/devis/{submitted.id}/bilan",
        {"version": str(submitted.version), "delivered_on": "2024-12-15"},
    )
    assert step.status_code == 200 and "émettra la facture de solde de 625,00 €" in words_of(step)
    assert 'name="delivered_on" value="2024-12-15"' in text_of(step)  # what the user typed
    assert len(db.session.scalars(select(Invoice)).all()) == 1
    assert invoice.number


def test_marking_an_invoice_paid_asks_first(login_as, db):
    w = _world()
    quote = make_quote(
        priced_operation(w["alpha"], hours=(1000,)), w["amoi_user"], status="submitted"
    )
    invoice = service.approve(quote, w["ccvg_user"], IN_CONVENTION)
    db.session.commit()
    amoi = login_as(w["amoi_user"])
    listing = text_of(amoi.get("/factures/"))
    dialog = _dialog(listing, f"confirm-paid-{invoice.id}")
    assert f"La facture {invoice.number} de 625,00 € sera enregistrée comme payée" in dialog
    assert "récapitulatif de refacturation de la commune de Brignais" in dialog
    step = amoi.post_form(
        f"/factures/{invoice.id}/payee", versioned(invoice, {"paid_on": "2024-07-10"})
    )
    assert step.status_code == 200
    db.session.refresh(invoice)
    assert invoice.status == "issued"
    paid = amoi.post_form(
        f"/factures/{invoice.id}/payee",
        versioned(invoice, {"paid_on": "2024-07-10", **CONFIRMED}),
        headers={"Referer": f"http://localhost/factures/{invoice.id}/payee"},
    )
    assert paid.status_code == 303
    assert paid.headers["Location"] == "/factures/"  # not back to the step (a POST URL)
    db.session.refresh(invoice)
    assert invoice.status == "paid"
