"""Aggregate and read-only queries of the invoices area, scoped to the user: totals per
year and status, the communes and the yearly re-invoicing recap (convention art. 7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import extract, func, select
from sqlalchemy.orm import selectinload

from portal.access import scoped
from portal.extensions import db
from portal.models import Invoice, InvoiceStatus, Organisation, Quote


def totals_by_year_and_status() -> list[tuple[int, InvoiceStatus, int, Decimal]]:
    """(year, status, count, what the CCVG pays — VAT included when the payee charges it),
    newest year first, over the invoices the user may see."""
    visible = scoped(Invoice).subquery()
    year_col = extract("year", visible.c.issue_date)
    rows = db.session.execute(
        select(
            year_col,
            visible.c.status,
            func.count(),
            func.sum(visible.c.amount + visible.c.vat_amount),
        )
        .group_by(year_col, visible.c.status)
        .order_by(year_col.desc(), visible.c.status)
    ).all()
    return [(int(y), InvoiceStatus(s), n, amount) for y, s, n, amount in rows]


def communes() -> list[Organisation]:
    """Communes the user may see (buyers with a parent)."""
    return db.session.scalars(
        scoped(Organisation)
        .where(Organisation.parent_id.is_not(None), Organisation.kind == "buyer")
        .order_by(Organisation.name)
    ).all()


def recap(commune: Organisation, year: int) -> tuple[list[dict], Decimal]:
    """Invoices the CCVG paid in ``year`` (1 January to 31 December, both included) for
    the commune's quotes, per operation; the amounts are those the CCVG paid (VAT
    included when the payee charges it)."""
    rows = []
    paid = db.session.scalars(
        scoped(Invoice)
        .where(
            Invoice.buyer_id == commune.id,
            Invoice.status == InvoiceStatus.PAID,
            Invoice.paid_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .options(selectinload(Invoice.quote).joinedload(Quote.operation))
        .order_by(Invoice.paid_on, Invoice.id)
    ).all()
    for invoice in paid:
        rows.append(
            {
                "operation": invoice.quote.title,
                "quote_number": invoice.quote.number or "",
                "invoice_number": invoice.number,
                "invoice_label": invoice.label,
                "paid_on": invoice.paid_on,
                "amount": invoice.amount_due,
            }
        )
    return rows, sum((r["amount"] for r in rows), Decimal("0.00"))
