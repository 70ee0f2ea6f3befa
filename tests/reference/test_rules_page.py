"""The « Règles et barèmes » page is rendered from portal.rules, not retyped."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from portal.rules import deadlines, eligibility, hours, tariffs
from tests.factories import make_user

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def page(login_as):
    def _get():
        response = login_as(make_user()).get("/regles")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return _get


def test_every_role_reaches_the_page(login_as):
    from portal.models import OrgKind

    for kind in OrgKind:
        assert login_as(make_user(kind=kind)).get("/regles").status_code == 200


def test_grid_brackets_and_items_are_shown(page):
    html = page()
    assert f"1{NNBSP}250,00{NBSP}€" in html
    assert f"2{NNBSP}000,00{NBSP}€" in html
    assert f"456{NBSP}h à 1{NNBSP}820{NBSP}h" in html
    assert "sur devis" in html
    assert "Calibrage du marché" in html and "par SIAE sourcée" in html
    assert "montant à confirmer" in html
    assert "451" in html  # the note on the convention's overlapping bound


def test_page_follows_the_rules_module(page, monkeypatch):
    changed = dataclasses.replace(
        tariffs.CONVENTION_2022,
        brackets=(
            tariffs.Bracket(1, 455, Decimal("1.5"), Decimal("777.00")),
            *tariffs.CONVENTION_2022.brackets[1:],
        ),
    )
    monkeypatch.setattr(tariffs, "DEFAULT_GRIDS", (changed,))
    monkeypatch.setattr(
        hours, "TRADES", {**hours.TRADES, "zinc": hours.Trade("Zinguerie (essai)", Decimal("0.33"))}
    )
    html = page()
    assert f"777,00{NBSP}€" in html
    assert "Zinguerie (essai)" in html and "33 %" in html


def test_trades_criteria_and_deadlines(page):
    html = page()
    for trade in hours.TRADES.values():
        assert trade.label.replace("'", "&#39;") in html
    for criterion in eligibility.CRITERIA.values():
        assert criterion.label.replace("'", "&#39;") in html
    assert "donnée de santé" in html
    assert f"le {deadlines.STATEMENT_DUE_DAY} du mois suivant" in html
    assert f"833,33{NBSP}h" in html and f"833{NBSP}h prévues" in html


def test_period_status_depends_on_today(page, monkeypatch):
    monkeypatch.setattr("portal.reference.views.today", lambda: date(2023, 6, 1))
    assert "Période en vigueur le 01/06/2023" in page()
    monkeypatch.setattr("portal.reference.views.today", lambda: date(2026, 11, 25))
    assert "Aucune période de la convention ne couvre le 25/11/2026" in page()


def test_avenants_add_their_periods(page, monkeypatch, db):
    from portal.models import Amendment

    db.session.add(
        Amendment(
            reference="Avenant n°1 (essai)",
            label="Renouvellement 2025-2027 (essai)",
            period_start=date(2025, 1, 1),
            period_end=date(2027, 12, 31),
            note="",
        )
    )
    db.session.commit()
    monkeypatch.setattr("portal.reference.views.today", lambda: date(2026, 11, 25))
    html = page().replace("&#39;", "'")
    assert "Avenant n°1 (essai)" in html and "31/12/2027" in html
    assert "Convention cadre de coopération 2022-2024" in html  # the convention's own period
    assert "Période en vigueur le 25/11/2026" in html
    assert "Renouvellement 2025-2027 (essai)" in html
