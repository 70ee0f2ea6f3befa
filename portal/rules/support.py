"""The SIAE's commitments of support on a reserved market and the actions done against
them, for the reserved market's annual report (annexe 2: « les actions de la SIAE au
regard de ses engagements d'accompagnement »; docs/domain.md §9.1). Pure functions over
plain rows: no database, no clock.

Decisions (docs/domain.md §9.1):
- a commitment's target is a quantity per year of execution (the technical memo states
  it so: « 12 entretiens individuels par an »), compared with the actions of the year;
- the people an action concerns are a count only, never names;
- the rate is done ÷ target to 0.1 % (None when the target is zero); the remark (« écart ») says
  what remains to do in the commitment's unit, or that the commitment is met or exceeded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

COMMITMENT_KINDS = {
    "socio_professional": "Accompagnement socio-professionnel",
    "training": "Formation",
    "followup_interviews": "Entretiens de suivi",
    "immersion": "Mise en situation / immersion",
    "peripheral_barriers": "Levée des freins périphériques",
    "other": "Autre",
}
"""The kinds of commitment of support an SIAE's technical memo states, code → label."""


@dataclass(frozen=True)
class CommitmentRow:
    """A commitment: its label, kind, SIAE, target quantity per year and unit."""

    id: int
    label: str
    kind: str
    organisation: str
    target: Decimal
    unit: str


@dataclass(frozen=True)
class ActionRow:
    """An action done against a commitment: its day, quantity and people concerned (a
    count)."""

    commitment_id: int
    day: date
    quantity: Decimal
    people: int = 0


@dataclass(frozen=True)
class CommitmentResult:
    """A commitment against the actions of the period."""

    commitment: CommitmentRow
    done: Decimal
    actions: int
    people: int
    rate: Decimal | None
    remark: str


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def gap_remark(target: Decimal, done: Decimal, unit: str) -> str:
    """« Engagement tenu » when done = target, « Engagement dépassé : 2 entretiens de
    plus » above it, « Écart : reste 4 entretiens à réaliser » below it."""
    unit = f" {unit}" if unit else ""
    if done == target:
        return "Engagement tenu"
    if done > target:
        return f"Engagement dépassé : {_plain(done - target)}{unit} de plus"
    return f"Écart : reste {_plain(target - done)}{unit} à réaliser"


def commitments_against_actions(
    commitments: Iterable[CommitmentRow],
    actions: Iterable[ActionRow],
    start: date,
    end: date,
) -> list[CommitmentResult]:
    """Each commitment with the quantity done, the number of actions and of people
    concerned by the actions dated ``start``–``end`` (both included), the rate reached
    (done ÷ target, None for a zero target) and the gap remark."""
    kept = [a for a in actions if start <= a.day <= end]
    results = []
    for commitment in commitments:
        mine = [a for a in kept if a.commitment_id == commitment.id]
        done = sum((a.quantity for a in mine), Decimal(0))
        rate = (done / commitment.target).quantize(Decimal("0.001")) if commitment.target else None
        results.append(
            CommitmentResult(
                commitment,
                done,
                len(mine),
                sum(a.people for a in mine),
                rate,
                gap_remark(commitment.target, done, commitment.unit),
            )
        )
    return results
