"""Every quote line comes from the rules module (convention annexe 2; docs/domain.md §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.models import Amendment, OrgKind, QuoteKind, SubcontractorShare
from portal.quotes import services as service
from portal.quotes.services import QuoteRefused
from portal.rules import tariffs
from tests.factories import make_admin, make_lot, make_market, make_operation, make_org
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation

GRID = tariffs.CONVENTION_2022


def _amounts(quote):
    return [(line.code, line.amount) for line in quote.lines]


@pytest.mark.parametrize(
    ("hours", "package"),
    [(1, 750), (455, 750), (456, 1250), (1820, 1250), (1821, 2000), (3640, 2000)],
)
def test_one_package_per_lot_by_planned_hours(db, hours, package):
    quote = make_quote(priced_operation(make_org(OrgKind.BUYER), hours=(hours,)), make_admin())
    expected = tariffs.lot_quote_lines(hours, False, GRID)
    assert _amounts(quote) == [(line.code, line.amount) for line in expected]
    assert quote.total == Decimal(package)


def test_award_criterion_adds_two_days_per_lot(db):
    quote = make_quote(
        priced_operation(make_org(OrgKind.BUYER), hours=(300, 1000), award=True), make_admin()
    )
    assert [code for code, _ in _amounts(quote)] == [
        "lot_package",
        "award_criterion",
        "lot_package",
        "award_criterion",
    ]
    assert quote.total == Decimal(750 + 1000 + 1250 + 1000)
    assert "Critère d'attribution" in quote.lines[1].label


def test_award_criterion_only_lot_and_lot_without_clause(db):
    operation = make_operation(make_org(OrgKind.BUYER))
    market = make_market(operation)
    make_lot(market, number=1, planned_hours=None, award_criterion=True)
    make_lot(market, number=2, planned_hours=None, award_criterion=False)
    quote = make_quote(operation, make_admin())
    assert _amounts(quote) == [("award_criterion", Decimal("1000.00"))]


def test_above_the_last_bracket_is_a_manual_line_to_complete(db):
    admin = make_admin()
    quote = make_quote(priced_operation(make_org(OrgKind.BUYER), hours=(3641,)), admin)
    (line,) = quote.lines
    assert line.manual and line.code == "lot_manual" and line.needs_input
    assert "sur devis" in line.label
    with pytest.raises(QuoteRefused, match="Complétez d'abord les lignes sur devis"):
        service.submit(quote, admin)
    db.session.rollback()
    service.set_manual_line(quote, line, Decimal("5.5"), "Chantier de 3 ans, 2 phases")
    assert line.amount == Decimal("2750.00")  # 5,5 days × 500 €
    assert quote.total == Decimal("2750.00")
    service.regenerate_lines(quote)  # recalculating keeps what the AMOI wrote
    assert quote.lines[0].quantity == Decimal("5.5")
    assert quote.lines[0].justification == "Chantier de 3 ans, 2 phases"


def test_reserved_market_fixed_items_and_annual_line(db):
    operation = make_operation(make_org(OrgKind.BUYER))
    make_lot(make_market(operation, legal_basis="reserved_siae"), planned_hours=None)
    quote = service.create_quote(
        kind=QuoteKind.OPERATION,
        quote_date=IN_CONVENTION,
        user=make_admin(),
        operation=operation,
        sourced_siae=3,
    )
    expected = [
        *tariffs.reserved_market_quote_lines(3, GRID),
        tariffs.reserved_market_annual_line(GRID),
    ]
    assert _amounts(quote) == [(line.code, line.amount) for line in expected]
    assert quote.total == Decimal(250 + 600 + 250 + 500 + 500 + 1000)


def test_tce_operation_is_priced_by_subcontractor_shares(db):
    buyer, company = make_org(OrgKind.BUYER), make_org(OrgKind.COMPANY, name="Plâtres SA")
    operation = make_operation(buyer, is_tce=True, tce_hours=2400)
    make_lot(make_market(operation), planned_hours=2400)  # the general contractor's lot
    for hours in (1350, 600, 450):
        db.session.add(
            SubcontractorShare(
                operation=operation,
                company=company,
                trade="plastering",
                amount_excl_tax=Decimal(hours * 100),
                hours=hours,
            )
        )
    db.session.commit()
    quote = make_quote(operation, make_admin())
    assert [amount for _, amount in _amounts(quote)] == [
        Decimal("1250.00"),
        Decimal("1250.00"),
        Decimal("750.00"),
    ]
    assert all(line.share_id for line in quote.lines)
    assert "Part TCE Plâtres SA" in quote.lines[0].label


def test_pilotage_quote_is_three_days(db):
    ccvg = make_org(OrgKind.BUYER, name="CCVG (test)")
    quote = service.create_quote(
        kind=QuoteKind.PILOTAGE,
        quote_date=IN_CONVENTION,
        user=make_admin(),
        pilotage_year=2024,
        ccvg=ccvg,
    )
    assert _amounts(quote) == [("pilotage", tariffs.pilotage_line(2024, GRID).amount)]
    assert quote.total == Decimal("1500.00")
    assert "à confirmer" in quote.lines[0].label


def test_a_date_outside_every_convention_period_is_refused(db):
    operation = priced_operation(make_org(OrgKind.BUYER))
    with pytest.raises(
        QuoteRefused, match="Aucune période de la convention ne couvre le 25/11/2026"
    ):
        make_quote(operation, make_admin(), quote_date=date(2026, 11, 25))
    db.session.rollback()
    db.session.add(
        Amendment(
            reference="Avenant n°1",
            label="Renouvellement 2025-2027",
            period_start=date(2025, 1, 1),
            period_end=date(2027, 12, 31),
        )
    )
    db.session.commit()
    quote = make_quote(operation, make_admin(), quote_date=date(2026, 11, 25))
    assert quote.grid_code == GRID.code
    assert db.session.scalar(select(Amendment.id)) is not None


def test_recalculating_keeps_free_manual_lines(db):
    admin = make_admin()
    quote = make_quote(priced_operation(make_org(OrgKind.BUYER), hours=(300,)), admin)
    service.set_manual_line(quote, None, Decimal("1.5"), "Demandée par l'acheteur", "Négociation")
    service.set_manual_line(quote, None, Decimal("1"), "Réunion supplémentaire", "Réunion")
    db.session.commit()
    service.regenerate_lines(quote)
    db.session.commit()
    db.session.expire_all()
    labels = [(line.code, line.label, line.amount) for line in quote.lines]
    assert labels[1:] == [
        ("manual", "Négociation", Decimal("750.00")),
        ("manual", "Réunion", Decimal("500.00")),
    ]
    assert quote.total == Decimal("2000.00")
    assert [line.position for line in quote.lines] == [1, 2, 3]


def test_a_revision_carries_the_manual_lines_over(db):
    admin = make_admin()
    quote = make_quote(priced_operation(make_org(OrgKind.BUYER), hours=(4000,)), admin)
    service.set_manual_line(quote, quote.lines[0], Decimal("6"), "Trois ans de suivi")
    service.set_manual_line(quote, None, Decimal("1"), "Réunion demandée", "Réunion")
    service.submit(quote, admin)
    service.reject(quote, admin, "Revoir la date")
    db.session.add(
        Amendment(
            reference="Avenant n°1",
            label="Renouvellement",
            period_start=date(2025, 1, 1),
            period_end=date(2027, 12, 31),
        )
    )
    fresh = service.revise(quote, admin, date(2026, 11, 25))
    db.session.commit()
    assert [(line.code, line.quantity, line.justification) for line in fresh.lines] == [
        ("lot_manual", Decimal("6"), "Trois ans de suivi"),
        ("manual", Decimal("1"), "Réunion demandée"),
    ]
    assert fresh.total == quote.total == Decimal("3500.00")
    assert (fresh.revision, fresh.revision_of_id) == (2, quote.id)
