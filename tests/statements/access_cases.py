from io import BytesIO

from sqlalchemy import select

from portal.extensions import db
from portal.models import HourStatement, Role
from portal.models.base import utcnow
from portal.statements import services, uploads
from portal.statements.reader import read_statement
from tests.conftest import text_of
from tests.security.registry import ActCase, CrossOrgCase, acts, cross_org, expect
from tests.statements.builders import csv_file, line_for, structure_placement

expect(
    "statements.index",
    "statements.template_file",
    roles=(Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE),
)
expect(
    "statements.show",
    roles=(Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE),
)
expect("statements.upload", "statements.confirm_upload", roles=(Role.FACILITATOR, Role.STRUCTURE))
# no object id in these URLs: the statements come from scoped(HourStatement), the structure
# the AMOI uploads for from get_or_404(Organisation) on a form field


def _structure_of(world, persona):
    user = world.users[persona]
    return user.organisation if persona == "structure" else world.structure


@acts("statements.index")
def the_persona_opens_its_statements(world, persona):
    return ActCase({}, check=lambda response: "Relevés d'heures" in text_of(response))


@acts("statements.upload", method="POST")
def the_persona_previews_a_statement(world, persona):
    placement = structure_placement(_structure_of(world, persona))
    data = {"file": (BytesIO(csv_file(line_for(placement))), "releve.csv")}
    if persona.startswith("facilitator"):
        data["organisation"] = str(placement.employer_id)
    return ActCase(
        {},
        data,
        check=lambda response: "Confirmer le dépôt" in text_of(response),
    )


@acts("statements.confirm_upload", method="POST")
def the_persona_confirms_a_previewed_statement(world, persona):
    user = world.users[persona]
    placement = structure_placement(_structure_of(world, persona))
    token = uploads.keep(user.id, csv_file(line_for(placement)), "releve.csv")

    def stored(response):
        statement = db.session.scalar(
            select(HourStatement).where(HourStatement.organisation_id == placement.employer_id)
        )
        return response.status_code == 303 and statement is not None and len(statement.lines) == 1

    return ActCase({}, {"token": token, "organisation": str(placement.employer_id)}, check=stored)


def _statement(structure, user):
    placement = structure_placement(structure)
    result = services.preview(
        read_statement(csv_file(line_for(placement)), "releve.csv"), placement.employer
    )
    [statement] = services.submit(result, user, utcnow())
    db.session.commit()
    return statement, placement


@acts("statements.show")
def the_persona_opens_a_statement_it_may_read(world, persona):
    structure = _structure_of(world, persona)
    uploader = world.users["structure"] if persona != "structure" else world.users[persona]
    statement, placement = _statement(structure, uploader)
    name = placement.participant.last_name.upper()
    if persona == "company":  # a company reads its own statements only (its typed grid)
        statement.organisation_id = world.users["company"].organisation_id
        db.session.commit()
    return ActCase(
        {"statement_id": statement.id},
        check=lambda response: name in response.get_data(as_text=True),
    )


def _statement_state(statement_id):
    return lambda: db.session.execute(
        select(HourStatement.status, HourStatement.version).where(HourStatement.id == statement_id)
    ).one()


@cross_org("statements.show")
def structure_reads_another_structures_statement(world):
    statement, _ = _statement(world.other_structure, world.others["structure"])
    return CrossOrgCase(
        world.users["structure"], {"statement_id": statement.id}, _statement_state(statement.id)
    )


@cross_org("statements.show")
def company_reads_another_companys_statement(world):
    statement, _ = _statement(world.other_structure, world.others["structure"])
    statement.organisation_id = world.other_company.id
    db.session.commit()
    return CrossOrgCase(
        world.users["company"], {"statement_id": statement.id}, _statement_state(statement.id)
    )


# --- late statements and reminders (AMOI only; no object id in the URLs) -------------------

expect("statements.late", "statements.send_late_reminders", roles=(Role.FACILITATOR,))


def _late_placement(world):
    """A structure's placement started long ago, without any statement: late."""
    from datetime import date

    placement = structure_placement(world.structure, planned_end=None)
    placement.start_date = date(2025, 1, 6)  # hired long ago: its statements are late
    db.session.commit()
    return placement


@acts("statements.late")
def the_amoi_reads_the_late_statements(world, persona):
    placement = _late_placement(world)
    name = placement.employer.name
    person = placement.participant.last_name
    return ActCase(
        {},
        check=lambda response: name in text_of(response) and person not in text_of(response),
    )


@acts("statements.send_late_reminders", method="POST")
def the_amoi_sends_the_reminders(world, persona):
    from portal.models import StatementReminder

    placement = _late_placement(world)

    def logged(response):
        return response.status_code == 303 and db.session.scalar(
            select(StatementReminder.id).where(
                StatementReminder.organisation_id == placement.employer_id
            )
        )

    return ActCase({}, {"confirmation": "1"}, check=logged)
