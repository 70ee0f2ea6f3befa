from io import BytesIO

from sqlalchemy import select

from portal.extensions import db
from portal.models import HourLine, HourStatement, Role
from portal.models.base import utcnow
from portal.statements import services, uploads
from portal.statements.reader import read_statement
from tests.conftest import CONFIRMED, text_of
from tests.security.registry import (
    ActCase,
    CrossOrgCase,
    acts,
    cross_org,
    exempt_cross_org,
    expect,
    versioned,
)
from tests.statements.builders import (
    buyer_lot,
    csv_file,
    line_for,
    proposed_statement,
    structure_placement,
    submitted_statement,
)

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


# --- the review (convention art. 4) ------------------------------------------------------------

expect("statements.queue", "statements.review_page", roles=(Role.FACILITATOR,))
expect("statements.validate", "statements.propose_refusal", roles=(Role.FACILITATOR,))
expect("statements.refusals", roles=(Role.FACILITATOR, Role.BUYER))
expect("statements.decide_refusal", roles=(Role.BUYER,))
exempt_cross_org(
    "the AMOI's review of a statement: only the AMOI may call it, and it sees every statement",
    "statements.review_page",
    "statements.validate",
    "statements.propose_refusal",
)


def _buyer_of(world, persona):
    """The organisation whose lot the persona decides: its own (the CCVG's or the commune's)."""
    return world.users[persona].organisation


@acts("statements.queue")
def the_amoi_opens_its_queue(world, persona):
    submitted_statement(world.structure, world.users["structure"], [buyer_lot(world.commune)])
    return ActCase({}, check=lambda response: "Relevés à valider" in text_of(response))


@acts("statements.review_page")
def the_amoi_reviews_a_statement(world, persona):
    statement = submitted_statement(
        world.structure, world.users["structure"], [buyer_lot(world.commune)]
    )
    return ActCase(
        {"statement_id": statement.id},
        check=lambda response: "Proposer le refus des lignes cochées" in text_of(response),
    )


@acts("statements.validate", method="POST")
def the_amoi_validates_a_statement(world, persona):
    statement = submitted_statement(
        world.structure, world.users["structure"], [buyer_lot(world.commune)]
    )
    return ActCase(
        {"statement_id": statement.id},
        versioned(statement, **CONFIRMED),
        check=lambda response: _statement_state(statement.id)()[0] == "validated",
    )


@acts("statements.propose_refusal", method="POST")
def the_amoi_proposes_a_refusal(world, persona):
    statement = submitted_statement(
        world.structure, world.users["structure"], [buyer_lot(world.commune)]
    )
    line = statement.lines[0]
    return ActCase(
        {"statement_id": statement.id},
        versioned(
            statement, refuser=str(line.id), **{f"motif-{line.id}": "Hors pratiques"}, **CONFIRMED
        ),
        check=lambda response: _statement_state(statement.id)()[0] == "refusal_proposed",
    )


@acts("statements.refusals")
def the_persona_opens_the_refusals_to_decide(world, persona):
    buyer = world.commune if persona.startswith("facilitator") else _buyer_of(world, persona)
    proposed_statement(world.structure, world.users["structure"], buyer, lines=1)
    return ActCase(
        {}, check=lambda response: "Heures incohérentes avec le planning" in text_of(response)
    )


def _line_state(line_id):
    return lambda: db.session.execute(
        select(HourLine.status, HourLine.version).where(HourLine.id == line_id)
    ).one()


@acts("statements.decide_refusal", method="POST")
def the_lots_buyer_decides_a_refusal(world, persona):
    _, [line] = proposed_statement(
        world.structure, world.users["structure"], _buyer_of(world, persona), lines=1
    )
    return ActCase(
        {"hour_line_id": line.id},
        versioned(line, decision="confirmer", commentaire="Confirmé", **CONFIRMED),
        check=lambda response: _line_state(line.id)()[0] == "refused",
    )


@cross_org("statements.decide_refusal")
def commune_decides_another_communes_line(world):
    _, [line] = proposed_statement(
        world.other_structure, world.others["structure"], world.other_commune, lines=1
    )
    return CrossOrgCase(
        world.users["buyer_commune"],
        {"hour_line_id": line.id},
        _line_state(line.id),
    )


@cross_org("statements.decide_refusal")
def ccvg_decides_a_communes_line(world):
    _, [line] = proposed_statement(
        world.other_structure, world.others["structure"], world.commune, lines=1
    )
    return CrossOrgCase(world.users["buyer_ccvg"], {"hour_line_id": line.id}, _line_state(line.id))


from tests.statements import grid_access_cases  # noqa: E402  the typed grid's cases

assert grid_access_cases
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
