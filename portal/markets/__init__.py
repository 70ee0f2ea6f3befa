"""Operations, markets and lots, the hours calculator, TCE shares and exports."""

from flask import Blueprint

bp = Blueprint("markets", __name__)

from portal.markets import lots, tce_views, views  # noqa: E402, F401
