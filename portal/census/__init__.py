"""The census of purchases: buyers declare, the AMOI reviews and converts (art. 3)."""

from flask import Blueprint

bp = Blueprint("census", __name__, url_prefix="/recensement")

# access: the area's scope rules and predicates, registered on import (docs/permissions.md).
from portal.census import access, views  # noqa: E402, F401
