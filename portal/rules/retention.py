"""How long a person's identity is kept, and what anonymising it keeps (docs/domain.md §5,
docs/gdpr-record.md).

GDPR art. 5-1-e (storage limitation): the identity of a person proposed on a lot is kept as
long as the AMOI needs it to follow the clause and answer the buyers' and the
convention's checks, then the record is anonymised, never deleted, so that every report
keeps its figures. The length is a **default, configurable** (``PEOPLE_RETENTION_YEARS``):
three years after the last placement ends (the reports of the convention's last year and
its controls), or after the last candidacy for someone never hired.

Anonymising keeps what the reports count — sex, birth year and age band, qualification
level, criteria codes, commune, postal code, QPV, modality, contract type, dates and hours
— and removes names, the birth day and month, and every free text (job title, the
référent's name, reasons written by hand), which may name or describe the person.

Pure functions: no database, no clock; the day is a parameter.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from portal.rules.deadlines import add_months
from portal.rules.reporting import age_band

RETENTION_YEARS = 3
"""Identity kept 3 years after the last placement ends (or the last candidacy when the
person was never hired), then anonymised (default, configurable: ``PEOPLE_RETENTION_YEARS``;
GDPR art. 5-1-e; docs/gdpr-record.md)."""


@dataclass(frozen=True)
class PersonDates:
    """The dates that decide how long a person's identity is kept.

    ``placement_ends``: one entry per placement, its actual end (or planned end once the
    placement is over), ``None`` for a placement still running: the identity is then kept,
    whatever the other dates. ``activity``: the other dates of the file (candidacies
    proposed, decisions taken, exit situations recorded) (docs/gdpr-record.md).
    """

    placement_ends: tuple[date | None, ...] = ()
    activity: tuple[date, ...] = ()


def last_activity(dates: PersonDates) -> date | None:
    """The day the retention period starts: the latest of the placement ends and the other
    dates; ``None`` while a placement is running or when there is no date at all
    (docs/gdpr-record.md, « Durées de conservation »)."""
    if any(end is None for end in dates.placement_ends):
        return None
    known = [*dates.placement_ends, *dates.activity]
    return max(known) if known else None  # type: ignore[type-var]


def identity_kept_until(dates: PersonDates, years: int = RETENTION_YEARS) -> date | None:
    """The last day the identity is kept: ``years`` after :func:`last_activity` (the same
    day, clamped to the month's end: 29/02 + 3 years = 28/02); ``None`` while it must be
    kept (a running placement). Default 3 years, configurable (GDPR art. 5-1-e)."""
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ValueError("La durée de conservation est un nombre entier d'années, au moins 1.")
    start = last_activity(dates)
    return None if start is None else add_months(start, 12 * years)


def identity_expired(dates: PersonDates, today: date, years: int = RETENTION_YEARS) -> bool:
    """True when the identity must be anonymised on ``today``: the day after the last day
    it is kept (GDPR art. 5-1-e; default 3 years, configurable)."""
    until = identity_kept_until(dates, years)
    return until is not None and today > until


# -- What anonymising does to each field ----------------------------------------------------


class Treatment(enum.StrEnum):
    """What anonymising does to one field (docs/gdpr-record.md, « Anonymisation »)."""

    KEEP = "keep"  # counted by the reports: kept as it is
    BLANK = "blank"  # names and free text: emptied
    BIRTH_YEAR = "birth_year"  # a birth date: its day and month replaced (see below)


PERSON_FIELDS: Mapping[str, Treatment] = {
    # identity: removed
    "last_name": Treatment.BLANK,
    "first_name": Treatment.BLANK,
    "birth_date": Treatment.BIRTH_YEAR,
    # the typology the reports count: kept
    "sex": Treatment.KEEP,
    "commune": Treatment.KEEP,
    "postal_code": Treatment.KEEP,
    "qpv": Treatment.KEEP,
    "qualification_level": Treatment.KEEP,
    "criteria": Treatment.KEEP,
    # the pathway: kept, except free text
    "modality": Treatment.KEEP,
    "contract_type": Treatment.KEEP,
    "weekly_hours": Treatment.KEEP,
    "start": Treatment.KEEP,
    "end": Treatment.KEEP,
    "exit_situation": Treatment.KEEP,
    "referent_kind": Treatment.KEEP,
    "referent_name": Treatment.BLANK,
    "job_title": Treatment.BLANK,
    "reason": Treatment.BLANK,
    "note": Treatment.BLANK,
}
"""The fields of a person's file in the issue's vocabulary (docs/domain.md §5 and §6) and
what anonymising does to each: names, birth day and month, and free text go; what the
reports count stays (GDPR art. 5-1-e and recital 26: anonymised data is no longer personal
data)."""


class UnclassifiedField(KeyError):
    """A field nobody said whether anonymising keeps or removes: a new column must be
    classified before it can hold personal data (GDPR art. 25, docs/gdpr-record.md)."""


def anonymised_birth_date(birth_date: date, reference_dates: Iterable[date] = ()) -> date:
    """A birth date without its day and month: the first day of the birth year that puts
    the person in the same age band on every reference date (``rules.reporting.age_band``:
    under 26, 26–49, 50 and over), so that every report by age band keeps its figures.

    Usually 1 January; when a reference date falls in the year of the 26th or the 50th
    birthday, before that birthday, the day after that reference date (in the birth year),
    which says no more than « born after that day of the year ». The real day and month
    cannot be recovered from it (GDPR recital 26; bands: docs/domain.md §5). ValueError if a reference date is
    before the birth date (as ``age_band``).
    """
    lower: tuple[int, int] | None = None  # the birthday falls strictly after this (month, day)
    for on in reference_dates:
        if on < birth_date:
            raise ValueError("La date de naissance est postérieure à la date de référence.")
        if on.year - birth_date.year not in (26, 50):
            continue  # the band does not depend on the day in the year
        if (on.month, on.day) < (birth_date.month, birth_date.day):
            lower = max(lower, (on.month, on.day)) if lower else (on.month, on.day)
    if lower is None:
        return date(birth_date.year, 1, 1)
    month, day = lower
    if (month, day) == (2, 29) and not _leap(birth_date.year):
        return date(birth_date.year, 3, 1)
    return date(birth_date.year, month, day) + timedelta(days=1)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def anonymise(
    values: Mapping[str, object],
    policy: Mapping[str, Treatment] = PERSON_FIELDS,
    reference_dates: Iterable[date] = (),
) -> dict[str, object]:
    """The values of a record once anonymised, by field name: kept fields as they are,
    blanked ones empty (``""`` for text, ``None`` for anything else), a birth date
    by :func:`anonymised_birth_date` on ``reference_dates`` (the placements' starts).
    Every field must be in ``policy``: an unknown one raises :class:`UnclassifiedField`
    rather than be kept by mistake (GDPR art. 25, data protection by default)."""
    references = tuple(reference_dates)
    result: dict[str, object] = {}
    for name, value in values.items():
        if name not in policy:
            raise UnclassifiedField(name)
        treatment = policy[name]
        if treatment is Treatment.KEEP:
            result[name] = value
        elif treatment is Treatment.BLANK:
            result[name] = "" if isinstance(value, str) else None
        elif isinstance(value, date):
            result[name] = anonymised_birth_date(value, references)
        else:
            result[name] = value  # no birth date recorded: nothing to remove
    return result


def kept_fields(policy: Mapping[str, Treatment] = PERSON_FIELDS) -> frozenset[str]:
    """The fields anonymising keeps as they are (docs/gdpr-record.md)."""
    return frozenset(name for name, t in policy.items() if t is Treatment.KEEP)


def removed_fields(policy: Mapping[str, Treatment] = PERSON_FIELDS) -> frozenset[str]:
    """The fields anonymising empties or truncates (docs/gdpr-record.md)."""
    return frozenset(name for name, t in policy.items() if t is not Treatment.KEEP)


def same_age_bands(birth_date: date, anonymised: date, reference_dates: Iterable[date]) -> bool:
    """True when both birth dates give the same age band on every reference date
    (``rules.reporting.age_band``, docs/domain.md §5; the property
    :func:`anonymised_birth_date` keeps)."""
    return all(age_band(birth_date, on) == age_band(anonymised, on) for on in reference_dates)
