"""Exports of the hires (docs/domain.md §6): the placements as spreadsheets, with the same
scoping as the screens. The AMOI and the declarers get the people they may see (a company
or a structure, its own); buyers get counts per lot, never a name."""

from flask import Blueprint

bp = Blueprint("placements", __name__)

from portal.placements import views  # noqa: E402, F401
