from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import facturx
import pytest
from sqlalchemy import func, select
from stdnum import bic, iban
from stdnum.fr import siret

from portal import demo
from portal.convention.payee import PAYEE_FIELDS, payee_block
from portal.convention.periods import convention_periods
from portal.demo import (
    AMOI_EMAIL,
    DEMO_AMENDMENT,
    DEMO_PASSWORD,
    DEMO_PAYEE,
    DEMO_SETTING,
    ORGANISATIONS,
    USERS,
    DemoRefused,
    seed_demo,
)
from portal.demo.people_data import EARLIER_PEOPLE, PEOPLE
from portal.demo.year_data import DECLARATIONS
from portal.documents import facturx as facturx_xml
from portal.extensions import db as database
from portal.invoices.services import invoice_facts
from portal.markets import split as tce
from portal.models import (
    Amendment,
    AuditEvent,
    Escalation,
    HoursRecord,
    HourStatement,
    Invoice,
    Lot,
    Market,
    Meeting,
    Operation,
    Organisation,
    OrgKind,
    Placement,
    PurchaseDeclaration,
    Quote,
    Report,
    Setting,
    SubcontractorShare,
    User,
)
from portal.rules.hours import DEFAULT_HOURLY_COST, TRADES, insertion_hours, split_hours
from portal.rules.markets import LegalBasis, PenaltyKind, PurchaseNature, default_rate
from portal.rules.tariffs import CONVENTION_2022, bracket_for, lot_package
from portal.rules.workflow import DeclarationStatus, OperationStatus
from tests.factories import make_org

YEAR_TABLES = (PurchaseDeclaration, Operation, Market, Lot, HoursRecord, SubcontractorShare)


def _count(model) -> int:
    return database.session.scalar(select(func.count()).select_from(model))


def _lots(db) -> list[Lot]:
    return list(db.session.scalars(select(Lot).order_by(Lot.id)))


def test_seed_demo_loads_the_parties(app, db):
    counts = seed_demo()
    assert counts == {
        "organisations": len(ORGANISATIONS),
        "users": len(USERS),
        "declarations": len(DECLARATIONS),
        "operations": _count(Operation),
        "markets": _count(Market),
        "lots": _count(Lot),
        "quotes": _count(Quote),
        "invoices": _count(Invoice),
        "people": len(PEOPLE) + len(EARLIER_PEOPLE),
        "placements": _count(Placement),
        "statements": _count(HourStatement),
        "offers": 3,
        "applications": 15,
        "escalations": _count(Escalation),
        "meetings": _count(Meeting),
        "reports": _count(Report),
    }
    names = set(db.session.scalars(select(Organisation.name)))
    assert "Sud-Ouest Emploi" in names
    for commune in ("Brignais", "Chaponost", "Vourles", "Millery", "Montagny"):
        assert f"Commune de {commune}" in names
    soe = db.session.scalars(
        select(Organisation).where(Organisation.name == "Sud-Ouest Emploi")
    ).one()
    assert soe.siret == "44023823600028"
    ccvg = db.session.scalars(select(Organisation).where(Organisation.name.like("%CCVG%"))).one()
    assert len(ccvg.members) == 5
    for org in db.session.scalars(select(Organisation).where(Organisation.siret.is_not(None))):
        assert siret.is_valid(org.siret), org.name
    structures = db.session.scalars(
        select(Organisation.structure_kind).where(Organisation.kind == "structure")
    ).all()
    assert sorted(structures) == ["ACI", "AI", "ETTI", "GEIQ"]
    prescribers = db.session.scalars(
        select(Organisation.prescriber_kind).where(Organisation.kind == "prescriber")
    ).all()
    assert sorted(prescribers) == ["france_travail", "mission_locale"]
    orgs_without_users = db.session.scalar(
        select(func.count()).select_from(Organisation).where(~Organisation.users.any())
    )
    assert orgs_without_users == 0


def test_seed_demo_is_idempotent(app, db):
    seed_demo()
    before = {
        model: _count(model) for model in (*YEAR_TABLES, User, AuditEvent, Amendment, Setting)
    }
    assert set(seed_demo().values()) == {0}
    assert {model: _count(model) for model in before} == before
    assert _count(User) == len(USERS)


