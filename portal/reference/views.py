"""« Règles et barèmes »: what the portal computes with, read from the rules module."""

from __future__ import annotations

from decimal import Decimal

from flask import render_template

from portal.access import Role, allow
from portal.clock import today
from portal.convention.periods import convention_periods
from portal.convention.periods import grids as all_grids
from portal.reference import bp
from portal.rules import deadlines, eligibility, hours, tariffs


def _grid_in_force(day, grids):
    try:
        return tariffs.grid_for(day, grids)
    except tariffs.NoTariffForDate:
        return None


@bp.route("/regles")
@allow(*Role)
def rules():
    day = today()
    known = all_grids()  # the convention's and those avenants brought
    grids = sorted(known, key=lambda g: g.valid_from, reverse=True)
    # The convention's own period and those added by avenant (recorded by the AMOI).
    periods = sorted(convention_periods(), key=lambda p: p.start)
    example = hours.insertion_hours(
        Decimal("1000000"), Decimal("0.50"), Decimal("30"), Decimal("0.05")
    )
    return render_template(
        "reference/rules.html",
        day=day,
        grids=grids,
        grid_in_force=_grid_in_force(day, known),
        periods=periods,
        period_in_force=deadlines.convention_period_for(day, periods),
        tariffs=tariffs,
        hours=hours,
        trades=sorted(hours.TRADES.items(), key=lambda item: item[1].label),
        example=example,
        criteria=list(eligibility.CRITERIA.values()),
        eligibility=eligibility,
        deadlines=deadlines,
        example_due=deadlines.statement_due(day.replace(day=1)),
    )
