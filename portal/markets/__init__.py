"""Operations, markets and lots, the hours calculator, TCE shares and exports."""

from flask import Blueprint

bp = Blueprint("markets", __name__)

# access: the area's scope rules and predicates, registered on import (docs/permissions.md).
from portal.markets import access, lots, tce_views, views  # noqa: E402, F401
