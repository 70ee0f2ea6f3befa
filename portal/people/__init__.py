"""People proposed on a lot, the AMOI's eligibility decisions and the hires
(docs/domain.md §5 and §6; convention annex 1 §3)."""

from flask import Blueprint

bp = Blueprint("people", __name__)

from portal.people import (  # noqa: E402, F401
    access,
    candidacy_views,
    confirmations,
    placement_views,
    settings_views,
    views,
)
