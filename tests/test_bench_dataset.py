"""The benchmark dataset's builder on a tiny shape (tests/benchmarks/dataset*.py; issues 15
and 12): every row goes in through the real columns, the people and statements are
consistent with the rules the portal applies (docs/domain.md §5, §6 and §7)."""

from __future__ import annotations

import random
from collections import defaultdict

from sqlalchemy import func, select

from portal.extensions import db as database
from portal.models import (
    Candidacy,
    EligibilityDecision,
    HourLine,
    HourStatement,
    Participant,
    Placement,
)
from portal.rules.eligibility import countable_hours
from portal.rules.reporting import ExitFacts, exit_category
from tests.benchmarks import dataset
from tests.benchmarks.dataset_markets import build_operations
from tests.benchmarks.dataset_people import (
    FIRST_MONTH,
    LAST_MONTH,
    REFERENCE_DAY,
    build_people,
    samples,
)

TINY = dataset.Shape(
    operations=5,
    lots=12,
    companies=4,
    structures=8,
    quote_share=0.0,
    audit_per_operation=1,
    people=30,
    hour_lines=200,
)


def _count(model) -> int:
    return database.session.scalar(select(func.count()).select_from(model))


def _build() -> tuple[dict, dict]:
    """The parts of ``dataset.build`` that the people need (the quotes need a bigger shape
    to find their sample operation)."""
    rng = random.Random(TINY.seed)
    parties = dataset._parties(TINY, rng)
    build_operations(TINY, rng, parties)
    database.session.commit()
    counts = build_people(TINY, random.Random(TINY.seed + 12), parties)
    return counts, samples()


def test_tiny_dataset_builds_people_and_statements(app, db):
    counts, sample = _build()
    assert counts["people"] == _count(Participant) == 30
    assert counts["hour_lines"] == _count(HourLine) > 50  # about 200 asked
    assert counts["hour_lines"] < 600
    assert counts["placements"] == _count(Placement) > 0
    assert counts["hour_statements"] == _count(HourStatement)
    assert set(sample) == {
        "report_operations",
        "ccvg_report_operation",
        "report_year",
        "statement",
        "busy_lot",
    }
    assert "people=30" in TINY.key() and "hour_lines=200" in TINY.key()

    # a person counted on two lots: a second candidacy, matched to the existing person
    assert _count(Candidacy) > 30
    # every hired candidacy has an eligible decision and one placement
    for placement in database.session.scalars(select(Placement)):
        decision = database.session.get(EligibilityDecision, placement.decision_id)
        assert decision.eligible and decision.participant_id == placement.participant_id
        assert placement.candidacy.status == "hired"
        if placement.exit_kind:  # the category is the rule's
            facts = ExitFacts(placement.exit_kind, placement.exit_duration_months)
            assert placement.exit_category == exit_category(facts).value
            assert placement.ended_on < REFERENCE_DAY

    # lines: within the window, one per placement and month, a CDI within its cap
    statuses = defaultdict(set)
    for line in database.session.scalars(select(HourLine)):
        placement = line.placement
        cap = placement.decision.rules_applied["cdi_cap_months"]
        assert FIRST_MONTH <= line.month <= LAST_MONTH
        assert line.month == line.statement.month
        assert line.statement.organisation_id == placement.employer_id
        assert countable_hours(placement.contract_type, placement.start_date, line.month, cap)
        assert 0 < line.hours <= 250 and line.training_hours <= line.hours
        statuses[line.statement.status].add(line.status)
    assert "validated" in statuses
    assert statuses["validated"] <= {"validated", "refused"}
    assert statuses.get("submitted", {"submitted"}) == {"submitted"}
    assert statuses.get("refused", {"refused"}) == {"refused"}
    if "refusal_proposed" in statuses:
        assert "refusal_proposed" in statuses["refusal_proposed"]
