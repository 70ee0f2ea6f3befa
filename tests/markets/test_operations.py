from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.models import AuditEvent, Market, Operation, OrgKind, SubcontractorShare
from tests.conftest import CONFIRMED, HTMX, text_of, versioned
from tests.factories import (
    make_admin,
    make_ccvg_with_communes,
    make_lot,
    make_market,
    make_operation,
    make_org,
    make_user,
)


def test_facilitator_creates_an_operation_and_a_market(login_as, db):
    _ccvg, (commune,) = make_ccvg_with_communes("Vourles")
    client = login_as(make_admin())
    missing = client.post_form("/operations/nouvelle", {"name": "", "buyer_id": ""})
    assert missing.status_code == 422
    assert "Saisissez le nom de l'opération." in text_of(missing)
    created = client.post_form(
        "/operations/nouvelle",
        {
            "buyer_id": str(commune.id),
            "name": "Extension de l'école",
            "nature": "works",
            "start_date": "2026-03-01",
            "end_date": "2027-06-30",
        },
    )
    assert created.status_code == 303
    op = db.session.scalars(select(Operation).where(Operation.name == "Extension de l'école")).one()
    assert op.buyer_id == commune.id
    assert op.status == "preparation"
    market = client.post_form(
        f"/operations/{op.id}/marches/nouveau",
        {
            "reference": "2026-VOU-001",
            "title": "Travaux d'extension",
            "legal_basis": "execution_condition",
            "notification_date": "2026-04-01",
            "planned_end": "2026-01-01",
        },
    )
    assert market.status_code == 422
    assert "La fin doit suivre la notification." in text_of(market)
    market = client.post_form(
        f"/operations/{op.id}/marches/nouveau",
        {
            "reference": "2026-VOU-001",
            "title": "Travaux d'extension",
            "legal_basis": "execution_condition",
            "notification_date": "2026-04-01",
        },
    )
    created_market = db.session.scalars(select(Market).where(Market.operation_id == op.id)).one()
    assert market.headers["Location"] == f"/marches/{created_market.id}/lots/nouveau"
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "operation.created" in actions and "market.created" in actions