def test_seed_demo_refuses_real_data(app):
    make_org(OrgKind.COMPANY, name="Vraie entreprise")
    with pytest.raises(DemoRefused):
        seed_demo()
    database.session.rollback()
    assert _count(Amendment) == 0 and _count(Setting) == 0  # a real instance gets no avenant


def test_demo_renews_the_convention_by_a_fictitious_avenant(app, db):
    seed_demo()
    [amendment] = db.session.scalars(select(Amendment))
    assert amendment.reference == "Avenant n°1 (démonstration)"
    assert "démonstration" in amendment.label and "fictif" in amendment.note
    assert (amendment.period_start, amendment.period_end) == (date(2025, 1, 1), date(2027, 12, 31))
    periods = convention_periods()
    assert [(p.start, p.end) for p in periods] == [
        (date(2022, 1, 1), date(2024, 12, 31)),
        (date(2025, 1, 1), date(2027, 12, 31)),
    ]
    assert periods[-1].amendment == DEMO_AMENDMENT["reference"]


def test_demo_payee_block_is_complete_and_valid(app, db):
    seed_demo()
    payee = payee_block()
    assert payee == DEMO_PAYEE and set(payee) == set(PAYEE_FIELDS)
    assert payee["payee_name"] == "Sud-Ouest Emploi"
    assert payee["payee_siret"] == "44023823600028" and siret.is_valid(payee["payee_siret"])
    assert iban.is_valid(payee["payee_iban"]) and payee["payee_iban"].startswith("FR76 9999 9")
    assert bic.is_valid(payee["payee_bic"])
    assert "fictive" in payee["payee_contact"]


def test_demo_keeps_an_admins_edits(app, db):
    seed_demo()
    db.session.get(Setting, "payee_contact").value = "Changé par l'administratrice"
    db.session.scalars(select(Amendment)).one().label = "Renommé"
    db.session.commit()
    assert set(seed_demo().values()) == {0}
    assert db.session.get(Setting, "payee_contact").value == "Changé par l'administratrice"
    assert [a.label for a in db.session.scalars(select(Amendment))] == ["Renommé"]


def test_every_demo_login_works_and_banner_shows(app, db):
    seed_demo()
    for spec in USERS:
        client = app.test_client()
        assert (
            client.post_form(
                "/connexion", {"email": spec.email, "password": DEMO_PASSWORD}
            ).status_code
            == 303
        )
        assert "Instance de démonstration" in client.get("/").get_data(as_text=True)


