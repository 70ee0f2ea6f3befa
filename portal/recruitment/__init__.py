"""Pre-recruitment: job offers, prescribers' candidates, information sessions, preselection
and feedback (docs/domain.md §10; convention annexe 1 §1 and annexe 2)."""

from flask import Blueprint

bp = Blueprint("recruitment", __name__)

from portal.recruitment import views  # noqa: E402, F401
