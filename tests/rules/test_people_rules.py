"""Duplicate detection and versioned harmonisation rules (docs/domain.md §5)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.rules.eligibility import (
    CRITERIA,
    DEFAULT_RULES,
    HarmonisationRules,
    identity_key,
    normalise_name,
    rules_in_force,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lefèvre-Dupont", "LEFEVRE DUPONT"),
        ("Lefèvre-Dupont", "lefevredupont"),
        ("Élodie", "elodie"),
        ("N'Diaye", "ndiaye"),
        ("Œuvray", "oeuvray"),
        ("Jean  Pierre", "Jean-Pierre"),
        ("Çelik", "celik"),
        ("Strauß", "STRAUSS"),
    ],
)
def test_names_that_match(a, b):
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(("a", "b"), [("Martin", "Martine"), ("Léa", "Léo"), ("Dupont", "Dupond")])
def test_names_that_differ(a, b):
    assert normalise_name(a) != normalise_name(b)


def test_identity_key_includes_the_birth_date():
    born = date(1990, 5, 17)
    assert identity_key("Lefèvre", "Élodie", born) == identity_key("LEFEVRE", "elodie", born)
    assert identity_key("Lefèvre", "Élodie", born) != identity_key(
        "Lefèvre", "Élodie", date(1990, 5, 18)
    )
    assert identity_key("Martin", "Paul", born) != identity_key("Paul", "Martin", born)


@given(st.text(max_size=30))
def test_normalising_is_idempotent_and_case_blind(name):
    once = normalise_name(name)
    assert normalise_name(once) == once
    if name.isascii():
        assert normalise_name(name.upper()) == normalise_name(name.lower())


def test_defaults_are_those_of_the_domain():
    assert DEFAULT_RULES.effective_from is None
    assert DEFAULT_RULES.criteria == frozenset(CRITERIA)
    assert (DEFAULT_RULES.proof_max_age_months, DEFAULT_RULES.eligibility_months) == (3, 24)
    assert DEFAULT_RULES.cdi_cap_months == 12


def test_rules_in_force_pick_the_latest_version_started():
    v1 = HarmonisationRules(date(2026, 1, 1), eligibility_months=18)
    v2 = HarmonisationRules(date(2026, 7, 1), proof_max_age_months=6)
    assert rules_in_force([v2, v1], date(2025, 12, 31)) is DEFAULT_RULES
    assert rules_in_force([v2, v1], date(2026, 1, 1)) is v1
    assert rules_in_force([v2, v1], date(2026, 6, 30)) is v1
    assert rules_in_force([v2, v1], date(2026, 7, 1)) is v2


def test_a_version_applies_its_own_figures():
    rules = HarmonisationRules(date(2026, 1, 1), proof_max_age_months=6, eligibility_months=12)
    assert rules.proof_is_fresh(date(2026, 1, 10), date(2026, 6, 1))
    assert not DEFAULT_RULES.proof_is_fresh(date(2026, 1, 10), date(2026, 6, 1))
    assert rules.eligible_until(date(2026, 3, 15)) == date(2027, 3, 14)


def test_a_version_round_trips_through_plain_data():
    rules = HarmonisationRules(
        date(2026, 1, 1), criteria=frozenset({"rsa", "plie"}), cdi_cap_months=None
    )
    assert HarmonisationRules.from_data(rules.to_data()) == rules
    assert rules.to_data()["criteria"] == ["rsa", "plie"]  # catalogue order
    assert rules.accepts("rsa") and not rules.accepts("qpv_resident")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"criteria": frozenset({"unknown"})},
        {"eligibility_months": 0},
        {"proof_max_age_months": -1},
        {"cdi_cap_months": -2},
    ],
)
def test_invalid_versions_are_refused(kwargs):
    with pytest.raises(ValueError):
        HarmonisationRules(date(2026, 1, 1), **kwargs)
