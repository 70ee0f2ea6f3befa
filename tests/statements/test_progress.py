"""Progress of lots from validated hours: the service (constant number of queries,
``lots_behind``), the lot, operation and home pages, and their scoping (commune ↔ commune,
company ↔ company, structure ↔ structure; buyers see hours and counts, never names)
(issue 10; docs/domain.md §7.4)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from portal.clock import today
from portal.extensions import db as _db
from portal.formatting import hours as fmt_hours
from portal.formatting import number
from portal.models import OrgKind
from portal.rules.deadlines import add_months, first_of_month
from portal.rules.progress import last_due_month, months_between, percent
from portal.rules.workflow import StatementStatus
from portal.statements.progress import lots_behind, progress_for_lots, total_for_lots
from tests.conftest import words_of
from tests.factories import (
    make_ccvg_with_communes,
    make_lot,
    make_market,
    make_operation,
    make_org,
    make_user,
)
from tests.statements.builders import hour_line, structure_placement

S = StatementStatus
T = today()
START = first_of_month(add_months(T, -6))
END = add_months(T, 6)
COUNTED = months_between(START, last_due_month(T))
ALL_MONTHS = len(months_between(START, END))


def _spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _line(placement, month: date, hours: str, status: S = S.VALIDATED) -> None:
    hour_line(placement, month, hours, status.value)


def _lot(planned: int, *, buyer=None, holder=None, structure=None, name="Martin", hours=None):
    """A lot started six months ago, ending in six, with an active placement since its
    start and ``hours`` validated for each of the given counted months."""
    lot = make_lot(
        make_market(make_operation(buyer or make_org(OrgKind.BUYER))),
        holder=holder or make_org(OrgKind.COMPANY),
        planned_hours=planned,
        start_date=START,
        end_date=END,
    )
    placement = structure_placement(structure, lot=lot, last_name=name, planned_end=None)
    placement.start_date = START
    for month, value in zip(COUNTED, hours or [], strict=False):
        _line(placement, month, value)
    _db.session.commit()
    return lot, placement


def _on_pace(**kw):
    return _lot(100 * ALL_MONTHS, hours=["100"] * len(COUNTED), **kw)


def _behind(**kw):
    return _lot(200 * ALL_MONTHS, hours=["100"] * len(COUNTED), **kw)


def _silent(**kw):  # one month of hours, then nothing while the placement is active
    return _lot(100 * ALL_MONTHS, hours=["100"], **kw)


def test_lots_behind_are_those_short_of_their_pace_or_silent(app, db):
    on_pace, _ = _on_pace(name="Alpha")
    behind, _ = _behind(name="Bravo")
    silent, placement = _silent(name="Charlie")
    ids = [on_pace.id, behind.id, silent.id]
    assert lots_behind(ids, T) == {behind.id, silent.id}
    progress = progress_for_lots(ids, T)
    assert not progress[on_pace.id].behind and not progress[on_pace.id].silent
    assert progress[behind.id].behind and not progress[behind.id].silent
    assert progress[silent.id].silent
    assert progress[on_pace.id].validated == 100 * len(COUNTED)
    assert progress[on_pace.id].projection == 100 * ALL_MONTHS
    # only validated lines count: a submitted month changes nothing
    _line(placement, COUNTED[-1], "500", S.SUBMITTED)
    assert progress_for_lots([silent.id], T)[silent.id].validated == 100
    # a placement that ended stops the silence flag
    placement.status = "ended"
    _db.session.commit()
    assert not progress_for_lots([silent.id], T)[silent.id].silent
    assert lots_behind([], T) == set()


def test_operation_totals_sum_its_lots(app, db):
    buyer = make_org(OrgKind.BUYER)
    a, _ = _on_pace(buyer=buyer, name="Alpha")
    b, _ = _behind(buyer=buyer, name="Bravo")
    total, each = total_for_lots([a.id, b.id], T)
    assert total.planned == 300 * ALL_MONTHS
    assert total.validated == 200 * len(COUNTED)
    assert (total.lots, total.behind, total.flagged) == (2, 1, 1)
    assert set(each) == {a.id, b.id}


def test_progress_reads_a_constant_number_of_queries(app, db, assert_max_queries):
    one = _behind(name="Alpha")[0].id
    with assert_max_queries(2):
        assert one in lots_behind([one], T)
    many = [_behind(name=f"Nom{n}")[0].id for n in range(5)]
    with assert_max_queries(2):
        assert lots_behind(many, T) == set(many)


def test_the_lot_page_shows_validated_hours_the_chart_and_the_method(login_as, db):
    lot, _placement = _behind(name="Zorglub")
    amoi = make_user(make_org(OrgKind.FACILITATOR))
    seen = words_of(login_as(amoi).get(f"/lots/{lot.id}"))
    assert "Heures réalisées En retard" in seen
    planned = 200 * ALL_MONTHS
    pct = percent(Decimal(100 * len(COUNTED)), planned)
    assert _spaced(f"sur {fmt_hours(planned)} prévues ({number(pct)} %)") in seen
    assert "ETP" in seen and "Projection :" in seen and "5 %" in seen
    assert "Tableau des heures validées par mois" in seen
    html = login_as(amoi).get(f"/lots/{lot.id}").get_data(as_text=True)
    assert html.count('class="progress-chart__bar"') >= len(COUNTED)
    assert "<script" not in html.split('class="progress-chart"')[1].split("</figure>")[0]


def test_a_lot_page_without_hours_says_so(login_as, db):
    company = make_org(OrgKind.COMPANY)
    lot = make_lot(holder=company, planned_hours=500)
    seen = words_of(login_as(make_user(company)).get(f"/lots/{lot.id}"))
    assert "Aucune heure validée pour l'instant" in seen
    assert "Pas encore de projection" in seen


def test_the_operation_page_sums_its_lots_and_lists_those_behind(login_as, db):
    buyer = make_org(OrgKind.BUYER)
    on_pace, _ = _on_pace(buyer=buyer, name="Alpha")
    behind, _ = _behind(buyer=buyer, name="Bravo")
    _db.session.refresh(behind)
    behind.market.operation_id = on_pace.market.operation_id
    _db.session.commit()
    response = login_as(make_user(buyer)).get(f"/operations/{on_pace.market.operation_id}")
    seen = words_of(response)
    assert "Heures réalisées sur les lots" in seen
    assert "1 lot en retard" in seen
    assert "Lots à surveiller" in seen and behind.label in seen
    assert "Bravo".upper() not in seen and "Bravo" not in seen  # buyers: never a name


def test_home_pages_are_scoped_commune_to_commune(login_as, db):
    _ccvg, (alpha, beta) = make_ccvg_with_communes("Alpha", "Beta")
    _behind(buyer=alpha, name="Dupond")
    seen_alpha = words_of(login_as(make_user(alpha)).get("/"))
    seen_beta = words_of(login_as(make_user(beta)).get("/"))
    assert "1 lot en retard" in seen_alpha
    assert "Dupond" not in seen_alpha and "DUPOND" not in seen_alpha
    assert "lot en retard" not in seen_beta
    assert "Aucun lot en cours à suivre" in seen_beta


def test_home_pages_are_scoped_company_to_company(login_as, db):
    mine, other = make_org(OrgKind.COMPANY), make_org(OrgKind.COMPANY)
    lot, _ = _behind(holder=mine, name="Durand")
    seen_mine = words_of(login_as(make_user(mine)).get("/"))
    seen_other = words_of(login_as(make_user(other)).get("/"))
    assert lot.label in seen_mine and "1 lot en retard" in seen_mine
    assert lot.label not in seen_other and "lot en retard" not in seen_other
    assert login_as(make_user(other)).get(f"/lots/{lot.id}").status_code == 404


def test_home_pages_are_scoped_structure_to_structure(login_as, db):
    mine, other = make_org(OrgKind.STRUCTURE), make_org(OrgKind.STRUCTURE)
    lot, _ = _silent(holder=mine, name="Dubois")
    seen_mine = words_of(login_as(make_user(mine)).get("/"))
    seen_other = words_of(login_as(make_user(other)).get("/"))
    assert lot.label in seen_mine and "sans relevé validé depuis 2 mois" in seen_mine
    assert lot.label not in seen_other and "sans relevé validé" not in seen_other


def test_the_amoi_home_lists_the_lots_to_watch_and_links_the_late_statements(login_as, db):
    lot, _ = _behind(name="Lambert")
    seen = words_of(login_as(make_user(make_org(OrgKind.FACILITATOR))).get("/"))
    assert lot.label in seen and "Heures d'insertion réalisées" in seen
    assert "Relevés d'heures en retard et relances" in seen


def test_the_follow_up_work_queue_lists_the_lots_behind(login_as, db):
    """Issue 11's « À faire » lists the lots « en retard » or silent (from the validated
    hours), not those on pace."""
    from tests.people.builders import amoi_user

    on_pace, _ = _on_pace(name="Alpha")
    behind, _ = _behind(name="Bravo")
    on_pace.title, behind.title = "Voirie à l'heure", "Gros œuvre en retard"
    _db.session.commit()
    queue = words_of(login_as(amoi_user()).get("/suivi/"))
    section = queue.split("Lots en retard sur leur rythme", 1)[1]
    assert f"Lot {behind.number} – Gros œuvre en retard" in section
    assert "Voirie à l'heure" not in section
