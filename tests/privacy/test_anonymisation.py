"""Anonymising a person's file keeps every aggregate and removes the identity
(portal/privacy/anonymisation.py; docs/gdpr-record.md §8)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import String, Text, func, select

from portal.models import (
    AuditEvent,
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    Participant,
    Placement,
    PlacementEvent,
)
from portal.privacy import anonymisation
from portal.rules.retention import Treatment
from tests.factories import make_org
from tests.privacy.builders import make_file

NOW = datetime(2029, 1, 5, 3, 0, tzinfo=UTC)
PEOPLE_MODELS = (
    Participant,
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    Placement,
    PlacementEvent,
)


@pytest.mark.parametrize("model", PEOPLE_MODELS, ids=lambda m: m.__name__)
def test_every_column_is_classified(model):
    columns = {c.key for c in model.__table__.columns}
    assert set(anonymisation.POLICY[model]) == columns


@pytest.mark.parametrize("model", PEOPLE_MODELS, ids=lambda m: m.__name__)
def test_what_the_model_calls_identity_is_removed(model):
    for name in getattr(model, "IDENTITY_COLUMNS", ()):
        assert anonymisation.POLICY[model][name] is Treatment.BLANK, name


def aggregates(db):
    """What the reports count, straight from the tables."""

    def grouped(*columns, where=None):
        stmt = select(*columns, func.count()).group_by(*columns).order_by(*columns)
        if where is not None:
            stmt = stmt.where(where)
        return [tuple(row) for row in db.session.execute(stmt)]

    return {
        "people": grouped(
            Participant.sex,
            Participant.birth_year,
            Participant.qualification,
            Participant.commune,
            Participant.postal_code,
            Participant.qpv_resident,
        ),
        "candidacies": grouped(
            Candidacy.lot_id,
            Candidacy.declarer_id,
            Candidacy.status,
            Candidacy.modality,
            Candidacy.contract_type,
            Candidacy.age_band,
            Candidacy.referent_kind,
        ),
        "criteria": grouped(CandidacyCriterion.code, CandidacyCriterion.retained),
        "decisions": grouped(EligibilityDecision.eligible, EligibilityDecision.countable_hours),
        "placements": grouped(
            Placement.lot_id,
            Placement.employer_id,
            Placement.status,
            Placement.modality,
            Placement.contract_type,
            Placement.exit_category,
            Placement.break_kind,
        ),
        "hours": db.session.execute(
            select(func.sum(Placement.weekly_hours), func.sum(Candidacy.weekly_hours)).join(
                Candidacy, Placement.candidacy_id == Candidacy.id
            )
        ).one(),
        "events": grouped(PlacementEvent.kind, PlacementEvent.effective_on),
    }


def text_values(db):
    """Every text value of the people tables, to look for a name in them."""
    found = []
    for model in PEOPLE_MODELS:
        columns = [c for c in model.__table__.columns if isinstance(c.type, String | Text)]
        for row in db.session.execute(select(*columns)):
            found.extend(str(v) for v in row if v)
    return " ".join(found)


def test_anonymising_keeps_every_aggregate_and_no_name(db):
    company, structure = make_org("company"), make_org("structure")
    files = [
        make_file(company),
        make_file(company, sex="M", status="ended", ended_on=date(2025, 9, 30), criteria=("plie",)),
        make_file(structure, status="broken", ended_on=date(2025, 5, 2), modality="geiq"),
        make_file(structure, eligible=False, hired=False, qualification="none"),
    ]
    before = aggregates(db)
    assert "Camille" in text_values(db)
    for person in files:
        assert anonymisation.anonymise_participant(person, None, "erasure_request", NOW)
    db.session.commit()
    assert aggregates(db) == before
    text = text_values(db)
    for word in ("Camille", "Fictif", "Untel", "Conseillère", "déménagé"):
        assert word not in text
    for person in files:
        db.session.refresh(person)
        assert person.birth_date is None and person.match_key is None
        assert person.birth_year == 1990
        assert person.display_name == f"Personne anonymisée n° {person.id}"


def test_anonymising_twice_changes_nothing_and_writes_one_audit_line(db):
    person = make_file()
    assert anonymisation.anonymise_participant(person, None, "retention", NOW)
    db.session.commit()
    first = person.anonymised_at
    assert not anonymisation.anonymise_participant(
        person, None, "retention", NOW.replace(year=2030)
    )
    db.session.commit()
    assert person.anonymised_at == first
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "participant.anonymised")
    ).all()
    assert len(events) == 1
    assert events[0].object_type == "Participant" and events[0].object_id == str(person.id)
    assert events[0].detail.startswith("reason=retention rows=")
    assert "Camille" not in events[0].detail and "Fictif" not in events[0].detail


def test_an_unknown_reason_is_refused(db):
    with pytest.raises(ValueError, match="unknown anonymisation reason"):
        anonymisation.anonymise_participant(make_file(), None, "because", NOW)


# -- retention ----------------------------------------------------------------------


def _files(db):
    company = make_org("company")
    return {
        "ended_long_ago": make_file(
            company,
            status="ended",
            start=date(2021, 1, 4),
            ended_on=date(2021, 6, 30),
            submitted=datetime(2020, 12, 1, 9, 0, tzinfo=UTC),
        ),
        "ended_recently": make_file(company, status="ended", ended_on=date(2025, 6, 30)),
        "running_since_long": make_file(
            company, start=date(2019, 1, 7), submitted=datetime(2018, 12, 3, 9, 0, tzinfo=UTC)
        ),
        "refused_long_ago": make_file(
            company,
            eligible=False,
            hired=False,
            submitted=datetime(2020, 3, 2, 10, 0, tzinfo=UTC),
        ),
    }


def test_expired_files_are_the_old_ones_without_a_running_contract(db):
    files = _files(db)
    found = anonymisation.expired(date(2026, 1, 1), 3)
    assert [e.participant_id for e in found] == [
        files["refused_long_ago"].id,
        files["ended_long_ago"].id,
    ]
    assert found[1].kept_until == date(2024, 6, 30)
    # a longer retention keeps them
    assert anonymisation.expired(date(2026, 1, 1), 10) == []


def test_the_command_anonymises_once_and_says_what_it_did(app, db):
    files = _files(db)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["anonymise-expired"])
    assert first.exit_code == 0, first.output
    assert "2 dossiers anonymisés" in first.output
    assert (
        f"personne n° {files['ended_long_ago'].id} (conservée jusqu'au 30/06/2024)" in first.output
    )
    assert "Camille" not in first.output and "Fictif" not in first.output
    db.session.expire_all()
    assert db.session.get(Participant, files["ended_long_ago"].id).anonymised_at is not None
    assert db.session.get(Participant, files["running_since_long"].id).anonymised_at is None
    assert db.session.get(Participant, files["ended_recently"].id).anonymised_at is None
    second = runner.invoke(args=["anonymise-expired"])
    assert second.exit_code == 0
    assert "Aucun dossier à anonymiser (identité conservée 3 ans)." in second.output
    count = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "participant.anonymised")
    )
    assert count == 2
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "participant.anonymised")
    ):
        assert event.actor_id is None and event.detail.startswith("reason=retention")


def test_the_command_reads_the_retention_setting(app, db):
    _files(db)
    app.config["PEOPLE_RETENTION_YEARS"] = 10
    result = app.test_cli_runner().invoke(args=["anonymise-expired"])
    assert "Aucun dossier à anonymiser (identité conservée 10 ans)." in result.output


def test_erasing_a_pending_candidacy_deletes_its_proof_file_with_the_commit(app, db):
    from pathlib import Path

    from portal.people import services
    from tests.people.builders import PDF, make_candidacy

    candidacy = make_candidacy(criteria=("rsa",))
    services.add_proof(candidacy, candidacy.submitted_by, "rsa", PDF, "Attestation CAF", None)
    db.session.commit()
    folder = Path(app.config["PEOPLE_PROOF_FOLDER"])
    assert len(list(folder.iterdir())) == 1
    person = candidacy.participant
    anonymisation.anonymise_participant(person, None, "erasure_request", NOW)
    assert len(list(folder.iterdir())) == 1  # not before the commit
    db.session.commit()
    assert list(folder.iterdir()) == []
    [criterion] = candidacy.criteria
    assert criterion.proof_file is None and criterion.proof_sha256
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "participant.anonymised")
    ).one()
    assert event.detail.endswith("proofs=1")