def test_operation_dates_in_the_wrong_order_are_refused(login_as, db):
    buyer = make_org(OrgKind.BUYER)
    client = login_as(make_admin())
    response = client.post_form(
        "/operations/nouvelle",
        {
            "buyer_id": str(buyer.id),
            "name": "X",
            "nature": "works",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 422
    assert "La fin doit suivre le début." in text_of(response)
    bad_date = client.post_form(
        "/operations/nouvelle",
        {"buyer_id": str(buyer.id), "name": "X", "nature": "works", "start_date": "31/02/2026"},
    )
    assert bad_date.status_code == 422
    assert "Cette date n'est pas valide" in text_of(bad_date)
    assert db.session.scalar(select(Operation.id)) is None


def test_buyers_see_their_operations_and_the_ccvg_its_communes(login_as):
    ccvg, (alpha, beta) = make_ccvg_with_communes("Alpha", "Beta")
    make_operation(ccvg, name="Piscine intercommunale")
    make_operation(alpha, name="École Alpha")
    make_operation(beta, name="Mairie Beta")
    ccvg_page = text_of(login_as(make_user(ccvg)).get("/operations/"))
    assert all(n in ccvg_page for n in ("Piscine intercommunale", "École Alpha", "Mairie Beta"))
    alpha_page = text_of(login_as(make_user(alpha)).get("/operations/"))
    assert "École Alpha" in alpha_page
    assert "Mairie Beta" not in alpha_page
    assert "Piscine intercommunale" not in alpha_page
    assert "Créer une opération" not in alpha_page


def test_operations_filters_and_htmx_fragment(login_as):
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    running = make_operation(ccvg, name="Voirie 2026", status="running")
    make_operation(alpha, name="Voirie Alpha", status="preparation")
    make_market(running, legal_basis="reserved_siae")
    client = login_as(make_admin())
    by_status = text_of(client.get("/operations/?statut=running"))
    assert "Voirie 2026" in by_status and "Voirie Alpha" not in by_status
    by_buyer = text_of(client.get(f"/operations/?acheteur={alpha.id}"))
    assert "Voirie Alpha" in by_buyer and "Voirie 2026" not in by_buyer
    by_basis = text_of(client.get("/operations/?fondement=reserved_siae"))
    assert "Voirie 2026" in by_basis and "Voirie Alpha" not in by_basis
    nonsense = client.get("/operations/?statut=zzz&annee=abcd&acheteur=x")
    assert nonsense.status_code == 200
    fragment = client.get("/operations/?q=alpha", headers=HTMX)
    body = text_of(fragment)
    assert "<html" not in body and "Voirie Alpha" in body and "Voirie 2026" not in body
    page = text_of(client.get("/operations/?q=alpha"))
    assert body.strip() in page


def test_operations_list_has_no_n_plus_one(app, login_as, assert_max_queries):
    app.config["PAGE_SIZE"] = 50
    client = login_as(make_admin())
    buyer = make_org(OrgKind.BUYER)
    for n in range(3):
        make_lot(make_market(make_operation(buyer, name=f"Op {n}")))
    with assert_max_queries(12) as counter:
        assert client.get("/operations/").status_code == 200
    for n in range(8):
        make_lot(make_market(make_operation(make_org(OrgKind.BUYER), name=f"Autre {n}")))
    with assert_max_queries(counter.count):
        client.get("/operations/")


def test_operation_page_totals_and_status_transitions(login_as, db):
    op = make_operation(make_org(OrgKind.BUYER), name="Gymnase")
    market = make_market(op)
    make_lot(market, planned_hours=300, title="Gros œuvre")
    make_lot(market, planned_hours=4000, title="Charpente")
    admin = make_admin()
    client = login_as(admin)
    html = text_of(client.get(f"/operations/{op.id}"))
    assert "4\u202f300\u00a0h" in html  # total of the lots
    assert "750,00\u00a0€" in html  # 300 h → first bracket
    assert "Sur devis" in html  # above 3 640 h
    started = client.post_form(
        f"/operations/{op.id}/statut", versioned(op, {"action": "start", **CONFIRMED})
    )
    assert started.status_code == 303
    db.session.refresh(op)
    assert op.status == "running"
    refused = client.post_form(
        f"/operations/{op.id}/statut", versioned(op, {"action": "start", **CONFIRMED})
    )
    assert refused.status_code == 409
    assert "n'est pas possible" in text_of(refused)
    db.session.refresh(op)
    assert op.status == "running"


def test_buyer_reads_the_operation_without_edit_buttons(login_as):
    buyer = make_org(OrgKind.BUYER)
    op = make_operation(buyer, name="Médiathèque")
    html = text_of(login_as(make_user(buyer)).get(f"/operations/{op.id}"))
    assert "Médiathèque" in html
    assert "Modifier l'opération" not in html
    assert "Ajouter un marché" not in html


def test_tce_shares_are_split_exactly(login_as, db):
    buyer = make_org(OrgKind.BUYER)
    general = make_org(OrgKind.COMPANY, name="Entreprise générale")
    subs = [make_org(OrgKind.COMPANY, name=f"Sous-traitant {n}") for n in range(3)]
    op = make_operation(buyer, is_tce=True, general_contractor=general, tce_hours=1000)
    client = login_as(make_admin())
    for company, amount in zip(subs, ("100 000", "100 000", "100 000"), strict=True):
        response = client.post_form(
            f"/operations/{op.id}/parts",
            {"company_id": str(company.id), "trade": "masonry", "amount_excl_tax": amount},
        )
        assert response.status_code == 303
    hours = db.session.scalars(
        select(SubcontractorShare.hours).order_by(SubcontractorShare.id)
    ).all()
    assert hours == [334, 333, 333]
    bad = client.post_form(
        f"/operations/{op.id}/parts",
        {"company_id": str(subs[0].id), "trade": "masonry", "amount_excl_tax": "-5"},
    )
    assert bad.status_code == 303
    assert len(db.session.scalars(select(SubcontractorShare)).all()) == 3
    edit = client.post_form(
        f"/operations/{op.id}/modifier",
        versioned(
            op,
            {
                "buyer_id": str(buyer.id),
                "name": op.name,
                "nature": "works",
                "is_tce": "y",
                "general_contractor_id": str(general.id),
                "tce_hours": "1001",
            },
        ),
    )
    assert edit.status_code == 303
    assert sum(db.session.scalars(select(SubcontractorShare.hours)).all()) == 1001
    first = db.session.scalars(select(SubcontractorShare).order_by(SubcontractorShare.id)).first()
    client.post_form(f"/parts/{first.id}/supprimer", CONFIRMED)
    assert db.session.scalars(select(SubcontractorShare.hours)).all() == [501, 500]


def test_shares_only_on_tce_operations(login_as, db):
    op = make_operation(make_org(OrgKind.BUYER))
    company = make_org(OrgKind.COMPANY)
    response = login_as(make_admin()).post_form(
        f"/operations/{op.id}/parts",
        {"company_id": str(company.id), "trade": "masonry", "amount_excl_tax": "1000"},
    )
    assert response.status_code == 409
    assert db.session.scalar(select(SubcontractorShare.id)) is None


def test_a_company_sees_the_shares_it_carries(login_as, db):
    buyer = make_org(OrgKind.BUYER)
    company, other = make_org(OrgKind.COMPANY), make_org(OrgKind.COMPANY)
    op = make_operation(buyer, name="Collège TCE", is_tce=True, tce_hours=500)
    for org, amount in ((company, "1000"), (other, "3000")):
        share = SubcontractorShare(
            operation=op, company=org, trade="plastering", amount_excl_tax=Decimal(amount), hours=1
        )
        db.session.add(share)
    db.session.commit()
    html = text_of(login_as(make_user(company)).get("/lots/"))
    assert "Mes parts de sous-traitance" in html
    assert "1\u202f000,00\u00a0€" in html
    assert "3\u202f000,00\u00a0€" not in html
