"""Report indicators: age bands, exit categories, dynamic exit rate, hours and ETP, and
tallies over plain rows (docs/domain.md §5, §6 and §9).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.rules.hours import DEFAULT_FTE_DIVISOR, fte

RATE_PLACES = Decimal("0.0001")


class AgeBand(enum.StrEnum):
    """Age bands of the people typology: under 26, 26 to 49, 50 and over (docs/domain.md §5)."""

    UNDER_26 = "under_26"
    FROM_26_TO_49 = "26_49"
    FROM_50 = "50_plus"

    @property
    def label(self) -> str:
        """French label."""
        return AGE_BAND_LABELS[self]


AGE_BAND_LABELS = {
    AgeBand.UNDER_26: "Moins de 26 ans",
    AgeBand.FROM_26_TO_49: "26 à 49 ans",
    AgeBand.FROM_50: "50 ans et plus",
}

QUALIFICATION_LEVELS = {
    "none": "Sans qualification ou infra 3",
    "level_3": "Niveau 3 (CAP, BEP)",
    "level_4": "Niveau 4 (bac)",
    "level_5": "Niveau 5 (bac+2)",
    "level_6_plus": "Niveau 6 et plus",
}
"""Qualification levels of the people typology, code → French label (docs/domain.md §5)."""


def age_in_years(birth_date: date, on: date) -> int:
    """Completed years on `on`; someone born on 29 February gets a year older on 1 March in
    common years. ValueError when `birth_date` is after `on` (age bands, docs/domain.md §5)."""
    if birth_date > on:
        raise ValueError("La date de naissance est postérieure à la date de référence.")
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


def age_band(birth_date: date, on: date) -> AgeBand:
    """Age band on `on` (usually the entry date): < 26, 26–49, 50 and over (docs/domain.md §5;
    the same thresholds as the criteria "young under 26" and "jobseeker 50 and over")."""
    age = age_in_years(birth_date, on)
    if age < 26:
        return AgeBand.UNDER_26
    return AgeBand.FROM_26_TO_49 if age < 50 else AgeBand.FROM_50


class ExitKind(enum.StrEnum):
    """The person's situation after the contract, as recorded at the end and at +6 months
    (docs/domain.md §6)."""

    CDI = "cdi"
    CDD = "cdd"
    TEMP_MISSION = "temp_mission"
    CIVIL_SERVICE = "civil_service"
    BUSINESS_CREATION = "business_creation"
    SUBSIDISED_CONTRACT = "subsidised_contract"
    QUALIFYING_TRAINING = "qualifying_training"
    SIAE_HIRE = "siae_hire"
    JOB_SEEKING = "job_seeking"
    INACTIVE = "inactive"
    NO_NEWS = "no_news"
    MOVED = "moved"
    LONG_ILLNESS = "long_illness"
    DEATH = "death"

    @property
    def label(self) -> str:
        """French label."""
        return EXIT_KIND_LABELS[self]


EXIT_KIND_LABELS = {
    ExitKind.CDI: "CDI",
    ExitKind.CDD: "CDD",
    ExitKind.TEMP_MISSION: "Mission d'intérim",
    ExitKind.CIVIL_SERVICE: "Emploi dans la fonction publique",
    ExitKind.BUSINESS_CREATION: "Création d'entreprise",
    ExitKind.SUBSIDISED_CONTRACT: "Contrat aidé chez un employeur de droit commun",
    ExitKind.QUALIFYING_TRAINING: "Formation qualifiante",
    ExitKind.SIAE_HIRE: "Embauche dans une autre SIAE",
    ExitKind.JOB_SEEKING: "Recherche d'emploi",
    ExitKind.INACTIVE: "Inactivité",
    ExitKind.NO_NEWS: "Sans nouvelles",
    ExitKind.MOVED: "Déménagement",
    ExitKind.LONG_ILLNESS: "Maladie longue",
    ExitKind.DEATH: "Décès",
}

TIMED_EXIT_KINDS = frozenset({ExitKind.CDD, ExitKind.TEMP_MISSION})
"""Kinds whose category depends on the contract's length (docs/domain.md §6)."""
DURABLE_MIN_MONTHS = 6
"""A CDD or temp mission of 6 months or more is durable employment (docs/domain.md §6; DGEFP
definition of IAE exits: "6 mois et plus")."""


class ExitCategory(enum.StrEnum):
    """Exit categories of the reports (docs/domain.md §6)."""

    DURABLE = "durable"
    TRANSITION = "transition"
    POSITIVE = "positive"
    OTHER = "other"
    NEUTRALISED = "neutralised"

    @property
    def label(self) -> str:
        """French label."""
        return EXIT_CATEGORY_LABELS[self]


EXIT_CATEGORY_LABELS = {
    ExitCategory.DURABLE: "Emploi durable",
    ExitCategory.TRANSITION: "Emploi de transition",
    ExitCategory.POSITIVE: "Sortie positive",
    ExitCategory.OTHER: "Autre sortie",
    ExitCategory.NEUTRALISED: "Sortie neutralisée",
}

DYNAMIC_CATEGORIES = frozenset(
    {ExitCategory.DURABLE, ExitCategory.TRANSITION, ExitCategory.POSITIVE}
)
"""*Sorties dynamiques* = durable + transition + positive (docs/domain.md §6)."""

