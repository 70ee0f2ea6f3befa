"""Dates and deadlines: follow-up contacts, reminder letters, monthly statements, convention
periods and business days (docs/domain.md §1, §7 and §8).

No clock here: `today` and `on` are always parameters.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

STATEMENT_DUE_DAY = 10
"""Statements are due by the 10th of the following month (default, configurable; docs/domain.md §7)."""
UNSUCCESSFUL_CONTACTS_REQUIRED = 3
"""Unsuccessful contacts before a reminder letter (convention annex 1; docs/domain.md §8)."""
WRITTEN_CONTACTS_REQUIRED = 1
"""Of which at least one written (convention annex 1; docs/domain.md §8)."""
REPLY_DELAY_DAYS = 14
"""The reminder letter gives the company 2 weeks to get in touch (docs/domain.md §8)."""
NOTICE_MONTHS = 3
"""Notice for terminating the convention on a breach (convention; docs/domain.md §1)."""
PAYMENT_PERIOD_DAYS = 30
"""Global payment period of a local authority (the CCVG): 30 days (Code de la commande
publique, art. R2192-10); default, configurable."""
QUOTE_VALIDITY_MONTHS = 3
"""An AMOI quote is open to acceptance for 3 months from its date (the convention sets no
validity: default, configurable)."""


def _check_date(day: date, name: str) -> date:
    # A datetime is a date subclass but never equals a date: refuse it rather than miss a
    # holiday or a due date silently.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError(f"{name} : date attendue, pas {type(day).__name__}.")
    return day


def first_of_month(day: date) -> date:
    """The first day of `day`'s month: months are keyed by their first day (docs/domain.md §7)."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """Same day number `months` later (or earlier), clamped to the end of a shorter month:
    31/01 + 1 month = 28/02 (29/02 in a leap year). Calendar convention used by every
    month-based rule here (notice, proof age, eligibility length)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


# -- Follow-up with a titulaire (docs/domain.md §8) -------------------------------------------------


class ContactChannel(enum.StrEnum):
    """Channel of a follow-up contact (docs/domain.md §8); e-mail and letter are written."""

    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        """French label."""
        return CONTACT_CHANNEL_LABELS[self]


CONTACT_CHANNEL_LABELS = {
    ContactChannel.PHONE: "Téléphone",
    ContactChannel.EMAIL: "Courriel",
    ContactChannel.LETTER: "Courrier",
    ContactChannel.MEETING: "Rendez-vous",
}
WRITTEN_CHANNELS = frozenset({ContactChannel.EMAIL, ContactChannel.LETTER})


class ContactOutcome(enum.StrEnum):
    """Outcome of a follow-up contact (docs/domain.md §8)."""

    REACHED = "reached"
    NOT_REACHED = "not_reached"
    REFUSAL = "refusal"
    COMMITMENT = "commitment"

    @property
    def label(self) -> str:
        """French label."""
        return CONTACT_OUTCOME_LABELS[self]


CONTACT_OUTCOME_LABELS = {
    ContactOutcome.REACHED: "Joint",
    ContactOutcome.NOT_REACHED: "Non joint",
    ContactOutcome.REFUSAL: "Refus",
    ContactOutcome.COMMITMENT: "Engagement pris",
}
SUCCESSFUL_OUTCOMES = frozenset({ContactOutcome.REACHED, ContactOutcome.COMMITMENT})
"""The company was reached (and possibly committed itself): the count starts again."""


@dataclass(frozen=True)
class ContactFact:
    """One logged contact with a titulaire: day, channel, outcome (docs/domain.md §8).
    ``written`` None: written when the channel is (e-mail, letter); True or False when the
    AMOI said so (a meeting confirmed in writing, an e-mail that bounced)."""

    day: date
    channel: ContactChannel
    outcome: ContactOutcome
    written: bool | None = None

    @property
    def is_written(self) -> bool:
        """Counts as a written contact for the reminder letter (docs/domain.md §8)."""
        return self.channel in WRITTEN_CHANNELS if self.written is None else self.written

    def __post_init__(self) -> None:
        _check_date(self.day, "Date du contact")
        object.__setattr__(self, "channel", ContactChannel(self.channel))
        object.__setattr__(self, "outcome", ContactOutcome(self.outcome))


