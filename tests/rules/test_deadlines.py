"""Deadlines: contacts, reminder letters, statements, convention periods, business days
(docs/domain.md §1, 7, 8)."""

from datetime import date, datetime

import pytest

from portal.rules.deadlines import (
    CONVENTION_PERIODS,
    ContactChannel,
    ContactFact,
    ContactOutcome,
    ConventionPeriod,
    add_business_days,
    add_months,
    convention_period_for,
    is_business_day,
    missing_statements,
    notice_end,
    payment_due,
    quote_valid_until,
    reminder_letter_due,
    renewal_of,
    reply_deadline,
    statement_due,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2025, 1, 10), -1, date(2024, 12, 10)),
        (date(2024, 5, 31), 0, date(2024, 5, 31)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


# -- reminder letters ------------------------------------------------------------------------


def contact(day, channel="phone", outcome="not_reached"):
    return ContactFact(date(2026, 3, day), channel, outcome)


@pytest.mark.parametrize(
    ("contacts", "due", "since"),
    [
        ([], False, None),
        ([contact(1), contact(2), contact(3)], False, None),  # nothing written
        ([contact(1), contact(2, "email")], False, None),  # only two
        ([contact(1), contact(2), contact(3, "email")], True, date(2026, 3, 3)),
        ([contact(1, "letter"), contact(5), contact(9)], True, date(2026, 3, 9)),
        ([contact(1, "email"), contact(2), contact(3), contact(4)], True, date(2026, 3, 3)),
        # a meeting the company missed is unsuccessful but not written
        ([contact(1, "meeting"), contact(2), contact(3, "meeting")], False, None),
        # decision: a refusal counts as unsuccessful
        ([contact(1, "phone", "refusal"), contact(2, "email"), contact(3)], True, date(2026, 3, 3)),
        # a successful contact resets the count
        ([contact(1, "email"), contact(2), contact(3, "phone", "reached")], False, None),
        (
            [contact(1, "email"), contact(2, "phone", "reached"), contact(3), contact(4)],
            False,
            None,
        ),
        (
            [contact(1, "phone", "reached"), contact(2, "letter"), contact(3), contact(4)],
            True,
            date(2026, 3, 4),
        ),
        # input order does not matter: contacts are taken by date
        ([contact(9, "email"), contact(2), contact(5)], True, date(2026, 3, 9)),
    ],
)
def test_reminder_letter_due(contacts, due, since):
    check = reminder_letter_due(contacts)
    assert (check.due, check.since) == (due, since)


def test_reminder_letter_check_reports_counts_since_last_success():
    check = reminder_letter_due(
        [contact(1, "phone", "reached"), contact(2, "letter"), contact(3), contact(4)]
    )
    assert (check.unsuccessful, check.written, check.counted_from) == (3, 1, date(2026, 3, 1))


def test_contact_fact_normalises_and_checks_its_values():
    fact = ContactFact(date(2026, 3, 1), "email", "refusal")
    assert fact.channel is ContactChannel.EMAIL and fact.outcome is ContactOutcome.REFUSAL
    assert fact.channel.label == "Courriel" and fact.outcome.label == "Refus"
    with pytest.raises(ValueError):
        ContactFact(date(2026, 3, 1), "fax", "reached")
    with pytest.raises(ValueError):
        ContactFact(date(2026, 3, 1), "phone", "maybe")
    with pytest.raises(ValueError):
        ContactFact(datetime(2026, 3, 1, 9, 30), "phone", "reached")


@pytest.mark.parametrize(
    ("sent_on", "deadline"),
    [
        (date(2026, 2, 20), date(2026, 3, 6)),
        (date(2024, 2, 20), date(2024, 3, 5)),
        (date(2024, 12, 24), date(2025, 1, 7)),
    ],
)
def test_reply_deadline_is_two_weeks(sent_on, deadline):
    assert reply_deadline(sent_on) == deadline


# -- statements ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "day_of_month", "due"),
    [
        (date(2024, 1, 1), 10, date(2024, 2, 10)),
        (date(2024, 12, 1), 10, date(2025, 1, 10)),
        (date(2024, 5, 31), 10, date(2024, 6, 10)),
        (date(2024, 10, 1), 10, date(2024, 11, 10)),  # a Sunday: not moved
        (date(2024, 1, 1), 31, date(2024, 2, 29)),
        (date(2023, 1, 1), 31, date(2023, 2, 28)),
        (date(2024, 3, 1), 31, date(2024, 4, 30)),
        (date(2024, 3, 1), 1, date(2024, 4, 1)),
    ],
)
def test_statement_due(month, day_of_month, due):
    assert statement_due(month, day_of_month) == due


