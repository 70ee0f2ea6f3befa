"""The one way to act on an object (issue 14, ``portal.web.actions``): every object a user
can change concurrently carries a version; a form posted from a stale page answers 409,
says who changed the object, and changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from portal.extensions import db as _db
from portal.models import Invoice, Lot, Market, Operation, Organisation, OrgKind
from tests.conftest import CONFIRMED, text_of
from tests.factories import make_admin, make_lot, make_market, make_operation, make_org, make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation


def _bump(model, object_id):
    """Someone else saved the object meanwhile (its version moves on)."""
    _db.session.execute(
        update(model).where(model.id == object_id).values(version=model.version + 1)
    )
    _db.session.commit()


CASES = {
    "operation": (
        Operation,
        lambda admin: make_operation(make_org(OrgKind.BUYER), name="Avant"),
        lambda obj: f"/operations/{obj.id}/statut",
        {"action": "start", **CONFIRMED},
        lambda obj: obj.status,
    ),
    "market": (
        Market,
        lambda admin: make_market(title="Avant"),
        lambda obj: f"/marches/{obj.id}/modifier",
        {"reference": "2026-X-1", "title": "Après", "legal_basis": "execution_condition"},
        lambda obj: obj.title,
    ),
    "lot": (
        Lot,
        lambda admin: make_lot(title="Avant"),
        lambda obj: f"/lots/{obj.id}/modifier",
        {"title": "Après"},
        lambda obj: obj.title,
    ),
    "organisation": (
        Organisation,
        lambda admin: make_org(OrgKind.COMPANY, name="Avant SARL"),
        lambda obj: f"/organisations/{obj.id}/desactiver",
        dict(CONFIRMED),
        lambda obj: obj.active,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_stale_form_answers_409_and_changes_nothing(login_as, db, case):
    model, build, url, data, state = CASES[case]
    admin = make_admin()
    obj = build(admin)
    seen = obj.version
    before = state(obj)
    _bump(model, obj.id)
    response = login_as(admin).post_form(url(obj), {"version": str(seen), **data})
    assert response.status_code == 409
    assert "pendant que vous le consultiez" in text_of(response)
    _db.session.expire_all()
    assert state(_db.session.get(model, obj.id)) == before


def test_a_missing_version_is_refused_too(login_as, db):
    admin = make_admin()
    op = make_operation(make_org(OrgKind.BUYER))
    response = login_as(admin).post_form(f"/operations/{op.id}/statut", {"action": "start"})
    assert response.status_code == 409
    _db.session.refresh(op)
    assert op.status == "preparation"


def test_the_409_names_who_changed_the_object_last(login_as, db):
    first, second = make_admin(name="Alice AMOI"), make_admin(name="Bruno AMOI")
    op = make_operation(make_org(OrgKind.BUYER))
    seen = {"version": str(op.version), "action": "start", **CONFIRMED}
    assert login_as(first).post_form(f"/operations/{op.id}/statut", seen).status_code == 303
    _db.session.refresh(op)
    assert op.last_changed_by_id == first.id and op.version == 2
    late = login_as(second).post_form(f"/operations/{op.id}/statut", seen)
    assert late.status_code == 409
    assert "Cette opération a été modifiée par Alice AMOI" in text_of(late)
    assert "elle est maintenant « En cours »" in text_of(late)


def test_an_invoice_paid_from_a_stale_list_keeps_its_first_payment(login_as, db):
    ccvg = make_org(OrgKind.BUYER, name="CCVG (test)")
    admin = make_admin()
    quote = make_quote(priced_operation(ccvg), admin, status="submitted")
    from portal.quotes import services

    invoice = services.approve(quote, make_user(ccvg), IN_CONVENTION)
    _db.session.commit()
    page_version = str(invoice.version)
    client = login_as(admin)
    first = {"version": page_version, "paid_on": "2024-07-10", **CONFIRMED}
    assert client.post_form(f"/factures/{invoice.id}/payee", first).status_code == 303
    second = {"version": page_version, "paid_on": "2024-08-20", **CONFIRMED}
    assert client.post_form(f"/factures/{invoice.id}/payee", second).status_code == 409
    _db.session.expire_all()
    assert _db.session.get(Invoice, invoice.id).paid_on == date(2024, 7, 10)
