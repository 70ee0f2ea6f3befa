"""The market page: its lots, legal basis and dates, scoped like its operation; linked from
the operation and lot pages; confirmations of the operation page."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from portal.models import OrgKind, SubcontractorShare
from tests.conftest import CONFIRMED, text_of, versioned, words_of
from tests.factories import (
    make_admin,
    make_ccvg_with_communes,
    make_lot,
    make_market,
    make_operation,
    make_org,
    make_user,
)


def _market(buyer):
    op = make_operation(buyer, name="Gymnase")
    market = make_market(
        op,
        reference="2026-BRI-003",
        title="Réhabilitation",
        legal_basis="execution_condition",
        notification_date=date(2026, 3, 27),
        kickoff_date=date(2026, 4, 14),
    )
    make_lot(market, number=1, title="Désamiantage", planned_hours=300)
    make_lot(market, number=2, title="Gros œuvre", planned_hours=1000, award_criterion=True)
    return op, market


def test_market_page_lists_lots_legal_basis_and_dates(login_as):
    ccvg, (brignais,) = make_ccvg_with_communes("Brignais")
    _op, market = _market(brignais)
    seen = words_of(login_as(make_admin()).get(f"/marches/{market.id}"))
    assert "Marché 2026-BRI-003 – Réhabilitation" in seen
    assert "Lot 1 – Désamiantage" in seen and "Lot 2 – Gros œuvre" in seen
    assert "Clause d'insertion (condition d'exécution), article L2112-2" in seen
    assert "Notification 27/03/2026" in seen and "Réunion de lancement 14/04/2026" in seen
    assert "Fin prévue non renseignée" in seen
    assert "1 300 h sur 2 lots" in seen
    assert "750,00 €" in seen  # the AMOI sees its price, the same as on the quote
    for user in (make_user(brignais), make_user(ccvg)):
        buyer_view = login_as(user).get(f"/marches/{market.id}")
        assert buyer_view.status_code == 200
        # Buyers see the AMOI's price of their lots, as on the operation page and the quote.
        assert "750,00 €" in words_of(buyer_view)


def test_market_page_is_scoped_like_its_operation(login_as):
    _ccvg, (brignais, vourles) = make_ccvg_with_communes("Brignais", "Vourles")
    company = make_org(OrgKind.COMPANY)
    _op, market = _market(brignais)
    for lot in market.lots:
        lot.holder = company
    assert login_as(make_user(vourles)).get(f"/marches/{market.id}").status_code == 404
    assert login_as(make_user(company)).get(f"/marches/{market.id}").status_code == 403
    other_ccvg = make_org(OrgKind.BUYER, name="Autre communauté")
    assert login_as(make_user(other_ccvg)).get(f"/marches/{market.id}").status_code == 404


def test_operation_and_lot_pages_link_the_market(login_as):
    op, market = _market(make_org(OrgKind.BUYER))
    client = login_as(make_admin())
    assert f'href="/marches/{market.id}"' in text_of(client.get(f"/operations/{op.id}"))
    assert f'href="/marches/{market.id}"' in text_of(client.get(f"/lots/{market.lots[0].id}"))


def test_market_without_lots_says_what_next(login_as):
    market = make_market(make_operation(make_org(OrgKind.BUYER)))
    seen = words_of(login_as(make_admin()).get(f"/marches/{market.id}"))
    assert "Ce marché n'a pas encore de lot" in seen and "ajouter un lot" in seen


def _dialog_text(html, dialog_id):
    match = re.search(rf'<dialog id="{dialog_id}".*?</dialog>', html, re.S)
    assert match, dialog_id
    return re.sub(r"[\s\u00a0\u202f]+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_closing_an_operation_asks_and_says_its_hours(login_as, db):
    op = _market(make_org(OrgKind.BUYER))[0]
    op.status = "running"
    db.session.commit()
    client = login_as(make_admin())
    dialog = _dialog_text(text_of(client.get(f"/operations/{op.id}")), "confirm-close")
    assert "Clôturer l'opération « Gymnase » ?" in dialog
    assert "ses 1 300 h prévues ne compteront plus" in dialog
    step = client.post_form(f"/operations/{op.id}/statut", versioned(op, {"action": "close"}))
    assert step.status_code == 200 and "ses 1 300 h prévues" in words_of(step)
    assert 'name="action" value="close"' in text_of(step)
    db.session.refresh(op)
    assert op.status == "running"
    done = client.post_form(
        f"/operations/{op.id}/statut", versioned(op, {"action": "close", **CONFIRMED})
    )
    assert done.status_code == 303
    db.session.refresh(op)
    assert op.status == "closed"
    # reopening is not irreversible: no question
    assert "confirm-reopen" not in text_of(client.get(f"/operations/{op.id}"))


def test_deleting_a_share_names_the_company_and_the_new_split(login_as, db):
    op = make_operation(make_org(OrgKind.BUYER), is_tce=True, tce_hours=1001)
    first = make_org(OrgKind.COMPANY, name="Charpentes Démo")
    second = make_org(OrgKind.COMPANY, name="Enduits Démo")
    for company in (first, second):
        db.session.add(
            SubcontractorShare(
                operation=op, company=company, trade="masonry", amount_excl_tax=1000, hours=500
            )
        )
    db.session.commit()
    from portal.markets import split as tce

    tce.ensure_split(op)  # the shares are managed on the split page, while it is a draft
    db.session.commit()
    share = db.session.scalars(select(SubcontractorShare).order_by(SubcontractorShare.id)).first()
    client = login_as(make_admin())
    page = text_of(client.get(f"/operations/{op.id}/repartition-tce"))
    dialog = _dialog_text(page, f"confirm-share-{share.id}")
    assert "Supprimer la part de l'entreprise Charpentes Démo ?" in dialog
    assert "réparti à nouveau entre 1 autre sous-traitant" in dialog
    step = client.post_form(f"/parts/{share.id}/supprimer")
    assert step.status_code == 200
    assert len(db.session.scalars(select(SubcontractorShare)).all()) == 2
    assert client.post_form(f"/parts/{share.id}/supprimer", CONFIRMED).status_code == 303
    assert len(db.session.scalars(select(SubcontractorShare)).all()) == 1