def test_statement_due_defaults_to_the_tenth():
    assert statement_due(date(2026, 11, 1)) == date(2026, 12, 10)


@pytest.mark.parametrize("day_of_month", [0, 32, -1, True, "10"])
def test_statement_due_refuses_bad_day(day_of_month):
    with pytest.raises(ValueError):
        statement_due(date(2024, 1, 1), day_of_month)


JAN, FEB, MAR = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)
EXPECTED = [(2, 10, JAN), (1, 10, FEB), (1, 10, JAN), (1, 11, JAN), (1, 10, JAN), (1, 10, MAR)]


@pytest.mark.parametrize(
    ("today", "received", "late"),
    [
        (date(2024, 2, 10), set(), []),  # due on the 10th: not late yet
        (date(2024, 2, 11), set(), [(1, 10, JAN), (1, 11, JAN), (2, 10, JAN)]),
        (date(2024, 2, 11), {(1, 10, JAN)}, [(1, 11, JAN), (2, 10, JAN)]),
        (date(2024, 2, 11), {(1, 10, date(2024, 1, 25))}, [(1, 11, JAN), (2, 10, JAN)]),
        (
            date(2024, 3, 11),
            {(2, 10, JAN), (1, 11, JAN)},
            [(1, 10, JAN), (1, 10, FEB)],
        ),
    ],
)
def test_missing_statements(today, received, late):
    assert missing_statements(EXPECTED, received, today) == late


def test_missing_statements_with_another_due_day():
    assert missing_statements([(1, 1, JAN)], set(), date(2024, 2, 6), day_of_month=5) == [
        (1, 1, JAN)
    ]
    assert missing_statements([(1, 1, JAN)], set(), date(2024, 2, 6)) == []


# -- convention periods ----------------------------------------------------------------------

RENEWAL = renewal_of(
    CONVENTION_PERIODS[0], code="renewal_2025", label="Renouvellement", amendment="Avenant n° 1"
)


def test_renewal_is_an_equivalent_period():
    assert (RENEWAL.start, RENEWAL.end, RENEWAL.amendment) == (
        date(2025, 1, 1),
        date(2027, 12, 31),
        "Avenant n° 1",
    )
    odd = ConventionPeriod("odd", "Odd", date(2022, 1, 15), date(2022, 2, 20))
    with pytest.raises(ValueError):
        renewal_of(odd, code="x", label="x", amendment="x")


@pytest.mark.parametrize(
    ("day", "periods", "expected"),
    [
        (date(2021, 12, 31), CONVENTION_PERIODS, None),
        (date(2022, 1, 1), CONVENTION_PERIODS, "convention_2022"),
        (date(2024, 2, 29), CONVENTION_PERIODS, "convention_2022"),
        (date(2024, 12, 31), CONVENTION_PERIODS, "convention_2022"),
        (date(2025, 1, 1), CONVENTION_PERIODS, None),
        (date(2025, 1, 1), (*CONVENTION_PERIODS, RENEWAL), "renewal_2025"),
        (date(2024, 12, 31), (*CONVENTION_PERIODS, RENEWAL), "convention_2022"),
        (date(2028, 1, 1), (*CONVENTION_PERIODS, RENEWAL), None),
    ],
)
def test_convention_period_for(day, periods, expected):
    period = convention_period_for(day, periods)
    assert (period.code if period else None) == expected


def test_overlapping_amendment_period_wins():
    extension = ConventionPeriod("ext", "Extension", date(2024, 7, 1), date(2025, 6, 30), "Av. 2")
    assert convention_period_for(date(2024, 8, 1), (*CONVENTION_PERIODS, extension)) is extension
    assert convention_period_for(date(2024, 6, 30), (extension, *CONVENTION_PERIODS)).code == (
        "convention_2022"
    )
    with pytest.raises(ValueError):
        ConventionPeriod("bad", "Bad", date(2025, 1, 1), date(2024, 1, 1))


@pytest.mark.parametrize(
    ("given_on", "end"),
    [
        (date(2024, 1, 15), date(2024, 4, 15)),
        (date(2023, 11, 30), date(2024, 2, 29)),
        (date(2024, 11, 30), date(2025, 2, 28)),
        (date(2024, 10, 31), date(2025, 1, 31)),
        (date(2024, 12, 31), date(2025, 3, 31)),
    ],
)
def test_notice_end_is_three_months_later(given_on, end):
    assert notice_end(given_on) == end