@dataclass(frozen=True)
class ReminderLetterCheck:
    """Whether a reminder letter may be sent (`due`), and `since` which day: the day of the
    contact that completed the condition. Counts are those since `counted_from`, the day of
    the last successful contact (None: since the first contact) (docs/domain.md §8)."""

    due: bool
    since: date | None
    unsuccessful: int = 0
    written: int = 0
    counted_from: date | None = None


def reminder_letter_due(contacts: Iterable[ContactFact]) -> ReminderLetterCheck:
    """After 3 unsuccessful contacts, at least one of them written (e-mail or letter), the
    AMOI may, with the buyer's agreement, send a reminder letter (convention annex 1;
    docs/domain.md §8). Contacts are counted since the last one that reached the company.
    Decision: a *refusal* counts as unsuccessful (the company was reached but did not
    cooperate, which is what the escalation is for) and does not reset the count; only
    *reached* (or *commitment*, reached and committed) does. Contacts of the same day keep
    the order given."""
    unsuccessful = written = 0
    since: date | None = None
    counted_from: date | None = None
    for contact in sorted(contacts, key=lambda fact: fact.day):
        if contact.outcome in SUCCESSFUL_OUTCOMES:
            unsuccessful = written = 0
            since = None
            counted_from = contact.day
            continue
        unsuccessful += 1
        written += contact.is_written
        enough = unsuccessful >= UNSUCCESSFUL_CONTACTS_REQUIRED
        if since is None and enough and written >= WRITTEN_CONTACTS_REQUIRED:
            since = contact.day
    return ReminderLetterCheck(since is not None, since, unsuccessful, written, counted_from)


def reply_deadline(sent_on: date) -> date:
    """The reminder letter gives the company 2 weeks (14 calendar days) from the day it is
    sent; after that, no answer or a refusal leads to a formal notice (docs/domain.md §8-8.3)."""
    return _check_date(sent_on, "Date d'envoi") + timedelta(days=REPLY_DELAY_DAYS)


# -- Monthly hour statements (docs/domain.md §7) ----------------------------------------------------


def statement_due(month: date, day_of_month: int = STATEMENT_DUE_DAY) -> date:
    """Due date of the statement of `month` (any day of it): the `day_of_month` of the
    following month, clamped to that month's end; calendar days, not moved off weekends
    (default 10, configurable; docs/domain.md §7)."""
    _check_date(month, "Mois")
    if isinstance(day_of_month, bool) or not isinstance(day_of_month, int):
        raise ValueError(f"Jour d'échéance invalide : {day_of_month!r}.")
    if not 1 <= day_of_month <= 31:
        raise ValueError("Le jour d'échéance doit être compris entre 1 et 31.")
    following = add_months(first_of_month(month), 1)
    last_day = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(day_of_month, last_day))


def missing_statements(
    expected: Iterable[tuple[Hashable, Hashable, date]],
    received: Iterable[tuple[Hashable, Hashable, date]],
    today: date,
    day_of_month: int = STATEMENT_DUE_DAY,
) -> list[tuple[Hashable, Hashable, date]]:
    """Late statements: the expected (organisation, lot, month) whose due date is before
    `today` (late from the day after it) and that were not received; months are compared by
    their first day; sorted, without duplicates. Feeds the monthly reminder (docs/domain.md §7)."""
    _check_date(today, "Date du jour")
    got = {(org, lot, first_of_month(month)) for org, lot, month in received}
    late = {
        (org, lot, first_of_month(month))
        for org, lot, month in expected
        if statement_due(month, day_of_month) < today
    }
    return sorted(late - got)


# -- Convention periods (docs/domain.md §1) ---------------------------------------------------------


@dataclass(frozen=True)
class ConventionPeriod:
    """A period during which the framework convention is in force, from `start` to `end`
    included; renewals and extensions come by *avenant* (`amendment`) (docs/domain.md §1)."""

    code: str
    label: str
    start: date
    end: date
    amendment: str | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("La fin de la période précède son début.")

    def covers(self, day: date) -> bool:
        """True when `day` falls in the period, bounds included."""
        return self.start <= day <= self.end


CONVENTION_PERIODS: tuple[ConventionPeriod, ...] = (
    ConventionPeriod(
        "convention_2022",
        "Convention cadre de coopération 2022-2024",
        date(2022, 1, 1),
        date(2024, 12, 31),
    ),
)
"""The convention is effective 01/01/2022 for 3 years; an avenant adds a period (docs/domain.md §1)."""


