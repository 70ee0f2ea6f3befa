"""The « Tableau de bord » (issue 12; docs/domain.md §9): per year, the hours planned and
validated, people, ETP, lots behind pace and exits, by buyer and by trade, with charts.
The same URL renders the figures' fragment for htmx (docs/architecture.md §5.2).

AMOI and CCVG: the whole territory; a commune: its own operations; a company: its own
lots; a structure: the hours of the placements it declared. The prescriber has no
dashboard. No name of a person anywhere: counts only.
"""

from __future__ import annotations

from flask import g

from portal.access import Role, allow
from portal.clock import today
from portal.dashboard import bp, queries
from portal.documents.charts import bar_chart, monthly_series
from portal.markets.listing import buyer_choices
from portal.models.accounts import CLAUSE_ROLES
from portal.rules.hours import TRADES
from portal.web.htmx import render
from portal.web.listing import Filter, FilterSet, pairs

TRADE_CHOICES = sorted(((code, trade.label) for code, trade in TRADES.items()), key=lambda c: c[1])


def _years() -> list[tuple[int, int]]:
    this = today().year
    return [(year, year) for year in range(this + 1, this - 6, -1)]


FILTERS = FilterSet(
    Filter("annee", "Année", "year", _years, None, default=lambda: str(today().year)),
    Filter(
        "acheteur",
        "Acheteur",
        "id",
        lambda: pairs(buyer_choices(lots=True)),
        "Tous les acheteurs",
        min_options=2,
    ),
    Filter("metier", "Corps d'état", "choice", TRADE_CHOICES, "Tous les corps d'état"),
)


def charts(board: queries.Dashboard) -> list:
    """The monthly validated hours and the hours per buyer (or per trade for a company
    or a structure), server-rendered with their text alternative and data table."""
    drawn = [
        monthly_series(
            f"Heures validées par mois en {board.year}",
            {"Heures validées": board.months},
            unit="h",
        )
    ]
    groups = board.by_buyer if g.role in (Role.FACILITATOR, Role.BUYER) else board.by_trade
    category = "Acheteur" if g.role in (Role.FACILITATOR, Role.BUYER) else "Corps d'état"
    drawn.append(
        bar_chart(
            f"Heures validées en {board.year} par {category.lower()}",
            [(group.label, group.validated) for group in groups],
            unit="h",
            category=category,
            measure="Heures validées",
        )
    )
    return drawn


@bp.route("/tableau-de-bord/")
@allow(*CLAUSE_ROLES)
def index():
    filters = FILTERS.read()
    year = filters.parsed["annee"] or today().year
    board = queries.dashboard(
        g.user, year, today(), filters.parsed["acheteur"], filters.parsed["metier"]
    )
    return render(
        "dashboard/index.html",
        "dashboard/_partials/_figures.html",
        filters=filters,
        board=board,
        charts=charts(board),
    )
