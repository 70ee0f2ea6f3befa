"""Money by the convention (issue 8): each amount checked against docs/domain.md §4 with a
worked example, through the services and the screens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.models import Amendment, OrgKind, QuoteKind
from portal.quotes import services as service
from portal.quotes.services import QuoteRefused
from portal.rules import tariffs
from tests.conftest import CONFIRMED, text_of, versioned
from tests.factories import (
    make_admin,
    make_ccvg_with_communes,
    make_lot,
    make_market,
    make_operation,
    make_org,
    make_user,
)
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation

D = Decimal


def _reserved_operation(buyer, *, markets=2, years=(1, 1)):
    """An operation with ``markets`` reserved markets, the n-th running ``years[n]`` years."""
    operation = make_operation(buyer, name="Entretien réservé")
    for n in range(markets):
        start = date(2024, 3, 1)
        end = date(2024 + years[n], 2, 28 if (2024 + years[n]) % 4 else 29)
        market = make_market(
            operation,
            reference=f"2024-R-{n + 1}",
            legal_basis="reserved_siae",
            notification_date=start,
            planned_end=end,
        )
        make_lot(market, planned_hours=None)
    return operation


def _avenant_grid(grid_from: date, *, day_rate: str, first_bracket: str | None = None) -> None:
    """A renewal 2025-2027 whose avenant brings a grid from ``grid_from``."""
    data = tariffs.grid_as_data(tariffs.CONVENTION_2022)
    data["day_rate"] = day_rate
    if first_bracket:
        data["brackets"][0] = [1, 455, "1.5", first_bracket]
    _db.session.add(
        Amendment(
            reference="Avenant n°1",
            label="Renouvellement 2025-2027",
            period_start=date(2025, 1, 1),
            period_end=date(2027, 12, 31),
            grid=data,
            grid_from=grid_from,
        )
    )
    _db.session.commit()


def _quote(operation, amoi, **kwargs):
    quote = service.create_quote(
        kind=QuoteKind.OPERATION,
        quote_date=kwargs.pop("quote_date", IN_CONVENTION),
        user=amoi,
        operation=operation,
        **kwargs,
    )
    _db.session.commit()
    return quote


def test_reserved_markets_fixed_part_once_per_operation_and_1000_per_market_year(db):
    """2 reserved markets of one year, 2 SIAE sourced for the operation: 1 900 € once
    (250 + 2 × 200 + 250 + 500 + 500) and 1 000 € per market = 3 900 €, not 5 800 €."""
    amoi = make_admin()
    quote = _quote(_reserved_operation(make_org(OrgKind.BUYER)), amoi, sourced_siae=2)
    codes = [line.code for line in quote.lines]
    assert codes.count("calibration") == 1 and codes.count("sourcing") == 1
    assert codes.count("annual_follow_up") == 2
    assert quote.total == D("3900.00")
    assert service.split_total(quote) == D("1900.00")
    assert service.deposit_of(quote).amount == D("950.00")
    annual = [line for line in quote.lines if line.code == "annual_follow_up"]
    assert all(line.billing == "yearly" and line.amount == D("1000.00") for line in annual)
    assert "année 1, du 01/03/2024 au 28/02/2025" in annual[0].label


def test_a_three_year_reserved_market_owes_three_annual_parts(db):
    amoi = make_admin()
    quote = _quote(
        _reserved_operation(make_org(OrgKind.BUYER), markets=1, years=(3,)), amoi, sourced_siae=1
    )
    annual = [line for line in quote.lines if line.code == "annual_follow_up"]
    assert [line.period_start for line in annual] == [
        date(2024, 3, 1),
        date(2025, 3, 1),
        date(2026, 3, 1),
    ]
    # 250 + 200 + 250 + 500 + 500 = 1 700 € once, + 3 × 1 000 €
    assert quote.total == D("4700.00")


def test_yearly_parts_are_invoiced_on_each_annual_report_not_50_50(db, login_as):
    ccvg = make_org(OrgKind.BUYER, name="CCVG (test)")
    amoi = make_admin()
    quote = _quote(_reserved_operation(ccvg, markets=1, years=(2,)), amoi, sourced_siae=2)
    service.submit(quote, amoi)
    deposit = service.approve(quote, make_user(ccvg), IN_CONVENTION)
    _db.session.commit()
    assert deposit.amount == D("950.00")  # half of the 1 900 € fixed part only
    first, second = (line for line in quote.lines if line.code == "annual_follow_up")
    # The reserved market's annual report invoices each year (portal/reports/reserved.py,
    # tests/reports/test_reserved.py); the service refuses a year not begun or billed twice.
    with pytest.raises(QuoteRefused, match="commence le 01/03/2025"):
        service.invoice_reserved_year(quote, second, amoi, date(2024, 12, 31))
    invoice = service.invoice_reserved_year(quote, first, amoi, date(2025, 3, 5))
    _db.session.commit()
    _db.session.refresh(quote)
    assert invoice.kind == "annual"
    assert invoice.amount == D("1000.00") and first.invoice_id == invoice.id
    with pytest.raises(QuoteRefused, match="déjà facturée"):
        service.invoice_reserved_year(quote, first, amoi, date(2025, 3, 6))
    # The final report bills the balance of the fixed part only: 950 €.
    balance = service.deliver_report(quote, amoi, date(2025, 4, 1))
    assert balance.amount == D("950.00")
    total_billed = deposit.amount + invoice.amount + balance.amount
    assert total_billed + second.amount == quote.total


def test_tce_shares_carry_the_award_criterion_and_pages_show_the_quote_amounts(db, login_as):
    """A TCE operation whose market has the award criterion: each share is priced as a lot,
    +2 days (1 000 €) per share. Shares of 1 350 h, 600 h and 450 h: (1 250 + 1 000) +
    (1 250 + 1 000) + (750 + 1 000) = 6 250 €, on the quote, the operation page and the
    split page alike (today the operation page said 2 000 € for the contractor's lot)."""
    from portal.markets import split as tce
    from portal.models import SubcontractorShare

    buyer = make_org(OrgKind.BUYER)
    contractor = make_org(OrgKind.COMPANY, name="Entreprise générale SA")
    operation = make_operation(buyer, is_tce=True, tce_hours=2400, general_contractor=contractor)
    make_lot(make_market(operation), planned_hours=2400, award_criterion=True, holder=contractor)
    for hours in (1350, 600, 450):
        _db.session.add(
            SubcontractorShare(
                operation=operation,
                company=make_org(OrgKind.COMPANY),
                trade="plastering",
                amount_excl_tax=D(hours * 100),
                hours=hours,
            )
        )
    tce.ensure_split(operation)
    _db.session.commit()
    amoi = make_admin()
    quote = _quote(operation, amoi)
    assert [(line.code, line.amount) for line in quote.lines] == [
        ("lot_package", D("1250.00")),
        ("award_criterion", D("1000.00")),
        ("lot_package", D("1250.00")),
        ("award_criterion", D("1000.00")),
        ("lot_package", D("750.00")),
        ("award_criterion", D("1000.00")),
    ]
    assert quote.total == D("6250.00")
    client = login_as(amoi)
    page = text_of(client.get(f"/operations/{operation.id}"))
    assert "6\u202f250,00\xa0€ pour l'ensemble des parts" in page
    assert "2\u202f000,00\xa0€" not in page  # the contractor's lot is not priced on its own
    assert "Grille du devis" in page
    split_page = text_of(client.get(f"/operations/{operation.id}/repartition-tce"))
    assert "6\u202f250,00\xa0€" in split_page


def test_a_tce_quote_cannot_be_submitted_before_the_split_is_validated(db):
    from portal.markets import split as tce

    buyer = make_org(OrgKind.BUYER)
    contractor = make_org(OrgKind.COMPANY)
    operation = make_operation(buyer, is_tce=True, tce_hours=500, general_contractor=contractor)
    make_lot(make_market(operation), planned_hours=500, holder=contractor)
    from portal.models import SubcontractorShare

    _db.session.add(
        SubcontractorShare(
            operation=operation, company=contractor, trade="masonry", amount_excl_tax=D("1000")
        )
    )
    _db.session.commit()
    _db.session.refresh(operation)
    tce.propose_hours(operation)
    split = tce.ensure_split(operation)
    amoi = make_admin()
    quote = _quote(operation, amoi)
    with pytest.raises(QuoteRefused, match="répartition des heures entre corps d'état"):
        service.submit(quote, amoi)
    _db.session.rollback()
    for action, user in (
        ("propose", amoi),
        ("accept", make_user(contractor)),
        ("validate_amoi", amoi),
        ("validate_buyer", make_user(buyer)),
    ):
        tce.act(split, action, user)
    service.regenerate_lines(quote)
    service.submit(quote, amoi)
    assert quote.number and quote.total == D("1250.00")  # 500 h: 456 to 1 820 h


def test_an_avenant_grid_prices_quotes_from_its_date(db):
    """An avenant brings a dearer grid from 01/01/2026 (day rate 550 €, first bracket
    825 €): a quote dated 2025 keeps the convention's 750 €, one dated 2026 pays 825 €."""
    _avenant_grid(date(2026, 1, 1), day_rate="550", first_bracket="825")
    amoi = make_admin()
    operation = priced_operation(make_org(OrgKind.BUYER), hours=(300,), award=True)
    before = _quote(operation, amoi, quote_date=date(2025, 6, 2))
    after = _quote(operation, amoi, quote_date=date(2026, 6, 1))
    assert [line.amount for line in before.lines] == [D("750.00"), D("1000.00")]
    assert [line.amount for line in after.lines] == [D("825.00"), D("1100.00")]  # 2 × 550
    assert after.grid_code.startswith("amendment_")


def test_deposit_and_balance_add_up_to_an_odd_total_at_approval(db, login_as):
    """With an avenant's day rate of 333,33 €, a 1,5-day line costs 499,995 → 500,00 € and
    2 days 666,66 €: 1 166,66 €, deposit 583,33 €, balance 583,33 €."""
    _avenant_grid(date(2025, 1, 1), day_rate="333.33")
    ccvg, (alpha,) = make_ccvg_with_communes("Alpha")
    amoi = make_admin()
    quote = _quote(priced_operation(alpha, hours=(5000,)), amoi, quote_date=date(2025, 3, 3))
    service.set_manual_line(quote, quote.lines[0], D("1.5"), "Sur devis")
    service.set_manual_line(quote, None, D("2"), "Négociation", "Négociation")
    service.submit(quote, amoi)
    _db.session.commit()
    assert quote.total == D("1166.66")
    client = login_as(make_user(ccvg))
    assert (
        client.post_form(
            f"/devis/{quote.id}/valider", {"version": str(quote.version), **CONFIRMED}
        ).status_code
        == 303
    )
    _db.session.refresh(quote)
    balance = service.deliver_report(quote, amoi, date(2025, 9, 1))
    deposit = quote.invoices[0]
    assert (deposit.amount, balance.amount) == (D("583.33"), D("583.33"))
    assert deposit.amount + balance.amount == quote.total


def test_pilotage_folded_into_two_operation_quotes_never_exceeds_three_days(db, login_as):
    amoi = make_admin()
    ccvg = make_org(OrgKind.BUYER, name="CCVG (test)")
    first = _quote(priced_operation(ccvg, hours=(300,)), amoi)
    second = _quote(priced_operation(ccvg, hours=(300,)), amoi)
    client = login_as(amoi)
    added = client.post_form(
        f"/devis/{first.id}/pilotage",
        {"version": str(first.version), "year": "2024", "days": "1,5"},
    )
    assert added.status_code == 303
    _db.session.refresh(first)
    share = next(line for line in first.lines if line.code == "pilotage_share")
    assert (share.amount, share.billing, share.pilotage_year) == (
        D("750.00"),
        "annual_report",
        2024,
    )
    assert first.total == D("1500.00")  # 750 € package + 750 € of pilotage
    assert service.deposit_of(first).amount == D("375.00")  # the pilotage is not split 50/50
    too_much = client.post_form(
        f"/devis/{second.id}/pilotage",
        {"version": str(second.version), "year": "2024", "days": "2"},
    )
    assert too_much.status_code == 409 and "Il reste 1,5 jour de pilotage 2024" in text_of(too_much)
    service.add_pilotage_share(second, 2024, D("1.5"))
    _db.session.commit()
    with pytest.raises(QuoteRefused, match="déjà entièrement intégré"):
        service.create_quote(
            kind=QuoteKind.PILOTAGE,
            quote_date=IN_CONVENTION,
            user=amoi,
            pilotage_year=2024,
            ccvg=ccvg,
        )
    _db.session.rollback()
    # Approved, then the annual report bills the pilotage part in full.
    service.submit(first, amoi)
    service.approve(first, make_user(ccvg), IN_CONVENTION)
    invoice = service.deliver_annual_report(first, 2024, amoi, date(2025, 1, 15))
    assert (invoice.kind, invoice.amount) == ("full", D("750.00"))
    assert first.status == "invoiced_deposit"  # the operation's own balance is still due


def test_a_balance_invoice_paid_settles_the_quote(db, login_as):
    ccvg = make_org(OrgKind.BUYER, name="CCVG (test)")
    amoi = make_admin()
    quote = make_quote(priced_operation(ccvg, hours=(300,)), amoi, status="submitted")
    deposit = service.approve(quote, make_user(ccvg), IN_CONVENTION)
    balance = service.deliver_report(quote, amoi, date(2024, 12, 1))
    _db.session.commit()
    assert quote.status_label == "Solde facturé"
    client = login_as(amoi)
    client.post_form(
        f"/factures/{deposit.id}/payee", versioned(deposit, {"paid_on": "2024-12-10", **CONFIRMED})
    )
    _db.session.refresh(quote)
    assert quote.status == "invoiced_balance"  # the deposit alone does not settle it
    client.post_form(
        f"/factures/{balance.id}/payee", versioned(balance, {"paid_on": "2024-12-20", **CONFIRMED})
    )
    _db.session.refresh(quote)
    assert (quote.status, quote.status_label) == ("settled", "Soldé")


def test_3641_hours_is_a_manual_line_on_every_page(db, login_as):
    """The first hour above the last bracket: 3 640 h is 2 000 €, 3 641 h « sur devis»,
    on the lot page, the operation page and the quote."""
    amoi = make_admin()
    operation = priced_operation(make_org(OrgKind.BUYER), hours=(3640, 3641))
    client = login_as(amoi)
    lots = operation.markets[0].lots
    at_limit = text_of(client.get(f"/lots/{lots[0].id}"))
    above = text_of(client.get(f"/lots/{lots[1].id}"))
    assert "2\u202f000,00\xa0€" in at_limit and "Sur devis" not in at_limit
    assert "Sur devis" in above and "2\u202f000,00\xa0€" not in above
    page = text_of(client.get(f"/operations/{operation.id}"))
    assert "Sur devis" in page and "2\u202f000,00\xa0€" in page
    quote = _quote(operation, amoi)
    assert [(line.code, line.amount) for line in quote.lines] == [
        ("lot_package", D("2000.00")),
        ("lot_manual", D("0.00")),
    ]


def test_a_recorded_termination_ends_the_dating_of_quotes(db, login_as):
    admin = make_admin()
    client = login_as(admin)
    _db.session.add(
        Amendment(
            reference="Avenant n°1",
            label="Renouvellement 2025-2027",
            period_start=date(2025, 1, 1),
            period_end=date(2027, 12, 31),
        )
    )
    _db.session.commit()
    recorded = client.post_form(
        "/admin/avenants/resiliation",
        {
            "notice_given_on": "2026-03-15",
            "given_by": "Sud-Ouest Emploi",
            "reason": "Retards de paiement répétés",
        },
    )
    assert recorded.status_code == 303
    page = text_of(client.get("/admin/avenants"))
    assert "la convention prend fin le 15/06/2026" in page
    operation = priced_operation(make_org(OrgKind.BUYER))
    assert _quote(operation, admin, quote_date=date(2026, 6, 14)).total
    with pytest.raises(QuoteRefused, match="résiliée depuis le 15/06/2026"):
        _quote(operation, admin, quote_date=date(2026, 6, 15))
    _db.session.rollback()
    from portal.models import ConventionTermination

    termination = _db.session.scalars(select(ConventionTermination)).one()
    client.post_form(f"/admin/avenants/resiliation/{termination.id}/retrait")
    assert _quote(operation, admin, quote_date=date(2026, 6, 15)).total
