"""A company's typed monthly statement: the grid of its direct hires (docs/domain.md §7;
issue 10, « Submitting »).

Who reports follows the modality (docs/domain.md §6): a titulaire that hires directly
(``Modality.DIRECT_HIRE``, the company is the placement's employer) types its hours here,
on its lots and its TCE shares; the structures upload a file (:mod:`.services`).

- :func:`grid` builds the grid of one organisation × month: one row per direct-hire
  placement active during the month, with what is already stored (or what the user
  typed, :func:`check`) and each row's problems in French.
- :func:`check` reads the typed values and says per row what is wrong: the same checks as
  the upload (``rules.statements.line_problems``; ``services.placement_problem`` — the
  placement's period, the eligibility's validity, a CDI past its countable months) and at
  most ``MAX_MONTHLY_HOURS`` for one person in the month, all its rows added. An empty row
  means no hours: no line.
- :func:`save` stores a grid without problems: a draft (``source`` « typed », status
  draft) or, on « Transmettre », a submitted statement the AMOI will validate. A month
  not validated yet (draft or submitted) is replaced; a validated one is read-only.
  Audited; never commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.documents.rows import CellError, read_decimal
from portal.extensions import db
from portal.models import (
    HourLine,
    HourStatement,
    Lot,
    Organisation,
    Placement,
    SubcontractorShare,
    User,
)
from portal.refusals import Refused
from portal.rules.deadlines import add_months, first_of_month
from portal.rules.eligibility import Modality
from portal.rules.statements import FIRST_MONTH, MAX_MONTHLY_HOURS, line_problems
from portal.rules.workflow import StatementStatus, next_status
from portal.statements.services import REPLACEABLE, placement_problem, target_label
from portal.web.params import parse_int

TYPED = "typed"


def default_month(today: date) -> date:
    """The month a company types by default: the last one (its hours are complete)."""
    return add_months(first_of_month(today), -1)


def month_problem(month: date, today: date) -> str | None:
    """Why ``month`` cannot be typed, in French, or None: a future month has no hours yet."""
    if month > first_of_month(today):
        return f"Le mois {month:%m/%Y} n'est pas encore commencé : choisissez un mois passé."
    if month < FIRST_MONTH:
        return f"Le mois {month:%m/%Y} n'est pas plausible."
    return None


def parse_month(text: str | None) -> date | None:
    """``2026-11`` (the month input) or ``11/2026``; None when it is neither."""
    text = (text or "").strip()
    try:
        if "-" in text:
            year, month = text.split("-", 1)
        elif "/" in text:
            month, year = text.split("/", 1)
        else:
            return None
        year_number = parse_int(year, minimum=1, maximum=9999)
        month_number = parse_int(month, minimum=1, maximum=12)
        if year_number is None or month_number is None:
            return None
        return date(year_number, month_number, 1)
    except ValueError:
        return None


@dataclass
class GridRow:
    """One placement of the grid: what is typed (text, as the user wrote it) and read."""

    placement: Placement
    hours_text: str = ""
    training_text: str = ""
    hours: Decimal | None = None
    training_hours: Decimal = Decimal(0)
    problems: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.placement.id

    @property
    def target(self) -> str:
        return target_label(self.placement)


@dataclass
class Grid:
    organisation: Organisation
    month: date
    statement: HourStatement | None
    rows: list[GridRow]

    @property
    def editable(self) -> bool:
        """A month not validated yet (no statement, a draft, a submitted one)."""
        return self.statement is None or self.statement.status in REPLACEABLE

    @property
    def ok(self) -> bool:
        return not any(row.problems for row in self.rows)

    @property
    def problem_count(self) -> int:
        return sum(len(row.problems) for row in self.rows)

    @property
    def filled(self) -> list[GridRow]:
        """The rows that become lines (hours typed)."""
        return [row for row in self.rows if row.hours is not None]

    @property
    def total_hours(self) -> Decimal:
        return sum((row.hours or Decimal(0) for row in self.rows), Decimal(0))


def _month_end(month: date) -> date:
    return add_months(month, 1).replace(day=1)


def placements(organisation: Organisation, month: date) -> list[Placement]:
    """The organisation's direct hires (it is their employer) on a lot or a TCE share,
    active at some point of ``month``: started before its end, not ended before its start.
    One query."""
    end = _month_end(month)
    last_day = func.coalesce(Placement.ended_on, Placement.planned_end)
    stmt = (
        select(Placement)
        .where(
            Placement.employer_id == organisation.id,
            Placement.modality == Modality.DIRECT_HIRE.value,
            or_(Placement.lot_id.is_not(None), Placement.share_id.is_not(None)),
            Placement.start_date < end,
            or_(last_day.is_(None), last_day >= month),
        )
        .options(
            joinedload(Placement.participant),
            joinedload(Placement.lot).joinedload(Lot.market),
            joinedload(Placement.share).joinedload(SubcontractorShare.operation),
            joinedload(Placement.decision),
        )
        .order_by(Placement.lot_id, Placement.share_id, Placement.start_date, Placement.id)
    )
    found = list(db.session.scalars(stmt).unique())
    return sorted(found, key=lambda p: (target_label(p), p.participant.display_name, p.id))


def statement_of(organisation: Organisation, month: date) -> HourStatement | None:
    return db.session.scalar(
        select(HourStatement).where(
            HourStatement.organisation_id == organisation.id, HourStatement.month == month
        )
    )


def _text(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def grid(organisation: Organisation, month: date) -> Grid:
    """The grid as stored: each row with its line's hours, empty when it has none. Lines of
    placements no longer in the grid (their dates changed) come back as problems on save:
    they are not shown and are dropped when the grid is saved again."""
    statement = statement_of(organisation, month)
    stored: dict[int, HourLine] = {}
    if statement is not None:
        stored = {line.placement_id: line for line in statement.lines}
    rows = []
    for placement in placements(organisation, month):
        row = GridRow(placement)
        line = stored.get(placement.id)
        if line is not None:
            row.hours, row.training_hours = line.hours, line.training_hours
            row.hours_text = _text(line.hours)
            row.training_text = _text(line.training_hours) if line.training_hours else ""
        rows.append(row)
    return Grid(organisation, month, statement, rows)


def _read(text: str, label: str) -> tuple[Decimal | None, str | None]:
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        return read_decimal(text), None
    except CellError as error:
        return None, f"{label} : {error}"


def check(
    organisation: Organisation,
    month: date,
    typed: dict[int, tuple[str, str]],
    max_hours: Decimal = MAX_MONTHLY_HOURS,
) -> Grid:
    """The grid with what the user typed (``typed``: per placement id, the hours and the
    training hours as text) and each row's problems. Writes nothing."""
    result = grid(organisation, month)
    for row in result.rows:
        hours_text, training_text = typed.get(row.id, ("", ""))
        row.hours_text, row.training_text = hours_text.strip(), training_text.strip()
        row.hours, row.training_hours, row.problems = None, Decimal(0), []
        hours, hours_error = _read(hours_text, "Heures travaillées")
        training, training_error = _read(training_text, "Heures de formation")
        row.problems += [error for error in (hours_error, training_error) if error]
        if row.problems:
            continue
        if hours is None:
            if training is not None:
                row.problems.append(
                    "Indiquez les heures travaillées : les heures de formation en font partie."
                )
            continue
        training = training if training is not None else Decimal(0)
        person = row.placement.participant
        birth = person.birth_date or date(1970, 1, 1)
        row.problems += line_problems(hours, training, month, birth, max_hours)
        problem = placement_problem(row.placement, month)
        if problem:
            row.problems.append(problem)
        row.hours, row.training_hours = hours, training
    _within_monthly_maximum(result, max_hours)
    return result