def test_cli_seed_demo(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Données de démonstration chargées" in result.output
    assert "opérations" in result.output
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "déjà chargées" in again.output


def test_cli_seed_demo_if_empty_leaves_a_real_database_alone(app):
    make_org(OrgKind.COMPANY)
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "non rechargées" in result.output


def test_cli_seed_demo_refuses_real_data(app):
    make_org(OrgKind.COMPANY)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuse" in result.output


# The demo year: census declarations, operations, markets, lots and hours.


def test_demo_year_operations_span_the_ccvg_and_communes(app, db):
    seed_demo()
    operations = list(db.session.scalars(select(Operation)))
    assert len(operations) >= 4
    buyers = {op.buyer.name for op in operations}
    assert any("CCVG" in name for name in buyers)
    assert len({name for name in buyers if name.startswith("Commune de ")}) >= 3
    statuses = Counter(op.status for op in operations)
    assert statuses[OperationStatus.PREPARATION] and statuses[OperationStatus.RUNNING]
    for op in operations:
        assert op.markets, op.name
        for market in op.markets:
            assert market.lots and market.reference.startswith(("2025-", "2026-"))
            assert market.planned_end is not None
            numbers = [lot.number for lot in market.lots]
            assert len(numbers) == len(set(numbers)), market.reference
            if op.status != OperationStatus.PREPARATION:
                assert market.notification_date and market.kickoff_date, market.reference
                assert market.notification_date <= market.kickoff_date <= market.planned_end
    references = list(db.session.scalars(select(Market.reference)))
    assert len(references) == len(set(references))
    lots = _lots(db)
    assert all(lot.holder is not None and lot.trade in TRADES for lot in lots)
    assert all(isinstance(lot.amount_excl_tax, Decimal) for lot in lots)
    assert any(lot.award_criterion for lot in lots)
    kinds = {lot.penalty_kind for lot in lots}
    assert kinds == {kind.value for kind in PenaltyKind}
    assert any(lot.penalty_kind == PenaltyKind.SMIC_MULTIPLE and lot.penalty_cap for lot in lots)


def test_demo_year_census_has_every_status(app, db):
    seed_demo()
    amoi = db.session.scalars(select(User).where(User.email == AMOI_EMAIL)).one()
    declarations = list(db.session.scalars(select(PurchaseDeclaration)))
    assert {d.status for d in declarations} == {s.value for s in DeclarationStatus}
    assert {d.year for d in declarations} == {2025, 2026, 2027}
    assert any("CCVG" in d.buyer.name for d in declarations)
    assert len({d.buyer_id for d in declarations}) >= 4
    for declaration in declarations:
        assert declaration.declared_by.organisation_id == declaration.buyer_id
        if declaration.status == DeclarationStatus.SUBMITTED:
            assert declaration.reviewed_by is None and declaration.reviewed_at is None
            continue
        assert declaration.reviewed_by == amoi and declaration.reviewed_at
        assert declaration.review_comment
        if declaration.status == DeclarationStatus.DECLINED:
            assert declaration.recommended_basis is None
        else:
            assert LegalBasis(declaration.recommended_basis)
    assert any(
        d.status == DeclarationStatus.DECLINED and d.nature == PurchaseNature.SUPPLIES
        for d in declarations
    )
    converted = [d for d in declarations if d.status == DeclarationStatus.CONVERTED]
    assert len(converted) == _count(Operation)  # every demo operation comes from the census
    for declaration in converted:
        operation = declaration.operation
        assert operation is not None and operation.buyer_id == declaration.buyer_id
        assert operation.name == declaration.title and operation.nature == declaration.nature
        assert declaration.converted_by == amoi and declaration.converted_at
        assert declaration.reviewed_at <= declaration.converted_at


def test_demo_year_hours_are_computed_and_frozen(app, db):
    seed_demo()
    amoi = db.session.scalars(select(User).where(User.email == AMOI_EMAIL)).one()
    for lot in _lots(db):
        if lot.market.is_reserved:
            continue
        operation = lot.market.operation
        expected = insertion_hours(
            lot.amount_excl_tax,
            TRADES[lot.trade].labour_share,
            Decimal("35"),
            default_rate(operation.nature),
        )
        assert lot.planned_hours == expected.planned, lot.label
        [record] = lot.calculations
        assert record.planned_hours == lot.planned_hours
        assert record.raw_hours == expected.raw
        assert record.hourly_cost == DEFAULT_HOURLY_COST
        assert record.rate == (Decimal("0.05") if operation.nature == "works" else Decimal("0.10"))
        assert record.author == amoi
    calculated = _count(HoursRecord)
    events = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "lot.hours_calculated", AuditEvent.actor_id == amoi.id)
    )
    assert events == calculated


def test_demo_year_covers_every_tariff_bracket(app, db):
    seed_demo()
    planned = [lot.planned_hours for lot in _lots(db) if lot.planned_hours is not None]
    brackets = {bracket_for(hours, CONVENTION_2022) for hours in planned}
    assert set(CONVENTION_2022.brackets) <= brackets
    assert None in brackets  # above the grid: manual quote
    assert any(1 <= hours <= 455 for hours in planned)
    assert any(456 <= hours <= 1820 for hours in planned)
    assert any(1821 <= hours <= 3640 for hours in planned)
    manual = [hours for hours in planned if hours > CONVENTION_2022.manual_above]
    assert manual and all(lot_package(hours, CONVENTION_2022) is None for hours in manual)
    assert manual[0] > 3640


def test_demo_year_tce_shares_add_up(app, db):
    seed_demo()
    [operation] = db.session.scalars(select(Operation).where(Operation.is_tce.is_(True)))
    assert operation.general_contractor.kind == OrgKind.COMPANY
    assert operation.tce_hours == sum(
        lot.planned_hours for m in operation.markets for lot in m.lots
    )
    shares = operation.shares
    assert len(shares) >= 3
    assert all(share.company.kind == OrgKind.COMPANY and share.trade in TRADES for share in shares)
    assert sum(share.hours for share in shares) == operation.tce_hours
    # The AMOI's proposal weighs each trade by its amount × labour share (docs/domain.md §3).
    assert [share.hours for share in shares] == split_hours(
        operation.tce_hours,
        [share.amount_excl_tax * TRADES[share.trade].labour_share for share in shares],
    )
    assert tce.split_of(operation).status == "validated"


