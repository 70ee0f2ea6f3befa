"""Each role's home page shows its real figures, scoped to what it may see."""

from __future__ import annotations

from portal.models import OrgKind, PurchaseDeclaration
from tests.conftest import text_of
from tests.factories import (
    make_admin,
    make_ccvg_with_communes,
    make_lot,
    make_market,
    make_operation,
    make_org,
    make_user,
)


def _declare(db, buyer, status="submitted"):
    from datetime import date
    from decimal import Decimal

    declaration = PurchaseDeclaration(
        buyer=buyer,
        title="Achat",
        nature="works",
        estimated_amount=Decimal("100000"),
        planned_publication=date(2027, 3, 1),
        status=status,
    )
    db.session.add(declaration)
    db.session.commit()
    return declaration


def test_facilitator_home_counts_what_is_to_do(login_as, db):
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    for _ in range(3):
        _declare(db, alpha)
    _declare(db, ccvg, status="declined")
    make_lot(make_market(make_operation(alpha)), planned_hours=700)
    make_lot(make_market(make_operation(ccvg, status="closed")), planned_hours=9000)
    html = text_of(login_as(make_admin()).get("/"))
    assert (
        '3</span>\n            <span class="stats__label">déclaration(s) du recensement à examiner'
        in html
    )
    assert '1</span>\n              <span class="stats__label">opération(s) en préparation' in html
    assert "opérations non clôturées : <strong>700\u00a0h</strong>" in html


def test_buyer_home_shows_its_operations_and_hours_only(login_as, db):
    ccvg, (alpha, beta) = make_ccvg_with_communes("Alpha", "Beta")
    make_lot(make_market(make_operation(alpha, status="running")), planned_hours=455)
    make_lot(make_market(make_operation(beta, status="running")), planned_hours=1000)
    _declare(db, alpha)
    alpha_home = text_of(login_as(make_user(alpha)).get("/"))
    assert "Heures d'insertion prévues dans mes lots : <strong>455\u00a0h</strong>" in alpha_home
    assert "Déclarer un achat à venir" in alpha_home
    ccvg_home = text_of(login_as(make_user(ccvg)).get("/"))
    assert "<strong>1\u202f455\u00a0h</strong>" in ccvg_home


def test_holder_home_lists_its_lots(login_as):
    company, other = make_org(OrgKind.COMPANY), make_org(OrgKind.COMPANY)
    market = make_market(make_operation(make_org(OrgKind.BUYER), name="Crèche"))
    make_lot(market, holder=company, title="Peinture", planned_hours=120)
    make_lot(market, holder=other, title="Plomberie", planned_hours=300)
    html = text_of(login_as(make_user(company)).get("/"))
    assert "1 lot(s) dont vous êtes titulaire" in html
    assert "<strong>120\u00a0h</strong>" in html
    assert "Peinture" in html and "Plomberie" not in html
