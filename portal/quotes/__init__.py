"""Quotes (*devis*): the AMOI prices its work, the CCVG approves (invoices: portal.invoices)."""

from flask import Blueprint

bp = Blueprint("quotes", __name__)

from portal.quotes import views  # noqa: E402, F401
