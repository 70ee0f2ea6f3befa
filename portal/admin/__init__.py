"""The one actor area: accounts, the audit trail, the convention's avenants and the payee
block, for facilitator admins."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import settings, views  # noqa: E402, F401
