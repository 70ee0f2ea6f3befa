"""Access cases of the company's typed grid (imported by ``access_cases.py``)."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import HourStatement, Role
from tests.conftest import CONFIRMED, text_of
from tests.security.registry import ActCase, acts, expect
from tests.statements.grid_builders import MONTH, direct_hire, grid_form

expect(
    "statements.grid",
    "statements.grid_check",
    "statements.grid_save",
    roles=(Role.FACILITATOR, Role.COMPANY),
)
# no object id in these URLs: the company is the user's own (a company's « organisation »
# field is ignored) or, for the AMOI, get_or_404(Organisation) on a company; the rows are the
# company's placements and its statement of the month (tests/statements/test_grid.py)


def _company_placement(world, persona):
    return direct_hire(world.company)


def _organisation(world, persona):
    return world.company if persona.startswith("facilitator") else None


@acts("statements.grid")
def the_persona_opens_a_companys_grid(world, persona):
    placement = _company_placement(world, persona)
    kwargs = {"mois": f"{MONTH:%Y-%m}"}
    if persona.startswith("facilitator"):
        kwargs["organisation"] = world.company.id
    return ActCase(
        kwargs,
        check=lambda response: f'name="hours-{placement.id}"' in response.get_data(as_text=True),
    )


@acts("statements.grid_check", method="POST")
def the_persona_checks_a_typed_row(world, persona):
    placement = _company_placement(world, persona)
    data = grid_form(organisation=_organisation(world, persona), **{f"hours_{placement.id}": "300"})
    return ActCase({}, data, check=lambda response: "au-delà des 250 h" in text_of(response))


@acts("statements.grid_save", method="POST")
def the_persona_submits_a_typed_grid(world, persona):
    placement = _company_placement(world, persona)
    data = grid_form(
        organisation=_organisation(world, persona),
        action="submit",
        **{f"hours_{placement.id}": "35"},
        **CONFIRMED,
    )

    def stored(response):
        statement = db.session.scalar(
            select(HourStatement).where(HourStatement.organisation_id == world.company.id)
        )
        return response.status_code == 303 and statement is not None and statement.lines

    return ActCase({}, data, check=stored)
