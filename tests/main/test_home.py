"""Each role's home page shows its real figures, scoped to what it may see."""

from __future__ import annotations

from portal.models import OrgKind, PurchaseDeclaration
from tests.conftest import text_of, words_of
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
    response = login_as(make_admin()).get("/")
    html = text_of(response)
    seen = words_of(response)
    assert "3 déclarations du recensement à examiner" in seen
    assert "1 opération en préparation" in seen
    assert "1 opération clôturée" in seen and "0 opération en cours" in seen
    assert "(s)" not in seen
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
    response = login_as(make_user(company)).get("/")
    html = text_of(response)
    assert "1 lot dont vous êtes titulaire" in words_of(response)
    assert "<strong>120\u00a0h</strong>" in html
    assert "Peinture" in html and "Plomberie" not in html


def test_counts_agree_with_their_number(login_as, db):
    buyer = make_org(OrgKind.BUYER)
    for _ in range(2):
        make_operation(buyer, status="closed")
    seen = words_of(login_as(make_admin()).get("/"))
    assert "2 opérations clôturées" in seen
    assert "0 opération en préparation" in seen
    assert "(s)" not in seen


def test_structure_without_lots_is_told_why_and_what_next(login_as):
    geiq = make_org(OrgKind.STRUCTURE, structure_kind="GEIQ")
    seen = words_of(login_as(make_user(geiq)).get("/"))
    assert "Aucun lot ne vous est encore attribué" in seen
    assert "sous-traite une part" in seen and "signalez-lui vos disponibilités" in seen


def test_buyer_without_operations_is_pointed_to_the_census(login_as):
    seen = words_of(login_as(make_user(make_org(OrgKind.BUYER))).get("/"))
    assert "Aucune opération pour l'instant" in seen
    assert "Vous n'avez encore déclaré aucun achat" in seen


def test_alone_in_its_organisation_is_told_how_to_add_colleagues(login_as):
    company = make_org(OrgKind.COMPANY, name="Charpentes Démo")
    seen = words_of(login_as(make_user(company)).get("/"))
    assert "Personne d'autre n'a de compte pour l'entreprise Charpentes Démo" in seen


def test_home_figures_come_in_few_statements(login_as, db, assert_max_queries):
    """One aggregate statement per table, the one-number figures in one statement
    (issue 15): user, colleagues, the figures, operations and organisations by kind; the
    lots' progress in two (issue 10: the lots with their placements' aggregates, the
    validated hours per lot and month); a buyer's also the escalations and the penalties
    waiting for it (issue 11)."""
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    company = make_org(OrgKind.COMPANY)
    make_lot(make_market(make_operation(alpha)), holder=company, planned_hours=70)
    _declare(db, alpha)
    for user, limit in ((make_admin(), 7), (make_user(ccvg), 10), (make_user(company), 6)):
        client = login_as(user)
        with assert_max_queries(limit):
            assert client.get("/").status_code == 200


def test_the_ccvg_home_reads_its_communes_once(login_as, db, assert_max_queries):
    ccvg, _communes = make_ccvg_with_communes("Alpha", "Beta")
    client = login_as(make_user(ccvg))
    with assert_max_queries(10) as counter:
        html = text_of(client.get("/"))
    assert "Commune de Alpha" in html and "Commune de Beta" in html
    organisations = [s for s in counter.statements if s.startswith("SELECT organisations.id")]
    assert len(organisations) == 1, organisations  # not again by the scope rules' buyer_org_ids


def test_the_people_figures_of_the_admin_home(login_as, db):
    amoi = make_org(OrgKind.FACILITATOR, name="AMOI")
    make_user(amoi, password=None)  # invited
    make_user(make_org(OrgKind.COMPANY))
    seen = words_of(login_as(make_admin(org=amoi)).get("/"))
    assert "Comptes 2 comptes actifs, 1 invitation en attente." in seen
    assert "0 accès refusé au journal d'audit" in seen
