"""Each lot's stored progress (docs/domain.md §7.4): written in the transaction that
changes it, refreshed each night, never shown stale, and what the home pages read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import select, update

from portal.cli import refresh_progress_command
from portal.extensions import db as _db
from portal.main.figures import progress_figures
from portal.models import HourLine, OrgKind, StoredLotProgress
from portal.rules.workflow import StatementStatus
from portal.statements import progress_store
from portal.statements.progress import current_basis, progress_for_lots, summary
from tests.statements.test_progress import COUNTED, T, _behind, _on_pace

S = StatementStatus


def _stored(lot_id: int) -> StoredLotProgress | None:
    _db.session.expire_all()
    return _db.session.get(StoredLotProgress, lot_id)


def _tamper(lot_id: int, validated: str, basis: str | None = None) -> None:
    """Write figures no computation gives, to see which path a reader took."""
    row = _stored(lot_id)
    data = dict(row.data, validated=validated)
    _db.session.execute(
        update(StoredLotProgress)
        .where(StoredLotProgress.lot_id == lot_id)
        .values(validated=Decimal(validated), data=data, basis=basis or row.basis)
    )
    _db.session.commit()


def test_the_commit_that_validates_hours_stores_the_lots_progress(app, db):
    lot, placement = _on_pace(name="Alpha")
    row = _stored(lot.id)
    assert row is not None and row.basis == current_basis(T)
    assert row.validated == 100 * len(COUNTED)
    assert Decimal(row.data["validated"]) == 100 * len(COUNTED)
    assert row.flagged is False
    # a submitted line changes nothing; validating it moves the stored figure at commit
    line = _db.session.scalars(select(HourLine).where(HourLine.placement_id == placement.id))
    first = next(iter(line))
    first.hours = Decimal("160")
    _db.session.commit()
    assert _stored(lot.id).validated == 100 * len(COUNTED) + 60


def test_readers_take_the_stored_row_of_todays_basis(app, db):
    lot, _ = _on_pace(name="Alpha")
    _tamper(lot.id, "12345")
    assert progress_for_lots([lot.id], T)[lot.id].validated == Decimal("12345")
    from portal.models import Lot

    total = summary(select(Lot).where(Lot.id == lot.id), T)["total"]
    assert total.validated == Decimal("12345")


def test_a_row_of_another_day_is_computed_again_not_shown(app, db):
    lot, _ = _on_pace(name="Alpha")
    yesterday = current_basis(T - timedelta(days=1))
    _tamper(lot.id, "12345", basis=yesterday)
    expected = Decimal(100 * len(COUNTED))
    assert progress_for_lots([lot.id], T)[lot.id].validated == expected
    from portal.models import Lot

    result = summary(select(Lot).where(Lot.id == lot.id), T)
    assert result["total"].validated == expected and result["total"].lots == 1


def test_a_change_not_yet_committed_is_read_afresh(app, db):
    lot, placement = _on_pace(name="Alpha")
    _tamper(lot.id, "12345")
    line = _db.session.scalars(select(HourLine).where(HourLine.placement_id == placement.id))
    next(iter(line)).hours = Decimal("107")  # not committed: the lot is pending
    assert progress_for_lots([lot.id], T)[lot.id].validated == 100 * len(COUNTED) + 7


def test_the_night_refresh_stores_the_stale_lots_once(app, db):
    a, _ = _on_pace(name="Alpha")
    b, _ = _behind(name="Bravo")
    _db.session.execute(update(StoredLotProgress).values(basis="2000-01-01|0.05|10"))
    _db.session.commit()
    assert set(progress_store.stale_lot_ids(T)) == {a.id, b.id}
    assert progress_store.refresh_stale(T) == 2
    assert progress_store.refresh_stale(T) == 0
    assert _stored(b.id).flagged is True and _stored(b.id).behind is True
    assert _stored(a.id).basis == current_basis(T)


def test_the_refresh_command_says_how_many_lots(app, db):
    _on_pace(name="Alpha")
    _db.session.execute(update(StoredLotProgress).values(basis="2000-01-01|0.05|10"))
    _db.session.commit()
    runner = CliRunner()
    first = runner.invoke(refresh_progress_command, [])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "1 lot recalculé."


def test_home_figures_sum_stored_rows_in_three_queries(app, db, assert_max_queries):
    from tests.factories import make_user

    lots = [_behind(name=f"Nom{n}")[0] for n in range(4)]
    lots.append(_on_pace(name="Zulu")[0])
    user = make_user(kind=OrgKind.FACILITATOR)
    _db.session.commit()
    from flask import g

    with app.test_request_context():
        g.user = user
        assert user.organisation.kind == OrgKind.FACILITATOR  # loaded before counting
        with assert_max_queries(3):
            figures = progress_figures(T)
    total = figures["total"]
    assert total.lots == 5 and total.flagged == 4
    assert [row.id for row, _ in figures["flagged"]] == sorted(lot.id for lot in lots[:4])


def _rollups(lot_id: int) -> tuple[dict, dict]:
    from portal.models import LotMonthHours, LotYearPerson

    _db.session.expire_all()
    months = {
        row.month: row.hours
        for row in _db.session.scalars(select(LotMonthHours).where(LotMonthHours.lot_id == lot_id))
    }
    people = {
        (row.year, row.participant_id): row.hours
        for row in _db.session.scalars(select(LotYearPerson).where(LotYearPerson.lot_id == lot_id))
    }
    return months, people


def test_the_rollups_are_the_sums_of_the_validated_lines(app, db):
    lot, placement = _on_pace(name="Alpha")
    months, people = _rollups(lot.id)
    assert months == {month: Decimal(100) for month in COUNTED}
    by_year: dict = {}
    for month in COUNTED:
        key = (month.year, placement.participant_id)
        by_year[key] = by_year.get(key, Decimal(0)) + 100
    assert people == by_year
    # a line sent back to submitted leaves the roll-ups at commit
    line = next(
        iter(_db.session.scalars(select(HourLine).where(HourLine.placement_id == placement.id)))
    )
    line.status = S.SUBMITTED.value
    _db.session.commit()
    months, _ = _rollups(lot.id)
    assert line.month not in months and len(months) == len(COUNTED) - 1
    # rebuilding everything gives the same rows
    from portal.statements.rollups import rebuild_all

    assert rebuild_all() >= 1
    assert _rollups(lot.id)[0] == months


def test_the_refresh_command_rebuilds_everything_after_a_bulk_load(app, db):
    from portal.models import LotMonthHours

    lot, _ = _on_pace(name="Alpha")
    _db.session.execute(LotMonthHours.__table__.delete())  # as a bulk load leaves it
    _db.session.commit()
    assert _rollups(lot.id)[0] == {}
    result = CliRunner().invoke(refresh_progress_command, ["--tout"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Cumuls d'heures reconstruits pour 1 lot.",
        "1 lot recalculé.",
    ]
    assert _rollups(lot.id)[0] == {month: Decimal(100) for month in COUNTED}