_FIXED_CATEGORIES = {
    ExitKind.CDI: ExitCategory.DURABLE,
    ExitKind.CIVIL_SERVICE: ExitCategory.DURABLE,
    ExitKind.BUSINESS_CREATION: ExitCategory.DURABLE,
    ExitKind.SUBSIDISED_CONTRACT: ExitCategory.TRANSITION,
    ExitKind.QUALIFYING_TRAINING: ExitCategory.POSITIVE,
    ExitKind.SIAE_HIRE: ExitCategory.POSITIVE,
    ExitKind.JOB_SEEKING: ExitCategory.OTHER,
    ExitKind.INACTIVE: ExitCategory.OTHER,
    ExitKind.NO_NEWS: ExitCategory.OTHER,
    ExitKind.MOVED: ExitCategory.NEUTRALISED,
    ExitKind.LONG_ILLNESS: ExitCategory.NEUTRALISED,
    ExitKind.DEATH: ExitCategory.NEUTRALISED,
}


@dataclass(frozen=True)
class ExitFacts:
    """What is known of a person's situation after the contract: its `kind` and, for a CDD
    or temp mission, the new contract's length in months (docs/domain.md §6)."""

    kind: ExitKind
    duration_months: Decimal | int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ExitKind(self.kind))
        months = self.duration_months
        if months is not None and (
            isinstance(months, bool) or not isinstance(months, Decimal | int) or months < 0
        ):
            raise ValueError(f"Durée de contrat invalide : {months!r}.")
        if self.kind in TIMED_EXIT_KINDS and months is None:
            raise ValueError("La durée du CDD ou de la mission est nécessaire.")


def exit_category(facts: ExitFacts) -> ExitCategory:
    """Category of an exit (docs/domain.md §6): durable = CDI, CDD or temp mission of 6 months or
    more, civil-service post, business creation; transition = CDD or mission under 6 months,
    subsidised contract with a mainstream employer; positive = qualifying training, hire by
    another SIAE; other = job seeking, inactive, no news; neutralised = move, long illness,
    death. Decision: exactly 6 months is durable (DGEFP: "6 mois et plus")."""
    if facts.kind in TIMED_EXIT_KINDS:  # ExitFacts guarantees a duration for these
        if (facts.duration_months or 0) >= DURABLE_MIN_MONTHS:
            return ExitCategory.DURABLE
        return ExitCategory.TRANSITION
    return _FIXED_CATEGORIES[facts.kind]


def dynamic_exit_rate(categories: Iterable[ExitCategory | str]) -> Decimal | None:
    """Dynamic exit rate = (durable + transition + positive) ÷ (exits − neutralised), as a
    fraction to 4 places (0.6667 = 66.67 %); None when there is no exit to count
    (docs/domain.md §6)."""
    counts = Counter(ExitCategory(category) for category in categories)
    denominator = counts.total() - counts[ExitCategory.NEUTRALISED]
    if denominator == 0:
        return None
    dynamic = sum(counts[category] for category in DYNAMIC_CATEGORIES)
    return (Decimal(dynamic) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


def _hours(value: Decimal | int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"Heures : Decimal ou entier attendu, pas {type(value).__name__}.")
    return Decimal(value)


@dataclass(frozen=True)
class HoursIndicators:
    """Hours planned and done (validated) with completion rate and ETP; `fte_divisor` is
    printed in every report (docs/domain.md §3 and 9)."""

    planned: Decimal
    done: Decimal
    completion_rate: Decimal | None
    fte: Decimal
    fte_divisor: Decimal | int


def hours_indicators(
    planned: Decimal | int,
    done_hours: Iterable[Decimal | int],
    divisor: Decimal | int = DEFAULT_FTE_DIVISOR,
) -> HoursIndicators:
    """Hours done (sum of validated lines) vs planned, completion rate (done ÷ planned, 4
    places; None when nothing was planned) and ETP = done ÷ divisor (docs/domain.md §9; divisor
    default 1 820, configurable)."""
    planned_hours = _hours(planned)
    done = sum((_hours(hours) for hours in done_hours), Decimal("0"))
    if planned_hours < 0 or done < 0:
        raise ValueError("Les heures ne peuvent pas être négatives.")
    rate = None
    if planned_hours:
        rate = (done / planned_hours).quantize(RATE_PLACES, ROUND_HALF_UP)
    return HoursIndicators(planned_hours, done, rate, fte(done, divisor), divisor)


def tally(values: Iterable[Hashable], order: Iterable[Hashable] = ()) -> dict[Hashable, int]:
    """Count of each value, for typology tables (sex, age band, level, criteria, modality,
    contract type, exit category; docs/domain.md §9). Keys of `order` come first, in that order and
    with zero counts; other values follow by decreasing count, then by first appearance."""
    counts = Counter(values)
    result = {key: counts.get(key, 0) for key in order}
    for key, count in counts.most_common():
        result.setdefault(key, count)
    return result


def distinct_count(values: Iterable[Hashable]) -> int:
    """Number of distinct people (or lots, markets) among rows that may repeat them, e.g.
    one statement line per person × lot × month (docs/domain.md §9, "number of people")."""
    return len(set(values))