def test_demo_year_reserved_market_is_held_by_the_aci(app, db):
    seed_demo()
    [market] = db.session.scalars(
        select(Market).where(Market.legal_basis == LegalBasis.RESERVED_SIAE)
    )
    [lot] = market.lots
    assert lot.holder.name == "Chantier d'insertion Démo (ACI fictif)"
    assert lot.holder.structure_kind == "ACI"
    assert lot.planned_hours is None and lot.calculations == []
    reserved_lots = {lot.id for lot in _lots(db) if lot.market.is_reserved}
    assert {lot.id for lot in _lots(db) if lot.planned_hours is None} == reserved_lots


def test_old_demo_database_gets_the_year(app, db, monkeypatch):
    # A demo instance seeded before the demo year existed: organisations, users, marker.
    with monkeypatch.context() as patched:
        patched.setattr(demo, "seed_year", lambda *args: {})
        seed_demo()
    assert db.session.get(Setting, DEMO_SETTING) is not None
    assert _count(User) == len(USERS) and not any(_count(m) for m in YEAR_TABLES)

    counts = seed_demo()
    assert counts["organisations"] == counts["users"] == 0
    assert counts["declarations"] == len(DECLARATIONS)
    assert counts["operations"] == _count(Operation) >= 4
    assert counts["lots"] == _count(Lot) and counts["markets"] == _count(Market)
    assert _count(Organisation) == len(ORGANISATIONS) and _count(User) == len(USERS)
    assert _count(Amendment) == 1
    assert set(seed_demo().values()) == {0}


def test_old_demo_database_with_operations_gets_the_avenant(app, db):
    # A demo instance loaded before the avenants existed: it already has its year.
    seed_demo()
    db.session.execute(Amendment.__table__.delete())
    db.session.execute(Setting.__table__.delete().where(Setting.key.in_(PAYEE_FIELDS)))
    db.session.commit()
    seed_demo()
    assert _count(Amendment) == 1
    assert payee_block() == DEMO_PAYEE


def test_old_demo_database_missing_a_party_is_refused(app, db, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(demo, "seed_year", lambda *args: {})
        seed_demo()
    aci = db.session.scalars(select(Organisation).where(Organisation.name.like("%ACI%"))).one()
    aci.name = "ACI renommé"
    db.session.commit()
    with pytest.raises(DemoRefused, match="introuvable"):
        seed_demo()
    db.session.rollback()
    assert not any(_count(m) for m in YEAR_TABLES)


def test_demo_quotes_cover_every_stage_with_consistent_invoices(app, db):
    seed_demo()
    statuses = set(db.session.scalars(select(Quote.status)))
    assert {"draft", "submitted", "rejected", "invoiced_deposit", "settled"} <= statuses
    numbers = sorted(n for n in db.session.scalars(select(Quote.number)) if n)
    assert numbers == [f"DEV-2026-{n:04d}" for n in range(1, len(numbers) + 1)]
    for quote in db.session.scalars(select(Quote).where(Quote.status == "settled")):
        assert sum(i.amount for i in quote.invoices) == quote.total
        assert all(i.status == "paid" for i in quote.invoices)
    assert all(
        not line.needs_input
        for q in db.session.scalars(select(Quote))
        for line in q.lines
        if q.number
    )
    assert (
        db.session.scalar(select(func.count()).select_from(Invoice).where(Invoice.status == "paid"))
        >= 2
    )


def test_demo_invoices_are_complete_factur_x_invoices(app, db):
    """Every demo invoice prints both parties' addresses and SIRET, a due date, the legal
    mentions and the CCVG's Chorus Pro references, and its Factur-X XML passes the
    schema."""
    seed_demo()
    invoices = db.session.scalars(select(Invoice)).all()
    assert invoices
    for invoice in invoices:
        assert invoice.billed_address.endswith("69530 Brignais"), invoice.number
        assert siret.is_valid(invoice.billed_siret), invoice.number
        assert invoice.due_date == invoice.issue_date + timedelta(days=30)
        assert len(invoice.payment_terms.splitlines()) == 3
        assert invoice.service_code == "SCCPAJ" and invoice.commitment_number.startswith("ENG-")
        assert invoice.payee["payee_vat_regime"] == "not_subject"
        xml = facturx_xml.cii_xml(invoice_facts(invoice))
        assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