# -- business days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 7, 13), 1, date(2026, 7, 15)),  # Tuesday 14 juillet
        (date(2026, 7, 10), 1, date(2026, 7, 13)),  # Friday -> Monday
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # Ascension, Thursday 14 May 2026
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # weekend + Pentecost Monday 25 May 2026
        (date(2026, 4, 3), 1, date(2026, 4, 7)),  # Easter Monday 6 April 2026
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # Christmas on a Friday
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day on a Friday
        (date(2026, 7, 13), 5, date(2026, 7, 21)),
        (date(2026, 7, 15), -1, date(2026, 7, 13)),
        (date(2026, 5, 26), -1, date(2026, 5, 22)),
        (date(2026, 7, 18), 0, date(2026, 7, 18)),  # n = 0 leaves even a Saturday alone
        (date(2024, 2, 28), 1, date(2024, 2, 29)),  # leap day is an ordinary Thursday
        (date(2026, 4, 30), 3, date(2026, 5, 6)),  # 1 and 8 May are holidays
    ],
)
def test_add_business_days(day, n, expected):
    assert add_business_days(day, n) == expected


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2026, 7, 14), False),
        (date(2026, 5, 14), False),
        (date(2026, 5, 25), False),
        (date(2026, 11, 11), False),
        (date(2026, 8, 15), False),
        (date(2026, 7, 18), False),  # Saturday
        (date(2026, 7, 16), True),
        # metropolitan France: Good Friday and St Stephen are Alsace-Moselle only
        (date(2026, 4, 3), True),
        (date(2025, 12, 26), True),
    ],
)
def test_is_business_day(day, business):
    assert is_business_day(day) is business


@pytest.mark.parametrize("bad", [datetime(2026, 7, 13, 8), "2026-07-13"])
def test_dates_must_be_dates(bad):
    with pytest.raises(ValueError):
        add_business_days(bad, 1)
    with pytest.raises(ValueError):
        reply_deadline(bad)


def test_add_business_days_refuses_non_integer_count():
    with pytest.raises(ValueError):
        add_business_days(date(2026, 7, 13), 1.5)


# -- Termination (art. 6) -------------------------------------------------------------------


def test_a_termination_ends_the_periods_the_day_before_it_takes_effect():
    from portal.rules.deadlines import ConventionPeriod, notice_end, periods_after_termination

    periods = [
        ConventionPeriod("c", "Convention", date(2022, 1, 1), date(2024, 12, 31)),
        ConventionPeriod("a1", "Avenant 1", date(2025, 1, 1), date(2027, 12, 31), "Avenant n°1"),
        ConventionPeriod("a2", "Avenant 2", date(2028, 1, 1), date(2030, 12, 31), "Avenant n°2"),
    ]
    effective = notice_end(date(2026, 11, 30))  # 3 months' notice
    assert effective == date(2027, 2, 28)
    kept = periods_after_termination(periods, effective)
    assert [(p.code, p.start, p.end) for p in kept] == [
        ("c", date(2022, 1, 1), date(2024, 12, 31)),
        ("a1", date(2025, 1, 1), date(2027, 2, 27)),
    ]
    assert kept[1].amendment == "Avenant n°1"
    assert periods_after_termination(periods, None) == periods


# -- quotes and invoices ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        (date(2026, 12, 2), date(2027, 1, 1)),  # across the year
        (date(2026, 2, 1), date(2026, 3, 3)),  # February has 28 days
        (date(2028, 2, 1), date(2028, 3, 2)),  # leap year
    ],
)
def test_invoices_are_due_30_days_after_issue(issued, expected):
    assert payment_due(issued) == expected


def test_payment_period_is_a_parameter():
    assert payment_due(date(2026, 12, 2), 45) == date(2027, 1, 16)
    for bad in (-1, True, 1.5):
        with pytest.raises(ValueError):
            payment_due(date(2026, 12, 2), bad)
    with pytest.raises(ValueError):
        payment_due(datetime(2026, 12, 2, 10, 0))


@pytest.mark.parametrize(
    ("quote_date", "expected"),
    [
        (date(2026, 11, 25), date(2027, 2, 24)),
        (date(2026, 11, 30), date(2027, 2, 27)),  # 30 February does not exist
        (date(2024, 6, 3), date(2024, 9, 2)),
    ],
)
def test_quotes_are_valid_three_months(quote_date, expected):
    assert quote_valid_until(quote_date) == expected
