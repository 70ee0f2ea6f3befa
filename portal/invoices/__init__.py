"""Invoices (*factures*) of the AMOI: the list with its totals, the Factur-X PDF, payments,
and the CCVG's yearly re-invoicing recap per commune (convention art. 7)."""

from flask import Blueprint

bp = Blueprint("invoices", __name__)

# access: the area's scope rules and predicates, registered on import (docs/permissions.md).
from portal.invoices import access, views  # noqa: E402, F401
