"""The census of purchases: buyers declare, the AMOI reviews and converts (art. 3)."""

from flask import Blueprint

bp = Blueprint("census", __name__, url_prefix="/recensement")

from portal.census import views  # noqa: E402, F401
