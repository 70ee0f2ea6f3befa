"""Eligibility criteria, proofs, eligibility length and countable hours (docs/domain.md §5, 6)."""

from datetime import date

import pytest

from portal.rules.eligibility import (
    CRITERIA,
    WORK_STUDY_CONTRACTS,
    ContractType,
    Modality,
    countable_hours,
    eligible_until,
    is_eligible_on,
    proof_is_fresh,
)


def test_criteria_catalogue_matches_the_domain_in_order():
    assert list(CRITERIA) == [
        "long_term_jobseeker",
        "rsa",
        "minimum_income",
        "disabled_worker",
        "young_low_qualified",
        "senior_jobseeker",
        "structure_employee",
        "epide_e2c",
        "plie",
        "qpv_resident",
        "derogation",
    ]
    for code, criterion in CRITERIA.items():
        assert criterion.code == code
        assert criterion.label and criterion.proof
    assert CRITERIA["rsa"].label == "Bénéficiaire du RSA"
    assert CRITERIA["disabled_worker"].label == "Travailleur handicapé (RQTH)"


def test_only_rqth_is_health_data():
    assert [code for code, c in CRITERIA.items() if c.health_data] == ["disabled_worker"]


@pytest.mark.parametrize(
    ("proof_date", "on", "fresh"),
    [
        (date(2025, 1, 15), date(2025, 1, 15), True),
        (date(2025, 1, 15), date(2025, 4, 14), True),
        (date(2025, 1, 15), date(2025, 4, 15), False),  # exactly 3 months: not "less than"
        (date(2023, 11, 30), date(2024, 2, 28), True),
        (date(2023, 11, 30), date(2024, 2, 29), False),  # leap year month end
        (date(2024, 11, 30), date(2025, 2, 27), True),
        (date(2024, 11, 30), date(2025, 2, 28), False),
        (date(2024, 10, 31), date(2025, 1, 30), True),
        (date(2024, 10, 31), date(2025, 1, 31), False),
    ],
)
def test_proof_is_fresh(proof_date, on, fresh):
    assert proof_is_fresh(proof_date, on) is fresh


def test_proof_age_is_configurable():
    assert proof_is_fresh(date(2025, 1, 15), date(2025, 6, 1), max_age_months=6) is True
    assert proof_is_fresh(date(2025, 1, 15), date(2025, 6, 1)) is False


@pytest.mark.parametrize("max_age", [-1, True, 1.5])
def test_proof_age_must_be_whole_months(max_age):
    with pytest.raises(ValueError):
        proof_is_fresh(date(2025, 1, 1), date(2025, 2, 1), max_age)


def test_proof_dated_after_validation_is_an_error():
    with pytest.raises(ValueError):
        proof_is_fresh(date(2025, 3, 2), date(2025, 3, 1))


@pytest.mark.parametrize(
    ("validated_on", "months", "until"),
    [
        (date(2024, 3, 15), 24, date(2026, 3, 14)),
        (date(2022, 1, 1), 24, date(2023, 12, 31)),
        (date(2022, 1, 1), 36, date(2024, 12, 31)),
        (date(2024, 2, 29), 24, date(2026, 2, 27)),  # anniversary clamps to 28/02
        (date(2024, 2, 29), 48, date(2028, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 28)),
    ],
)
def test_eligible_until(validated_on, months, until):
    assert eligible_until(validated_on, months) == until


def test_eligible_until_defaults_to_24_months_and_refuses_zero():
    assert eligible_until(date(2025, 6, 1)) == date(2027, 5, 31)
    with pytest.raises(ValueError):
        eligible_until(date(2025, 6, 1), 0)


@pytest.mark.parametrize(
    ("day", "eligible"),
    [
        (date(2024, 3, 14), False),
        (date(2024, 3, 15), True),
        (date(2026, 3, 14), True),
        (date(2026, 3, 15), False),
    ],
)
def test_is_eligible_on(day, eligible):
    assert is_eligible_on(date(2024, 3, 15), day) is eligible


@pytest.mark.parametrize(
    ("contract", "start", "month", "cap", "counts"),
    [
        ("cdi", date(2024, 1, 15), date(2024, 1, 1), 12, True),
        ("cdi", date(2024, 1, 15), date(2024, 12, 1), 12, True),
        ("cdi", date(2024, 1, 15), date(2025, 1, 1), 12, False),
        ("cdi", date(2024, 1, 15), date(2023, 12, 1), 12, False),
        ("cdi", date(2024, 2, 29), date(2025, 1, 31), 12, True),
        ("cdi", date(2024, 2, 29), date(2025, 2, 1), 12, False),
        ("cdi", date(2024, 1, 15), date(2024, 6, 1), 6, True),
        ("cdi", date(2024, 1, 15), date(2024, 7, 1), 6, False),
        ("cdi", date(2024, 1, 15), date(2030, 1, 1), None, True),
        ("cdi", date(2024, 1, 15), date(2024, 1, 1), 0, False),
        (ContractType.CDD, date(2024, 1, 15), date(2030, 1, 1), 12, True),
        ("apprenticeship", date(2024, 9, 1), date(2026, 6, 1), 12, True),
        ("interim", date(2024, 9, 10), date(2024, 8, 1), 12, False),
    ],
)
def test_countable_hours(contract, start, month, cap, counts):
    assert countable_hours(contract, start, month, cap) is counts


def test_countable_hours_default_cap_is_twelve_months():
    assert countable_hours("cdi", date(2024, 1, 15), date(2024, 12, 1)) is True
    assert countable_hours("cdi", date(2024, 1, 15), date(2025, 1, 1)) is False


@pytest.mark.parametrize(("contract", "cap"), [("permanent", 12), ("cdi", -1), ("cdi", 1.5)])
def test_countable_hours_refuses_bad_input(contract, cap):
    with pytest.raises(ValueError):
        countable_hours(contract, date(2024, 1, 1), date(2024, 2, 1), cap)


def test_contract_types_and_modalities_have_french_labels():
    assert [c.label for c in ContractType][:3] == ["CDI", "CDD", "Intérim (contrat de mission)"]
    assert len(ContractType) == 10
    assert {ContractType.PROFESSIONALISATION, ContractType.APPRENTICESHIP} == WORK_STUDY_CONTRACTS
    assert Modality.TEMP_INSERTION.label == "Mise à disposition par une ETTI"
    assert [m for m in Modality if m.reported_by_holder] == [Modality.DIRECT_HIRE]
