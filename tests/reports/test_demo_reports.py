"""The demonstration reports (issue 12): the voie verte's annual report 2025 delivered and
frozen, its 2026 report a draft, and both pages show them."""

from decimal import Decimal

from sqlalchemy import select

from portal.demo import seed_demo
from portal.extensions import db as _db
from portal.models import Report
from tests.conftest import words_of
from tests.people.builders import amoi_user


def test_the_demo_has_a_delivered_and_a_draft_report(app, db, login_as):
    counts = seed_demo()
    assert counts["reports"] == 3
    reports = {
        r.year: r
        for r in _db.session.scalars(select(Report).where(Report.kind != "reserved_annual"))
    }
    delivered, draft = reports[2025], reports[2026]
    assert delivered.status == "delivered" and delivered.delivered_on.isoformat() == "2026-01-20"
    assert Decimal(delivered.figures["total"]["hours"]["done"]) > 0  # December 2025
    assert delivered.figures["total"]["people"] == 2
    assert draft.status == "draft" and draft.figures is None
    client = login_as(amoi_user())
    page = words_of(client.get(f"/bilans/operations/{delivered.operation_id}/2025"))
    assert "Version 1, remise le 20 janvier 2026" in page
    assert "Entretiens de suivi mensuels" in page
    assert seed_demo()["reports"] == 0  # once only


def test_the_demo_has_a_delivered_reserved_market_report(app, db, login_as):
    seed_demo()
    report = _db.session.scalars(select(Report).where(Report.kind == "reserved_annual")).one()
    assert report.status == "delivered" and report.year == 2026
    assert report.market.reference == "2026-VOU-002"
    interviews = report.figures["commitments"][0]
    assert (interviews["target"], interviews["done"]) == ("24.00", "17.00")  # 6 + 6 + 5
    assert interviews["remark"] == "Écart : reste 7 entretiens à réaliser"
    page = words_of(login_as(amoi_user()).get(f"/bilans/marches/{report.market_id}/2026"))
    assert "Formation aux gestes et postures" in page and "Version 1, remise le" in page
