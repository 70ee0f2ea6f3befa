"""Quotes (*devis*): the AMOI prices its work, the CCVG approves (invoices: portal.invoices)."""

from flask import Blueprint

bp = Blueprint("quotes", __name__)

# access: the area's scope rules and predicates, registered on import (docs/permissions.md).
from portal.quotes import access, views  # noqa: E402, F401
