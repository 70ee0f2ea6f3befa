"""Read-only queries of the quotes area, scoped to the user: filter options without loading
every quote, the history of a quote and of its invoices, its next revision."""

from __future__ import annotations

from sqlalchemy import extract, select
from sqlalchemy.orm import joinedload

from portal.access import scoped
from portal.extensions import db
from portal.models import AuditEvent, Organisation, Quote


def visible_buyers() -> list[Organisation]:
    """The buyers of the quotes the user may see."""
    return db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(scoped(Quote).with_only_columns(Quote.buyer_id)))
        .order_by(Organisation.name)
    ).all()


def quote_years() -> list[int]:
    """The years of the quotes the user may see, newest first: the database answers with
    the distinct years, not every quote's date (issue 16)."""
    year = extract("year", Quote.quote_date)
    found = db.session.scalars(scoped(Quote).with_only_columns(year).distinct())
    return sorted({int(y) for y in found if y is not None}, reverse=True)


def history_events(quote_id: int, invoice_ids: list[str]) -> list[AuditEvent]:
    """The audit lines of a quote and of its invoices, oldest first (uses the index on the
    audit trail's object type and id)."""
    return db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(
            ((AuditEvent.object_type == "Quote") & (AuditEvent.object_id == str(quote_id)))
            | ((AuditEvent.object_type == "Invoice") & AuditEvent.object_id.in_(invoice_ids))
        )
        .order_by(AuditEvent.id)
    ).all()


def revision_of(quote_id: int) -> Quote | None:
    """The new version made from a rejected quote, if any."""
    return db.session.scalar(select(Quote).where(Quote.revision_of_id == quote_id))