def convention_period_for(
    day: date, periods: Iterable[ConventionPeriod]
) -> ConventionPeriod | None:
    """The convention period covering `day`, or None when none does: a quote dated outside
    every period is then refused by the caller with a clear message. When periods overlap
    (an avenant amending a running period), the latest start wins (docs/domain.md §1)."""
    _check_date(day, "Date")
    covering = [period for period in periods if period.covers(day)]
    return max(covering, key=lambda period: period.start) if covering else None


def periods_after_termination(
    periods: Iterable[ConventionPeriod], effective_on: date | None
) -> list[ConventionPeriod]:
    """The periods once a termination takes effect on `effective_on` (see `notice_end`):
    the convention covers days up to the day before, so a period starting on or after it
    disappears and one running over it ends the day before. None leaves them as they are
    (convention art. 6: either party may terminate on a breach with 3 months' notice;
    docs/domain.md §1)."""
    periods = list(periods)
    if effective_on is None:
        return periods
    _check_date(effective_on, "Date d'effet de la résiliation")
    last_day = effective_on - timedelta(days=1)
    kept = []
    for period in periods:
        if period.start > last_day:
            continue
        if period.end > last_day:
            period = ConventionPeriod(
                period.code, period.label, period.start, last_day, period.amendment
            )
        kept.append(period)
    return kept


def renewal_of(
    period: ConventionPeriod, *, code: str, label: str, amendment: str
) -> ConventionPeriod:
    """The period that follows `period` for an equivalent length (whole months), as renewed
    by an avenant: the convention is renewed only this way (docs/domain.md §1)."""
    after_end = period.end + timedelta(days=1)
    months = (after_end.year - period.start.year) * 12 + after_end.month - period.start.month
    if add_months(period.start, months) != after_end:
        raise ValueError("La période ne couvre pas un nombre entier de mois.")
    end = add_months(after_end, months) - timedelta(days=1)
    return ConventionPeriod(code, label, after_end, end, amendment)


def notice_end(given_on: date) -> date:
    """The day a termination for breach takes effect: 3 months after the notice is given
    (same day number, clamped to the month's end) (convention art. 6; docs/domain.md §1)."""
    return add_months(_check_date(given_on, "Date du préavis"), NOTICE_MONTHS)


# -- Quotes and invoices (docs/domain.md §4.3) --------------------------------------------------------


def payment_due(issued_on: date, period_days: int = PAYMENT_PERIOD_DAYS) -> date:
    """The due date printed on an invoice: `period_days` calendar days after its issue.
    The legal period runs from the day the buyer receives the invoice (CCP art. R2192-12):
    the printed date assumes it is deposited on Chorus Pro the day it is issued, and the
    payment-terms mention says the period runs from receipt (default 30 days,
    configurable; CCP art. R2192-10)."""
    _check_date(issued_on, "Date de la facture")
    if isinstance(period_days, bool) or not isinstance(period_days, int) or period_days < 0:
        raise ValueError(f"Délai de paiement invalide : {period_days!r}.")
    return issued_on + timedelta(days=period_days)


def quote_valid_until(quote_date: date, months: int = QUOTE_VALIDITY_MONTHS) -> date:
    """The last day a quote may be accepted: `months` months after its date, the day
    before the same day number (a quote of 25/11/2026 is valid until 24/02/2027)
    (default 3 months, configurable)."""
    _check_date(quote_date, "Date du devis")
    return add_months(quote_date, months) - timedelta(days=1)


# -- Business days (French public holidays) ---------------------------------------------------


@lru_cache(maxsize=32)
def _french_holidays(year: int) -> frozenset[date]:
    # Metropolitan France only (no subdivision): Alsace-Moselle's extra days are not used.
    return frozenset(holidays.country_holidays("FR", years=year))


def is_business_day(day: date) -> bool:
    """Monday to Friday and not a French public holiday: metropolitan France (no Alsace-Moselle
    extras), package `holidays`; Pentecost Monday counts as a holiday (docs/architecture.md §6)."""
    _check_date(day, "Date")
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def add_business_days(day: date, n: int) -> date:
    """The date `n` business days after `day` (before it when `n` is negative), skipping
    weekends and French public holidays; `n` = 0 returns `day` unchanged (docs/architecture.md §6)."""
    _check_date(day, "Date")
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"Nombre de jours ouvrés invalide : {n!r}.")
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_business_day(day):
            remaining -= 1
    return day
