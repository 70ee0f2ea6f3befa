"""Builders for quotes: an operation with priced lots, and a quote through the service
(the same path as the screens)."""

from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.models import QuoteKind, User
from portal.quotes import services as service
from tests.factories import make_lot, make_market, make_operation

IN_CONVENTION = date(2024, 6, 3)  # inside the convention's own period 2022-2024


def priced_operation(buyer, *, hours=(300, 1000), award=False, name="Opération chiffrée"):
    operation = make_operation(buyer, name=name)
    market = make_market(operation)
    for n, planned in enumerate(hours, start=1):
        make_lot(market, number=n, planned_hours=planned, award_criterion=award)
    return operation


def make_quote(operation, author: User, *, status: str = "draft", ccvg=None, quote_date=None):
    """A quote moved to ``status`` (draft, submitted, approved → invoiced_deposit…)."""
    quote = service.create_quote(
        kind=QuoteKind.OPERATION,
        quote_date=quote_date or IN_CONVENTION,
        user=author,
        operation=operation,
        ccvg=ccvg,
    )
    if status != "draft":
        service.submit(quote, author)
    db.session.commit()
    return quote