def _within_monthly_maximum(result: Grid, max_hours: Decimal) -> None:
    """One person on two lots (or a lot and a share): at most ``max_hours`` in the month,
    all its rows added; a problem on each of its rows past it."""
    by_person: dict[int, list[GridRow]] = defaultdict(list)
    for row in result.rows:
        if row.hours is not None:
            by_person[row.placement.participant_id].append(row)
    for rows in by_person.values():
        total = sum((row.hours or Decimal(0) for row in rows), Decimal(0))
        if len(rows) > 1 and total > max_hours:
            for row in rows:
                row.problems.append(
                    f"Cette personne totalise {_text(total)} h en {result.month:%m/%Y} sur "
                    f"{len(rows)} lignes : au-delà des {_text(max_hours)} h possibles dans un mois."
                )


def save(result: Grid, user: User, now: datetime, *, submit: bool) -> HourStatement:
    """Store a checked grid: its filled rows become the month's lines (those of the earlier
    draft or submission replaced), a draft or, when ``submit``, a submitted statement.
    Refused (``Refused``, French) when a row has a problem or the month is validated. No
    commit."""
    if not result.ok:
        raise Refused(
            "La grille contient des erreurs : rien n'a été enregistré. Corrigez les lignes "
            "signalées."
        )
    statement = result.statement
    organisation, month = result.organisation, result.month
    if statement is not None and statement.status not in REPLACEABLE:
        raise Refused(
            f"Le relevé de {month:%m/%Y} est déjà {statement.status_label.lower()} : il ne peut "
            "plus être modifié."
        )
    new = statement is None
    if statement is None:
        statement = HourStatement(
            organisation=organisation, month=month, uploads=0, status=StatementStatus.DRAFT.value
        )
        db.session.add(statement)
    before = statement.status
    if submit:
        status = StatementStatus.SUBMITTED.value
        if before == StatementStatus.DRAFT.value:
            status = next_status("statement", before, "submit").value
        statement.submitted_by = user
        statement.submitted_at = now
    else:
        status = StatementStatus.DRAFT.value
        if before == StatementStatus.SUBMITTED.value:
            status = next_status("statement", before, "reopen").value
    statement.status = status
    statement.source = TYPED
    statement.entered_by_amoi = user.organisation_id != organisation.id
    statement.updated_at = now  # the lines change: the statement's version moves on
    db.session.flush()
    if not new:
        db.session.execute(delete(HourLine).where(HourLine.statement_id == statement.id))
    filled = result.filled
    if filled:
        db.session.execute(
            insert(HourLine),
            [
                {
                    "statement_id": statement.id,
                    "placement_id": row.placement.id,
                    "month": month,
                    "hours": row.hours,
                    "training_hours": row.training_hours,
                    "status": status,
                    "source_line": None,
                    "refusal_reason": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for row in filled
            ],
        )
    db.session.expire(statement, ["lines"])
    action = "statement.typed_draft"
    if submit:
        replaced = before == StatementStatus.SUBMITTED.value
        action = "statement.replaced" if replaced else "statement.submitted"
    elif before == StatementStatus.SUBMITTED.value:
        action = "statement.reopened"
    audit.record(
        action,
        statement,
        detail=f"lignes={len(filled)} mois={month:%Y-%m} saisie"
        + (" amoi" if statement.entered_by_amoi else ""),
        actor=user,
        organisation=organisation,
    )
    return statement
