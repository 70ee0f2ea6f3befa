"""The observatory's role matrix (issue 12): the AMOI and the buyers (the CCVG for the
territory, a commune for its own operations); the identified file is the AMOI's only."""

from __future__ import annotations

from portal.models import Role
from tests.security.registry import ActCase, acts, expect

F, B = Role.FACILITATOR, Role.BUYER

expect(
    "observatory.index",
    "observatory.columns_page",
    "observatory.semester",
    "observatory.semester_export",
    "observatory.line_file",
    roles=(F, B),
)


@acts("observatory.line_file", method="POST")
def _anonymised_file(world, persona):
    """Every reader starts the anonymised file's job (its page follows)."""
    return ActCase(
        {"version": "anonyme", "fmt": "csv"},
        {},
        check=lambda response: (
            response.status_code == 303 and response.location.startswith("/exports/")
        ),
    )


@acts("observatory.line_file", method="POST")
def _identified_file(world, persona):
    """The identified file: the AMOI only; a buyer is refused by the predicate."""
    refused = (
        ""
        if persona.startswith("facilitator")
        else "can_download_identified_observatory: the AMOI's only"
    )
    return ActCase({"version": "nominatif", "fmt": "xlsx"}, {}, refused=refused)
