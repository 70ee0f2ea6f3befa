"""The observatory files (annexe 2; issue 12; docs/domain.md §9): the facilitators' and
departmental observatory's line file, identified or anonymised, and the semi-annual
agglomeration observatory's aggregates."""

from flask import Blueprint

bp = Blueprint("observatory", __name__)

from portal.observatory import views  # noqa: E402, F401
