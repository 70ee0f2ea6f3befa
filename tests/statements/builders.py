"""Builders for the statement tests: a structure's placements made through the people
services, and statement files as a payroll tool writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models import Organisation, OrgKind, Placement
from portal.people import services as people
from tests.factories import make_lot, make_org
from tests.people.builders import amoi_user, decide, identity, make_candidacy

HEADER = "Nom;Prénom;Date de naissance;Lot;Mois;Heures travaillées;Dont heures de formation"


def structure_placement(
    structure: Organisation | None = None,
    *,
    lot=None,
    last_name: str = "Lefèvre-Dupont",
    first_name: str = "Zoé",
    birth_date: date = date(1990, 5, 17),
    contract_type: str = "cdd",
    start_date: date = date(2026, 12, 14),
    planned_end: date | None = date(2027, 6, 13),
) -> Placement:
    """A structure's placement (temporary insertion work) on a company's lot."""
    structure = structure or make_org(OrgKind.STRUCTURE)
    lot = lot or make_lot(holder=make_org(OrgKind.COMPANY))
    candidacy = make_candidacy(
        structure,
        lot=lot,
        who=identity(last_name=last_name, first_name=first_name, birth_date=birth_date),
        modality="temp_insertion",
        contract_type=contract_type,
    )
    decide(candidacy)
    placement = people.hire(
        candidacy,
        amoi_user(),
        contract_type=contract_type,
        start_date=start_date,
        planned_end=planned_end,
        weekly_hours=Decimal("35"),
    )
    db.session.commit()
    return placement


def reference(placement: Placement) -> str:
    return f"{placement.lot.market.reference} lot {placement.lot.number}"


def csv_file(*lines: str) -> bytes:
    """A statement CSV (UTF-8, ``;``) with the template's header and ``lines``."""
    return ("\n".join((HEADER, *lines)) + "\n").encode("utf-8")


def line_for(
    placement: Placement,
    month: str = "01/2027",
    hours: str = "151,67",
    training: str = "7",
    *,
    last_name: str | None = None,
) -> str:
    person = placement.participant
    return ";".join(
        (
            last_name or person.last_name,
            person.first_name,
            f"{person.birth_date:%d/%m/%Y}",
            reference(placement),
            month,
            hours,
            training,
        )
    )


# --- the review (convention art. 4) ------------------------------------------------------------


def buyer_lot(buyer: Organisation, holder: Organisation | None = None):
    """A lot of an operation whose buyer is ``buyer`` (a commune, or the CCVG)."""
    from tests.factories import make_market, make_operation

    return make_lot(make_market(make_operation(buyer)), holder=holder or make_org(OrgKind.COMPANY))


def submitted_statement(structure: Organisation, uploader, lots: list, month: str = "01/2027"):
    """A statement ``structure`` submitted for ``month``, one line per lot of ``lots`` (a
    different person each), stored through the upload services. Returns the statement."""
    from portal.models.base import utcnow
    from portal.statements import services
    from portal.statements.reader import read_statement

    names = ("Martin", "Bernard", "Petit", "Durand", "Moreau", "Laurent")
    placements = [
        structure_placement(
            structure, lot=lot, last_name=names[i % len(names)], first_name=f"Prénom{i}"
        )
        for i, lot in enumerate(lots)
    ]
    data = csv_file(
        *(line_for(p, month=month, hours=f"{100 + i}") for i, p in enumerate(placements))
    )
    result = services.preview(read_statement(data, "releve.csv"), structure)
    assert result.ok, result.errors
    [statement] = services.submit(result, uploader, utcnow())
    db.session.commit()
    return statement


def proposed_statement(
    structure, uploader, buyer, *, refused: int = 1, lines: int = 2, month: str = "01/2027"
):
    """A statement of ``lines`` lines on ``buyer``'s lots whose first ``refused`` lines the
    AMOI proposed to refuse. Returns (statement, proposed lines)."""
    from portal.models.base import utcnow
    from portal.statements import review

    statement = submitted_statement(
        structure, uploader, [buyer_lot(buyer) for _ in range(lines)], month=month
    )
    chosen = {
        line.id: "Heures incohérentes avec le planning du chantier"
        for line in statement.lines[:refused]
    }
    proposed = review.propose_refusal(statement, amoi_user(), utcnow(), chosen)
    db.session.commit()
    return statement, proposed


def hour_line(placement: Placement, month: date, hours: str, status: str = "validated") -> None:
    """A line of ``hours`` for ``placement`` in ``month`` with ``status``, in its employer's
    statement of the month (created with that status when there is none); flushed."""
    from datetime import UTC, datetime

    from portal.models import HourLine, HourStatement

    statement = db.session.query(HourStatement).filter_by(
        organisation_id=placement.employer_id, month=month
    ).one_or_none() or HourStatement(
        organisation=placement.employer,
        month=month,
        status=status,
        submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    statement.lines.append(
        HourLine(placement=placement, month=month, hours=Decimal(hours), status=status)
    )
    db.session.add(statement)
    db.session.flush()
