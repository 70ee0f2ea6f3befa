"""Matching a statement's rows to the structure's placements, and storing it all or
nothing (docs/domain.md §7; issue 10)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.models import AuditEvent, HourLine, HourStatement, OrgKind
from portal.rules.workflow import StatementStatus
from portal.statements import services
from portal.statements.reader import read_statement
from tests.factories import make_lot, make_org, make_user
from tests.statements.builders import csv_file, line_for, reference, structure_placement

NOW = datetime(2027, 2, 3, 9, 0, tzinfo=UTC)


def _preview(data: bytes, organisation):
    return services.preview(read_statement(data, "releve.csv"), organisation)


def _messages(result) -> list[str]:
    return [f"{error.line}: {error.message}" for error in result.errors]


def _count(model) -> int:
    return _db.session.scalar(select(func.count(model.id)))


def test_a_line_matches_its_placement_whatever_the_case_and_accents(app, db):
    placement = structure_placement()
    person_line = line_for(placement, last_name="LEFEVRE DUPONT").replace("Zoé", "zoe")
    result = _preview(csv_file(person_line), placement.employer)
    assert _messages(result) == []
    [line] = result.lines
    assert line.placement.id == placement.id
    assert (line.month, line.hours, line.training_hours) == (
        date(2027, 1, 1),
        Decimal("151.67"),
        Decimal("7.00"),
    )


def test_the_lot_may_be_written_as_the_lot_page_shows_it(app, db):
    placement = structure_placement()
    written = f"{placement.lot.market.reference} – {placement.lot.label}"
    row = line_for(placement).replace(reference(placement), written)
    assert _preview(csv_file(row), placement.employer).ok


def test_unknown_person_and_foreign_lot_are_line_errors(app, db):
    placement = structure_placement()
    other_lot = make_lot(holder=make_org(OrgKind.COMPANY))
    rows = (
        line_for(placement, last_name="Inconnu"),
        line_for(placement).replace(reference(placement), f"{other_lot.market.reference} lot 1"),
        line_for(placement),
    )
    result = _preview(csv_file(*rows), placement.employer)
    messages = _messages(result)
    assert messages[0].startswith("2: Personne inconnue")
    assert messages[1].startswith("3: Lot : «") and "n'est pas un lot" in messages[1]
    assert len(result.lines) == 1 and not result.ok


def test_another_structures_placement_is_unknown(app, db):
    placement = structure_placement()
    other = make_org(OrgKind.STRUCTURE)
    result = _preview(csv_file(line_for(placement)), other)
    assert result.lines == [] and "n'est pas un lot" in result.errors[0].message


def test_a_month_outside_the_placement_is_refused(app, db):
    placement = structure_placement()
    result = _preview(
        csv_file(line_for(placement, "11/2026"), line_for(placement, "07/2027")),
        placement.employer,
    )
    assert [e.line for e in result.errors] == [2, 3]
    assert "en dehors du contrat" in result.errors[0].message
    assert "de 12/2026 à 06/2027" in result.errors[1].message


def test_a_month_outside_the_eligibility_is_refused(app, db):
    placement = structure_placement(planned_end=None)
    # the decision of 03/12/2026 holds 24 months: until 02/12/2028
    result = _preview(csv_file(line_for(placement, "01/2029")), placement.employer)
    assert "validité de l'éligibilité" in result.errors[0].message


def test_a_cdi_counts_its_first_twelve_months_only(app, db):
    placement = structure_placement(contract_type="cdi", planned_end=None)
    result = _preview(
        csv_file(line_for(placement, "11/2027"), line_for(placement, "12/2027")),
        placement.employer,
    )
    assert [line.month for line in result.lines] == [date(2027, 11, 1)]
    assert result.errors[0].line == 3 and "12 premiers mois d'un CDI" in result.errors[0].message


def test_reader_errors_are_kept_with_the_matching_ones_in_file_order(app, db):
    placement = structure_placement()
    result = _preview(
        csv_file(line_for(placement, hours="300"), line_for(placement, "02/2027", "10", "12")),
        placement.employer,
    )
    assert [e.line for e in result.errors] == [2, 3]
    assert "250" in result.errors[0].message
    assert "formation" in result.errors[1].message


def test_the_same_person_twice_in_a_month_is_refused(app, db):
    placement = structure_placement()
    result = _preview(
        csv_file(line_for(placement), line_for(placement, hours="10")), placement.employer
    )
    assert _messages(result) == [
        "3: Cette personne est déjà déclarée pour 01/2027 sur ce lot (ligne 2) : un mois ne "
        "compte qu'une fois."
    ]


def test_submit_stores_one_statement_per_month_with_its_lines_and_an_audit_line(app, db):
    placement = structure_placement()
    second = structure_placement(placement.employer, lot=placement.lot, last_name="Martin")
    user = make_user(placement.employer)
    result = _preview(
        csv_file(line_for(placement), line_for(second), line_for(placement, "02/2027")),
        placement.employer,
    )
    stored = services.submit(result, user, NOW)
    _db.session.commit()
    assert [(s.month, len(s.lines), s.status) for s in stored] == [
        (date(2027, 1, 1), 2, StatementStatus.SUBMITTED),
        (date(2027, 2, 1), 1, StatementStatus.SUBMITTED),
    ]
    assert stored[0].submitted_by_id == user.id and stored[0].source == "upload"
    events = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "statement.submitted")
    ).all()
    assert len(events) == 2
    assert all("Martin" not in e.detail and "Lef" not in e.detail for e in events)


def test_a_second_upload_replaces_the_first_and_never_counts_twice(app, db):
    placement = structure_placement()
    user = make_user(placement.employer)
    services.submit(_preview(csv_file(line_for(placement)), placement.employer), user, NOW)
    _db.session.commit()
    result = _preview(csv_file(line_for(placement, hours="100")), placement.employer)
    assert result.ok and [s.month for s in result.replaced] == [date(2027, 1, 1)]
    services.submit(result, user, NOW)
    _db.session.commit()
    assert _count(HourStatement) == 1
    assert [line.hours for line in _db.session.scalars(select(HourLine))] == [Decimal("100.00")]
    assert _db.session.scalar(select(HourStatement.uploads)) == 2
    actions = _db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("statement.%"))
    ).all()
    assert sorted(actions) == ["statement.replaced", "statement.submitted"]


def test_a_validated_month_cannot_be_uploaded_again(app, db):
    placement = structure_placement()
    user = make_user(placement.employer)
    [statement] = services.submit(
        _preview(csv_file(line_for(placement)), placement.employer), user, NOW
    )
    statement.status = StatementStatus.VALIDATED.value
    _db.session.commit()
    result = _preview(csv_file(line_for(placement, hours="100")), placement.employer)
    assert _messages(result) == [
        "2: Le relevé de 01/2027 est déjà validé : il ne peut plus être remplacé par un "
        "nouveau fichier."
    ]
    with pytest.raises(services.ImportRefused):
        services.submit(result, user, NOW)


def test_a_preview_with_errors_stores_nothing(app, db):
    placement = structure_placement()
    result = _preview(
        csv_file(line_for(placement), line_for(placement, last_name="Inconnu")),
        placement.employer,
    )
    with pytest.raises(services.ImportRefused):
        services.submit(result, make_user(placement.employer), NOW)
    assert _count(HourStatement) == 0 and _count(HourLine) == 0


def test_an_error_mid_import_leaves_nothing(app, db, monkeypatch):
    placement = structure_placement()
    second = structure_placement(placement.employer, lot=placement.lot, last_name="Martin")
    user = make_user(placement.employer)
    services.submit(_preview(csv_file(line_for(placement)), placement.employer), user, NOW)
    _db.session.commit()
    result = _preview(
        csv_file(
            line_for(placement, hours="80"),
            line_for(second),
            line_for(placement, "02/2027"),
        ),
        placement.employer,
    )
    assert result.ok
    real_line = services._line_row
    made = []

    def failing_line(*args):
        made.append(args)
        if len(made) == 3:  # the third line, in the second month: the first month is stored
            raise RuntimeError("panne au milieu de l'import")
        return real_line(*args)

    monkeypatch.setattr(services, "_line_row", failing_line)
    with pytest.raises(RuntimeError):
        services.submit(result, user, NOW)
    _db.session.commit()  # even a caller that commits after the failure keeps nothing of it
    assert len(made) == 3  # the failure came after lines had been added
    assert _count(HourStatement) == 1
    lines = _db.session.scalars(select(HourLine)).all()
    assert [(line.placement_id, line.hours) for line in lines] == [
        (placement.id, Decimal("151.67"))
    ]
    assert _db.session.scalar(select(HourStatement.uploads)) == 1


def test_one_person_on_two_lots_stays_within_the_monthly_maximum(app, db):
    placement = structure_placement()
    second_lot = make_lot(holder=make_org(OrgKind.COMPANY))
    other = structure_placement(placement.employer, lot=second_lot)
    assert other.participant_id == placement.participant_id  # the same person, recognised
    result = _preview(
        csv_file(line_for(placement, hours="150"), line_for(other, hours="120")),
        placement.employer,
    )
    assert _messages(result) == [
        "3: Avec la ligne 2, cette personne totalise 270 h en 01/2027 : au-delà des 250 h "
        "possibles dans un mois."
    ]
    assert [line.line for line in result.lines] == [2]
