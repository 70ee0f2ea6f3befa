"""The territory dashboard (« Tableau de bord », issue 12; docs/domain.md §9)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from portal.dashboard import views  # noqa: E402, F401
