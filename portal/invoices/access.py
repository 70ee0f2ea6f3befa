"""Who sees invoices (docs/permissions.md): the scope rule of invoices. Imported with the
blueprint (``portal/invoices/__init__.py``). Recording a payment is the AMOI's, like every
quote action (``portal.quotes.access.can_manage_quotes``).
"""

from __future__ import annotations

from sqlalchemy import Select

from portal.access import Role, buyer_org_ids, scope_rule
from portal.models import Invoice, User


@scope_rule(Invoice)
def _invoices(stmt: Select, user: User) -> Select:
    """Invoices follow their quote's buyer (the CCVG: its communes' too); companies and
    structures never see them."""
    if user.role is Role.BUYER:
        return stmt.where(Invoice.buyer_id.in_(buyer_org_ids(user.organisation)))
    return stmt.where(False)
