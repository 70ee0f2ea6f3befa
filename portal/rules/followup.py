"""Follow-up of the titulaires: escalation steps, meetings, deadlines and proposed penalties
(convention art. 4 and 7, annexe 1 §1 and §3, annexe 2; docs/domain.md §8).

Pure functions: no database, no clock; ``today`` is always a parameter.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from portal.rules.deadlines import ContactFact, reminder_letter_due
from portal.rules.markets import PenaltyKind, describe_penalty
from portal.rules.workflow import EscalationStatus

E = EscalationStatus

DEADLINE_WARNING_DAYS = 7
"""The work queue shows the deadlines passed and those within 7 days (issue 11)."""
SMIC_HOURLY = Decimal("12.02")
"""Gross hourly SMIC used by a penalty formula « n × SMIC » unless the AMOI types the
figure of the day: 12,02 € since 1 January 2026 (revaluation of 1.18 %, Code du travail
art. L3231-4 ff.; default, configurable: ``FOLLOWUP_SMIC_HOURLY``)."""


class Step(enum.StrEnum):
    """A letter step of the escalation (convention annex 1 §3; docs/domain.md §8)."""

    REMINDER_LETTER = "reminder_letter"
    REGISTERED_LETTER = "registered_letter"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.REMINDER_LETTER: "Lettre de relance (délai de 2 semaines)",
    Step.REGISTERED_LETTER: "Lettre recommandée (mise en demeure ou application des pénalités)",
}


class LetterKind(enum.StrEnum):
    """The letters of the escalation: the AMOI's reminder, then the buyer's registered
    letter, a formal notice or the application of penalties (docs/domain.md §8)."""

    REMINDER = "reminder"
    FORMAL_NOTICE = "formal_notice"
    PENALTIES = "penalties"

    @property
    def label(self) -> str:
        return LETTER_LABELS[self]

    @property
    def registered(self) -> bool:
        """Sent by the buyer on its own letterhead, by registered mail, copy to the AMOI."""
        return self is not LetterKind.REMINDER


LETTER_LABELS = {
    LetterKind.REMINDER: "Lettre de relance",
    LetterKind.FORMAL_NOTICE: "Mise en demeure",
    LetterKind.PENALTIES: "Application des pénalités",
}


@dataclass(frozen=True)
class AgreementSettings:
    """Which letter steps need the buyer's agreement (« à affiner selon la volonté des
    maîtres d'ouvrage »: each buyer's settings; default: every letter)."""

    reminder_letter: bool = True
    registered_letter: bool = True

    def needs_agreement(self, step: Step) -> bool:
        return self.reminder_letter if step is Step.REMINDER_LETTER else self.registered_letter


@dataclass(frozen=True)
class StepOpening:
    """Whether the AMOI may start ``step`` now, and the action of the machine that starts
    it: a proposal to the buyer when its settings want to agree, the letter otherwise."""

    step: Step
    open: bool
    action: str
    needs_agreement: bool
    reason: str


def _action(step: Step, needs_agreement: bool) -> str:
    verb = "propose" if needs_agreement else "send"
    noun = "reminder_letter" if step is Step.REMINDER_LETTER else "formal_notice"
    return f"{verb}_{noun}"


def reminder_step(
    status: EscalationStatus | str,
    contacts: Iterable[ContactFact],
    settings: AgreementSettings,
) -> StepOpening:
    """The reminder letter opens after 3 unsuccessful contacts of which at least one
    written (``rules.deadlines.reminder_letter_due``), while no letter step has started
    yet (convention annex 1 §3; docs/domain.md §8)."""
    needs = settings.needs_agreement(Step.REMINDER_LETTER)
    action = _action(Step.REMINDER_LETTER, needs)
    if EscalationStatus(status) is not E.NONE:
        return StepOpening(Step.REMINDER_LETTER, False, action, needs, "Étape déjà engagée.")
    check = reminder_letter_due(contacts)
    if check.due:
        return StepOpening(Step.REMINDER_LETTER, True, action, needs, "")
    reason = (
        f"Il faut 3 contacts sans succès dont au moins 1 écrit depuis le dernier contact "
        f"abouti ; il y en a {check.unsuccessful}, dont {check.written} écrit"
        f"{'s' if check.written > 1 else ''}."
    )
    return StepOpening(Step.REMINDER_LETTER, False, action, needs, reason)


def registered_step(
    status: EscalationStatus | str,
    reminder_deadline: date | None,
    answered: bool,
    today: date,
    settings: AgreementSettings,
) -> StepOpening:
    """The registered letter (formal notice or penalties) opens once the reminder letter's
    deadline has passed without an answer (no contact reached since it was sent)
    (convention annex 1 §3; docs/domain.md §8)."""
    needs = settings.needs_agreement(Step.REGISTERED_LETTER)
    action = _action(Step.REGISTERED_LETTER, needs)
    if EscalationStatus(status) is not E.REMINDER_LETTER:
        return StepOpening(Step.REGISTERED_LETTER, False, action, needs, "Pas à cette étape.")
    if reminder_deadline is None:
        reason = "La lettre de relance n'est pas encore envoyée."
    elif answered:
        reason = "L'entreprise a répondu à la lettre de relance."
    elif today <= reminder_deadline:
        reason = f"Le délai de réponse court jusqu'au {reminder_deadline:%d/%m/%Y}."
    else:
        return StepOpening(Step.REGISTERED_LETTER, True, action, needs, "")
    return StepOpening(Step.REGISTERED_LETTER, False, action, needs, reason)


class DeadlineState(enum.StrEnum):
    RUNNING = "running"
    SOON = "soon"
    PASSED = "passed"

    @property
    def label(self) -> str:
        return {
            DeadlineState.RUNNING: "Délai en cours",
            DeadlineState.SOON: "Échéance dans moins de 7 jours",
            DeadlineState.PASSED: "Délai dépassé sans réponse",
        }[self]


def deadline_state(deadline: date, today: date) -> DeadlineState:
    """Passed the day after the deadline; soon within 7 days (issue 11's work queue)."""
    if today > deadline:
        return DeadlineState.PASSED
    if deadline - today <= timedelta(days=DEADLINE_WARNING_DAYS):
        return DeadlineState.SOON
    return DeadlineState.RUNNING


# -- Penalties (docs/domain.md §8, point 5) -------------------------------------------------


def missing_hours(planned: int | Decimal | None, validated: Decimal | None) -> Decimal:
    """Planned minus validated hours, never below zero (the lot's obligation is met)."""
    shortfall = Decimal(planned or 0) - Decimal(validated or 0)
    return max(shortfall, Decimal(0)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class PenaltyComputation:
    missing_hours: Decimal
    amount: Decimal
    formula: str
    capped: bool


def proposed_penalty(
    kind: PenaltyKind | str,
    value: Decimal | None,
    cap: Decimal | None,
    missing: Decimal,
    smic_hourly: Decimal = SMIC_HOURLY,
) -> PenaltyComputation:
    """The *proposed* amount of the CCAP formula for ``missing`` hours: a fixed amount per
    missing hour, or a multiple of the hourly SMIC per missing hour, capped when the CCAP
    says so; rounded to the cent. The buyer decides; the portal never applies it
    (convention art. 4; docs/domain.md §8)."""
    kind = PenaltyKind(kind)
    missing = Decimal(missing)
    if missing < 0:
        raise ValueError("Le nombre d'heures manquantes ne peut pas être négatif.")
    formula = describe_penalty(kind, value, cap)
    if kind is PenaltyKind.NONE or value is None:
        return PenaltyComputation(missing, Decimal("0.00"), formula, False)
    per_hour = Decimal(value) if kind is PenaltyKind.FIXED_PER_HOUR else value * smic_hourly
    amount = (per_hour * missing).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    capped = cap is not None and amount > cap
    if capped:
        amount = Decimal(cap).quantize(Decimal("0.01"))
    if kind is PenaltyKind.SMIC_MULTIPLE:
        formula += f" (SMIC horaire retenu : {smic_hourly:.2f} €)".replace(".", ",")
    return PenaltyComputation(missing, amount, formula, capped)


# -- Meetings (annexe 1 §1, annexe 2, art. 7) ------------------------------------------------


class MeetingKind(enum.StrEnum):
    FIRST_CONTACT = "first_contact"
    KICKOFF = "kickoff"
    TRIPARTITE = "tripartite"
    SIAE_START = "siae_start"
    SIAE_MIDYEAR = "siae_midyear"
    SIAE_YEAR_END = "siae_year_end"
    AWARENESS = "awareness"
    PILOTAGE = "pilotage"

    @property
    def label(self) -> str:
        return MEETING_LABELS[self]


MEETING_LABELS = {
    MeetingKind.FIRST_CONTACT: "Premier contact",
    MeetingKind.KICKOFF: "Réunion de lancement",
    MeetingKind.TRIPARTITE: "Réunion tripartite",
    MeetingKind.SIAE_START: "Réunion SIAE de démarrage",
    MeetingKind.SIAE_MIDYEAR: "Point individuel SIAE en cours d'année",
    MeetingKind.SIAE_YEAR_END: "Réunion collective SIAE de fin d'année",
    MeetingKind.AWARENESS: "Réunion de sensibilisation des services",
    MeetingKind.PILOTAGE: "Réunion de suivi du pilotage",
}

PILOTAGE_MEETINGS = {MeetingKind.AWARENESS: 1, MeetingKind.PILOTAGE: 2}
"""What the yearly pilotage quote covers: one awareness meeting for the services, two
follow-up meetings (convention art. 7; docs/domain.md §4.1)."""
RESERVED_MARKET_MEETINGS = {MeetingKind.SIAE_MIDYEAR: 1, MeetingKind.SIAE_YEAR_END: 1}
"""Each year of a reserved market: mid-year individual meetings, an end-of-year collective
meeting (annexe 2; docs/domain.md §4.2); the start meeting once, its first year."""


@dataclass(frozen=True)
class ExpectedMeeting:
    kind: MeetingKind
    expected: int
    held: int

    @property
    def done(self) -> bool:
        return self.held >= self.expected

    @property
    def due(self) -> int:
        return max(self.expected - self.held, 0)


def expected_meetings(
    expected: dict[MeetingKind, int], held: Iterable[MeetingKind | str]
) -> list[ExpectedMeeting]:
    """Each expected kind with how many were held: done when enough, due otherwise."""
    counts: dict[MeetingKind, int] = {}
    for kind in held:
        counts[MeetingKind(kind)] = counts.get(MeetingKind(kind), 0) + 1
    return [ExpectedMeeting(kind, n, counts.get(kind, 0)) for kind, n in expected.items()]


def reserved_market_meetings(first_year: bool) -> dict[MeetingKind, int]:
    """The meetings a reserved market's year owes (annexe 2; docs/domain.md §4.2)."""
    start = {MeetingKind.SIAE_START: 1} if first_year else {}
    return {**start, **RESERVED_MARKET_MEETINGS}
