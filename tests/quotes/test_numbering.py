"""Quote and invoice numbers: sequential per year, without gaps, never shared — also under
concurrent submissions (the PostgreSQL pass runs these against a real server)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from portal.documents.numbering import next_number
from portal.extensions import db as _db
from portal.models import NumberSeries, OrgKind, Quote
from portal.quotes import services as service
from tests.factories import make_admin, make_org
from tests.quotes.builders import make_quote, priced_operation


def test_numbers_follow_each_other_per_series_and_year(db):
    assert next_number("DEV", 2026) == "DEV-2026-0001"
    assert next_number("DEV", 2026) == "DEV-2026-0002"
    assert next_number("FAC", 2026) == "FAC-2026-0001"
    assert next_number("DEV", 2027) == "DEV-2027-0001"
    db.session.commit()


def test_a_rolled_back_submission_gives_its_number_back(db):
    admin = make_admin()
    quotes = [make_quote(priced_operation(make_org(OrgKind.BUYER)), admin) for _ in range(2)]
    service.submit(quotes[0], admin)
    assert quotes[0].number == "DEV-2024-0001"
    db.session.rollback()  # e.g. the notification step failed before the commit
    service.submit(quotes[1], admin)
    db.session.commit()
    assert quotes[1].number == "DEV-2024-0001"


@pytest.mark.concurrency
@pytest.mark.parametrize("numbered_before", [0, 1], ids=["first-of-the-year", "counter-exists"])
def test_concurrent_submissions_get_distinct_gapless_numbers(app, db, numbered_before):
    """Both paths of ``next_number`` under a race: the year's counter created by the racers
    themselves, and an existing counter bumped by all of them."""
    for _ in range(numbered_before):
        next_number("DEV", 2024)
    db.session.commit()
    admin = make_admin()
    ids = [make_quote(priced_operation(make_org(OrgKind.BUYER)), admin).id for _ in range(6)]
    admin_id = admin.id
    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def submit(quote_id: int) -> None:
        with app.app_context():
            try:
                quote = _db.session.get(Quote, quote_id)
                user = _db.session.get(type(admin), admin_id)
                barrier.wait(timeout=10)
                service.submit(quote, user)
                _db.session.commit()
            except BaseException as error:  # reported to the main thread below
                errors.append(error)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=submit, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(db.session.scalars(select(Quote.number)).all())
    first = numbered_before + 1
    assert numbers == [f"DEV-2024-{n:04d}" for n in range(first, first + 6)]
    counter = db.session.scalars(select(NumberSeries).where(NumberSeries.series == "DEV")).one()
    assert counter.last == numbered_before + 6
