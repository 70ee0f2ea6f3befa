"""The TCE split through the screens (issue 8; docs/domain.md §2): the AMOI proposes hours per
trade from amount × labour share, the general contractor accepts or comments, the AMOI then
the buyer validate; every other party is kept out."""

from __future__ import annotations

import email
import email.policy
from decimal import Decimal

from portal.extensions import db as _db
from portal.markets import split as tce
from portal.models import OrgKind, SubcontractorShare
from portal.rules.hours import split_hours
from tests.conftest import outbox_messages, text_of
from tests.factories import make_admin, make_lot, make_market, make_operation, make_org, make_user


def _world():
    buyer = make_org(OrgKind.BUYER, name="Commune de Test")
    contractor = make_org(OrgKind.COMPANY, name="Entreprise générale SA")
    electrician = make_org(OrgKind.COMPANY, name="Électricité SARL")
    operation = make_operation(
        buyer, name="Pôle enfance", is_tce=True, tce_hours=1000, general_contractor=contractor
    )
    make_lot(make_market(operation), planned_hours=1000, holder=contractor)
    for company, trade, amount in (
        (contractor, "masonry", Decimal("600000")),  # × 50 % = 300 000
        (electrician, "electricity", Decimal("400000")),  # × 45 % = 180 000
    ):
        _db.session.add(
            SubcontractorShare(
                operation=operation, company=company, trade=trade, amount_excl_tax=amount
            )
        )
    _db.session.commit()
    _db.session.refresh(operation)
    tce.ensure_split(operation)
    tce.propose_hours(operation)
    _db.session.commit()
    return {
        "operation": operation,
        "split": tce.split_of(operation),
        "amoi": make_admin(),
        "buyer": make_user(buyer),
        "contractor": make_user(contractor),
        "electrician": make_user(electrician),
    }


def _act(client, w, action, **data):
    _db.session.refresh(w["split"])
    return client.post_form(
        f"/operations/{w['operation'].id}/repartition-tce/{action}",
        {"version": str(w["split"].version), **data},
    )


def test_the_proposal_weighs_amount_by_labour_share(db):
    w = _world()
    hours = [share.hours for share in w["operation"].shares]
    assert hours == split_hours(1000, [Decimal("300000"), Decimal("180000")]) == [625, 375]
    assert sum(hours) == 1000  # not 600 / 400 as a pro-rata of the amounts would give


def test_the_split_goes_through_every_party_in_order(db, login_as, app):
    w = _world()
    amoi, contractor = login_as(w["amoi"]), login_as(w["contractor"])
    buyer = login_as(w["buyer"])
    # The general contractor sees the split of its own lot but cannot act on a draft.
    page = text_of(contractor.get(f"/operations/{w['operation'].id}/repartition-tce"))
    assert "Électricité SARL" in page and "Accepter la répartition" not in page
    assert "Prix AMOI" not in page and "Prix de l" not in page  # no AMOI price for companies
    assert _act(contractor, w, "accept").status_code == 403
    assert _act(amoi, w, "propose").status_code == 303
    mails = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in outbox_messages(app)
    ]
    assert [m["To"] for m in mails] == [w["contractor"].email]
    # The buyer cannot validate before the contractor and the AMOI.
    assert _act(buyer, w, "validate_buyer").status_code == 403
    empty = _act(contractor, w, "comment", comment="  ")
    assert empty.status_code == 409 and "Écrivez votre remarque" in text_of(empty)
    assert _act(contractor, w, "comment", comment="Le plâtre manque.").status_code == 303
    _db.session.refresh(w["split"])
    assert (w["split"].status, w["split"].contractor_comment) == ("draft", "Le plâtre manque.")
    assert _act(amoi, w, "propose").status_code == 303
    assert _act(contractor, w, "accept").status_code == 303
    assert _act(buyer, w, "validate_buyer").status_code == 403  # the AMOI validates first
    assert _act(amoi, w, "validate_amoi").status_code == 303
    assert _act(buyer, w, "validate_buyer").status_code == 303
    _db.session.refresh(w["split"])
    assert w["split"].status == "validated"
    assert w["split"].accepted_by_id == w["contractor"].id
    assert w["split"].buyer_validated_by_id == w["buyer"].id


def test_each_validation_belongs_to_its_party_whatever_the_step(db, login_as):
    """The AMOI cannot take the buyer's validation step, nor the buyer the AMOI's, even
    when the split awaits the other one's validation (one predicate per step)."""
    w = _world()
    amoi, buyer = login_as(w["amoi"]), login_as(w["buyer"])
    assert _act(amoi, w, "propose").status_code == 303
    assert _act(login_as(w["contractor"]), w, "accept").status_code == 303
    assert _act(amoi, w, "validate_buyer").status_code == 403  # accepted: the AMOI's turn
    assert _act(amoi, w, "validate_amoi").status_code == 303
    assert _act(buyer, w, "validate_amoi").status_code == 403  # the buyer's turn now
    _db.session.refresh(w["split"])
    assert (w["split"].status, w["split"].buyer_validated_by_id) == ("amoi_validated", None)


def test_a_subcontractor_does_not_see_the_split(db, login_as):
    w = _world()
    response = login_as(w["electrician"]).get(f"/operations/{w['operation'].id}/repartition-tce")
    assert response.status_code == 404


def test_hours_typed_by_the_amoi_must_add_up(db, login_as):
    w = _world()
    client = login_as(w["amoi"])
    shares = w["operation"].shares
    url = f"/operations/{w['operation'].id}/repartition-tce/heures"
    wrong = client.post_form(
        url,
        {
            "version": str(w["split"].version),
            f"hours-{shares[0].id}": "700",
            f"hours-{shares[1].id}": "200",
        },
    )
    assert wrong.status_code == 303
    page = text_of(client.get(wrong.headers["Location"]))
    assert "totalisent 900 h au lieu du volume global de 1000 h" in page
    unicode_digit = client.post_form(
        url,
        {
            "version": str(w["split"].version),
            f"hours-{shares[0].id}": "²",
            f"hours-{shares[1].id}": "1",
        },
    )
    assert unicode_digit.status_code == 303
    assert "nombre entier" in text_of(client.get(unicode_digit.headers["Location"]))
    _db.session.refresh(w["split"])
    ok = client.post_form(
        url,
        {
            "version": str(w["split"].version),
            f"hours-{shares[0].id}": "700",
            f"hours-{shares[1].id}": "300",
        },
    )
    assert ok.status_code == 303
    _db.session.refresh(shares[0])
    assert shares[0].hours == 700


def test_a_proposed_split_is_reopened_before_any_change(db, login_as):
    w = _world()
    client = login_as(w["amoi"])
    assert _act(client, w, "propose").status_code == 303
    blocked = client.post_form(
        f"/operations/{w['operation'].id}/parts",
        {
            "company_id": str(w["operation"].general_contractor_id),
            "trade": "plastering",
            "amount_excl_tax": "1000",
        },
    )
    assert blocked.status_code == 409 and "rouvrez-la" in text_of(blocked)
    stale = client.post_form(
        f"/operations/{w['operation'].id}/repartition-tce/reopen", {"version": "1"}
    )
    assert stale.status_code == 409  # the version the user saw is outdated
    assert _act(client, w, "reopen").status_code == 303
    _db.session.refresh(w["split"])
    assert w["split"].status == "draft"
