"""Retention of a person's identity and what anonymising keeps (portal/rules/retention.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.rules.reporting import age_band
from portal.rules.retention import (
    PERSON_FIELDS,
    RETENTION_YEARS,
    PersonDates,
    Treatment,
    UnclassifiedField,
    anonymise,
    anonymised_birth_date,
    identity_expired,
    identity_kept_until,
    kept_fields,
    last_activity,
    removed_fields,
    same_age_bands,
)

D = date


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # the last placement's end, three years on
        (PersonDates(placement_ends=(D(2025, 6, 30),)), D(2028, 6, 30)),
        (PersonDates(placement_ends=(D(2024, 1, 15), D(2025, 6, 30))), D(2028, 6, 30)),
        # a later activity (an exit situation at +6 months) moves the start
        (PersonDates((D(2025, 6, 30),), (D(2025, 12, 30),)), D(2028, 12, 30)),
        # an earlier activity does not
        (PersonDates((D(2025, 6, 30),), (D(2025, 1, 2),)), D(2028, 6, 30)),
        # never hired: from the last candidacy or decision
        (PersonDates(activity=(D(2026, 3, 1), D(2026, 3, 20))), D(2029, 3, 20)),
        # a placement still running: kept, whatever the old dates
        (PersonDates(placement_ends=(D(2020, 1, 1), None)), None),
        # nothing known: nothing to compute
        (PersonDates(), None),
        # 29 February: clamped to the end of February
        (PersonDates(placement_ends=(D(2024, 2, 29),)), D(2027, 2, 28)),
    ],
)
def test_identity_kept_until(dates, expected):
    assert identity_kept_until(dates) == expected


def test_default_is_three_years():
    assert RETENTION_YEARS == 3
    assert identity_kept_until(PersonDates((D(2025, 6, 30),)), years=5) == D(2030, 6, 30)


@pytest.mark.parametrize("years", [0, -1, True, 2.5, "3"])
def test_retention_must_be_whole_years(years):
    with pytest.raises(ValueError, match="nombre entier d'années"):
        identity_kept_until(PersonDates((D(2025, 6, 30),)), years=years)


@pytest.mark.parametrize(
    ("today", "expired"),
    [
        (D(2028, 6, 29), False),
        (D(2028, 6, 30), False),  # the last day it is kept
        (D(2028, 7, 1), True),
        (D(2035, 1, 1), True),
    ],
)
def test_identity_expired_the_day_after(today, expired):
    assert identity_expired(PersonDates((D(2025, 6, 30),)), today) is expired


def test_a_running_placement_never_expires():
    assert not identity_expired(PersonDates((D(2000, 1, 1), None)), D(2099, 1, 1))
    assert last_activity(PersonDates((None,))) is None


# -- the birth date ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "references", "expected"),
    [
        # no reference date: 1 January
        (D(1990, 8, 14), (), D(1990, 1, 1)),
        # reference dates far from a threshold: 1 January
        (D(1990, 8, 14), (D(2026, 3, 1), D(2027, 9, 1)), D(1990, 1, 1)),
        # 25 on 1 March 2016 (26 in August): 1 January would make them 26 → after 1 March
        (D(1990, 8, 14), (D(2016, 3, 1),), D(1990, 3, 2)),
        # already 26 on 1 September 2016: 1 January keeps them 26
        (D(1990, 8, 14), (D(2016, 9, 1),), D(1990, 1, 1)),
        # two references in the 50th year before the birthday: after the later one
        (D(1970, 11, 3), (D(2020, 2, 1), D(2020, 6, 30)), D(1970, 7, 1)),
        # a reference on 28 February, born 29 February of a leap year
        (D(1992, 2, 29), (D(2018, 2, 28),), D(1992, 2, 29)),
        # a reference on 29 February (leap 2044), born in a common year: 1 March
        (D(2018, 3, 5), (D(2044, 2, 29),), D(2018, 3, 1)),
        # the reference on the birthday itself: already 26, 1 January is fine
        (D(1990, 8, 14), (D(2016, 8, 14),), D(1990, 1, 1)),
    ],
)
def test_anonymised_birth_date(birth, references, expected):
    anonymised = anonymised_birth_date(birth, references)
    assert anonymised == expected
    assert anonymised.year == birth.year
    assert same_age_bands(birth, anonymised, references)


def test_a_reference_before_the_birth_is_an_error():
    with pytest.raises(ValueError, match="postérieure"):
        anonymised_birth_date(D(2000, 5, 5), [D(1999, 1, 1)])


# -- the fields ----------------------------------------------------------------------

FILE = {
    "last_name": "Exemple-Fictif",
    "first_name": "Camille",
    "birth_date": D(1990, 8, 14),
    "sex": "F",
    "commune": "Givors",
    "postal_code": "69700",
    "qpv": True,
    "qualification_level": "level_3",
    "criteria": ("rsa", "qpv_resident"),
    "modality": "direct_hire",
    "contract_type": "cdd",
    "weekly_hours": Decimal("35.00"),
    "start": D(2026, 3, 2),
    "end": D(2026, 9, 30),
    "exit_situation": "cdi",
    "referent_kind": "france_travail",
    "referent_name": "M. Conseiller Fictif",
    "job_title": "Maçon VRD",
    "reason": "Déménagement de Camille à Lyon",
    "note": None,
}


def test_anonymise_a_file():
    result = anonymise(FILE, reference_dates=[D(2026, 3, 2)])
    assert result == {
        **FILE,
        "last_name": "",
        "first_name": "",
        "birth_date": D(1990, 1, 1),
        "referent_name": "",
        "job_title": "",
        "reason": "",
        "note": None,
    }


def test_the_policy_names_what_goes_and_what_stays():
    assert removed_fields() == {
        "last_name",
        "first_name",
        "birth_date",
        "referent_name",
        "job_title",
        "reason",
        "note",
    }
    assert kept_fields() >= {
        "sex",
        "qualification_level",
        "criteria",
        "commune",
        "qpv",
        "modality",
        "weekly_hours",
    }
    assert kept_fields().isdisjoint(removed_fields())
    assert set(PERSON_FIELDS) == kept_fields() | removed_fields()


def test_an_unclassified_field_is_refused_rather_than_kept():
    with pytest.raises(UnclassifiedField):
        anonymise({**FILE, "nir": "1 90 08 69 123 456"})


def test_a_missing_birth_date_stays_missing_and_a_non_text_blank_becomes_none():
    policy = {"birth_date": Treatment.BIRTH_YEAR, "note": Treatment.BLANK}
    assert anonymise({"birth_date": None, "note": 12}, policy) == {"birth_date": None, "note": None}


# -- properties ----------------------------------------------------------------------

birth_dates = st.dates(min_value=D(1940, 1, 1), max_value=D(2010, 12, 31))


@st.composite
def person_and_references(draw):
    birth = draw(birth_dates)
    references = draw(
        st.lists(
            st.one_of(
                # anywhere in a working life, and near the thresholds on purpose
                st.dates(min_value=birth, max_value=D(2070, 12, 31)),
                st.builds(
                    lambda years, days: min(
                        D(2070, 12, 31), max(birth, _add_years(birth, years) + timedelta(days))
                    ),
                    st.sampled_from([26, 50]),
                    st.integers(min_value=-400, max_value=400),
                ),
            ),
            max_size=6,
        )
    )
    return birth, references


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@given(person_and_references())
def test_anonymising_keeps_the_year_and_every_age_band(case):
    birth, references = case
    anonymised = anonymised_birth_date(birth, references)
    assert anonymised.year == birth.year
    assert anonymised <= birth
    assert same_age_bands(birth, anonymised, references)


people = st.fixed_dictionaries(
    {
        "last_name": st.text(min_size=1, max_size=20),
        "first_name": st.text(min_size=1, max_size=20),
        "birth_date": birth_dates,
        "sex": st.sampled_from(["F", "M"]),
        "commune": st.sampled_from(["Givors", "Grigny", "Brignais"]),
        "postal_code": st.sampled_from(["69700", "69520", "69530"]),
        "qpv": st.booleans(),
        "qualification_level": st.sampled_from(["none", "level_3", "level_4"]),
        "criteria": st.frozensets(st.sampled_from(["rsa", "plie", "disabled_worker"])),
        "modality": st.sampled_from(["direct_hire", "geiq", "temp_insertion"]),
        "contract_type": st.sampled_from(["cdd", "cdi", "cddi"]),
        "weekly_hours": st.decimals(min_value=1, max_value=48, places=2),
        "start": st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)),
        "end": st.none(),
        "exit_situation": st.none(),
        "referent_kind": st.sampled_from(["france_travail", "mission_locale"]),
        "referent_name": st.text(max_size=20),
        "job_title": st.text(max_size=20),
        "reason": st.text(max_size=20),
        "note": st.none() | st.text(max_size=10),
    }
).filter(lambda p: p["start"] >= p["birth_date"])


def aggregates(files):
    """What the reports count: people by sex, age band on the start, qualification,
    criterion, commune, QPV, modality and contract type, and the weekly hours."""
    counts = Counter()
    hours = Decimal(0)
    for f in files:
        counts["sex", f["sex"]] += 1
        counts["age", age_band(f["birth_date"], f["start"])] += 1
        counts["qualification", f["qualification_level"]] += 1
        counts["commune", f["commune"], f["postal_code"]] += 1
        counts["qpv", f["qpv"]] += 1
        counts["modality", f["modality"], f["contract_type"]] += 1
        counts["year", f["birth_date"].year] += 1
        for code in f["criteria"]:
            counts["criterion", code] += 1
        hours += f["weekly_hours"]
    return counts, hours


@given(st.lists(people, max_size=12))
def test_anonymising_keeps_every_aggregate_and_no_name(files):
    anonymised = [anonymise(f, reference_dates=[f["start"]]) for f in files]
    assert aggregates(anonymised) == aggregates(files)
    for before, after in zip(files, anonymised, strict=True):
        assert after["last_name"] == after["first_name"] == after["job_title"] == ""
        assert after["referent_name"] == after["reason"] == ""
        assert (after["birth_date"].month, after["birth_date"].day) <= (
            before["birth_date"].month,
            before["birth_date"].day,
        )


@given(st.lists(people, max_size=6))
def test_anonymising_twice_changes_nothing_more(files):
    once = [anonymise(f, reference_dates=[f["start"]]) for f in files]
    twice = [anonymise(f, reference_dates=[f["start"]]) for f in once]
    assert twice == once
