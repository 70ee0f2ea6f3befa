"""Checks of one line of a monthly hour statement that need no database (docs/domain.md §7).

A line says how many hours one person worked on one lot in one month, of which training
hours. Before a line is matched to a placement, it must be plausible on its own:

- hours and training hours are not negative;
- training hours are part of the hours worked, never above them;
- at most ``MAX_MONTHLY_HOURS`` hours in a month (**default, configurable**: 250 h, the
  figure of issue 10 and docs/domain.md §7 — above a full-time month with overtime);
- the month and the birth date are real calendar dates in a plausible range, the person
  born before the month declared.

Pure: the figures are parameters with defaults, no clock (the ranges are fixed years).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

MAX_MONTHLY_HOURS = Decimal(250)
"""Hours one person may work in one month, training included (default, configurable;
docs/domain.md §7)."""
FIRST_MONTH = date(2000, 1, 1)
"""The earliest month a statement may declare: anything before is a typing error (an Excel
serial read as a date in 1900, a two-digit year)."""
LAST_MONTH = date(2099, 12, 1)
"""The latest month a statement may declare (the same kind of typing error, forward)."""
EARLIEST_BIRTH = date(1900, 1, 1)
"""A birth date before this one is a typing error."""


def _hours(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",").replace("-", "−")


def line_problems(
    hours: Decimal,
    training_hours: Decimal,
    month: date,
    birth_date: date,
    max_hours: Decimal = MAX_MONTHLY_HOURS,
) -> list[str]:
    """What is wrong with one statement line, as French sentences (empty when nothing)."""
    problems = []
    if hours < 0:
        problems.append(f"Les heures travaillées sont négatives ({_hours(hours)} h).")
    elif hours > max_hours:
        problems.append(
            f"{_hours(hours)} h travaillées dans le mois : au-delà des {_hours(max_hours)} h "
            "possibles pour une personne."
        )
    if training_hours < 0:
        problems.append(f"Les heures de formation sont négatives ({_hours(training_hours)} h).")
    elif training_hours > hours >= 0:
        problems.append(
            f"Les heures de formation ({_hours(training_hours)} h) dépassent les heures "
            f"travaillées ({_hours(hours)} h) : elles en font partie."
        )
    if not FIRST_MONTH <= month <= LAST_MONTH:
        problems.append(f"Le mois {month:%m/%Y} n'est pas plausible (écrivez par exemple 03/2026).")
    if birth_date < EARLIEST_BIRTH:
        problems.append(
            f"La date de naissance {birth_date:%d/%m/%Y} n'est pas plausible "
            "(écrivez par exemple 25/11/1990)."
        )
    elif birth_date >= month and month >= FIRST_MONTH:
        problems.append(
            f"La date de naissance {birth_date:%d/%m/%Y} suit le mois déclaré "
            f"({month:%m/%Y}) : la date de naissance et le mois sont-ils inversés ?"
        )
    return problems


def settled_status(line_statuses: list[str]) -> str | None:
    """The status of a statement in the refusal workflow once its lines are decided
    (convention art. 4; docs/domain.md §7): None while a line still waits for the buyer
    (``refusal_proposed``) or the AMOI (``submitted``); ``refused`` when every line was
    refused; otherwise ``validated`` — a statement whose refused lines were confirmed is
    validated for its other lines, and only its validated lines count."""
    pending = {"submitted", "refusal_proposed", "draft"}
    if not line_statuses or any(status in pending for status in line_statuses):
        return None
    if all(status == "refused" for status in line_statuses):
        return "refused"
    return "validated"
