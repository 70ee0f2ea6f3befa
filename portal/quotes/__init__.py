"""Quotes and invoices: the AMOI prices its work, the CCVG approves, invoices follow."""

from flask import Blueprint

bp = Blueprint("quotes", __name__)

from portal.quotes import invoices, views  # noqa: E402, F401
