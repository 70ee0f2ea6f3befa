"""Importing a monthly hour statement (docs/domain.md §7; issue 10).

Two steps, both through this module:

1. :func:`preview` matches the rows :func:`portal.statements.reader.read_statement` read
   to the placements of the uploading organisation, and says per line what is wrong, in
   French: unknown person, a lot that is not the organisation's, a month outside the
   placement or the eligibility's validity, a CDI past its countable months
   (``rules.eligibility.countable_hours``), a month already validated, the same person
   twice in a month. It writes nothing.
2. :func:`submit` stores a preview without errors: one ``HourStatement`` per month of the
   file, submitted, its lines replacing those of an earlier upload of the same month
   while that statement is not validated. All or nothing: a failure at any line leaves the
   database as it was (the session is rolled back), and the view commits.

A person is recognised as duplicate detection does (``rules.eligibility.identity_key``:
names without accents, case or punctuation, and the birth date); a lot by its reference as
the portal shows it (:func:`lot_reference`), compared the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.extensions import db
from portal.models import (
    EligibilityDecision,
    HourLine,
    HourStatement,
    Lot,
    Market,
    Operation,
    Organisation,
    Participant,
    Placement,
    SubcontractorShare,
    User,
)
from portal.rules.deadlines import first_of_month
from portal.rules.eligibility import (
    CDI_CAP_MONTHS,
    countable_hours,
    identity_key,
    normalise_name,
)
from portal.rules.statements import MAX_MONTHLY_HOURS
from portal.rules.workflow import StatementStatus
from portal.statements.reader import Statement, StatementError

REPLACEABLE = (StatementStatus.DRAFT.value, StatementStatus.SUBMITTED.value)
"""A statement still replaced by a new upload of its month; any other status is final for
the upload (validated, or in the refusal workflow)."""


class ImportRefused(ValueError):
    """A preview with errors was submitted: nothing was stored."""


def lot_reference(lot: Lot) -> str:
    """The lot's reference as the portal shows it and the statement's *Lot* column expects:
    the market's reference and the lot's number (« M2026-04 lot 3 »)."""
    return f"{lot.market.reference} lot {lot.number}"


def _lot_keys(lot: Lot) -> set[str]:
    """The ways a payroll file may write a lot, normalised: « M2026-04 lot 3 », « M2026-04 –
    Lot 3 – Gros œuvre », « M2026-04-3 »."""
    reference = lot.market.reference
    return {
        normalise_name(lot_reference(lot)),
        normalise_name(f"{reference} {lot.label}"),
        normalise_name(f"{reference} {lot.number}"),
    }


def share_reference(share: SubcontractorShare) -> str:
    """A TCE share as the portal shows it and the statement's *Lot* column expects: the
    operation's name and the share's trade (« Groupe scolaire – part TCE Gros œuvre »), as
    the candidacy and the hire show it (``Candidacy.target_label``; docs/domain.md §7)."""
    return f"{share.operation.name} – part TCE {share.trade_label}"


def _share_keys(share: SubcontractorShare) -> set[str]:
    """The ways a payroll file may write a share, normalised: « Groupe scolaire – part TCE
    Gros œuvre », « Groupe scolaire TCE Gros œuvre », « Groupe scolaire Gros œuvre »."""
    name, trade = share.operation.name, share.trade_label
    return {
        normalise_name(share_reference(share)),
        normalise_name(f"{name} TCE {trade}"),
        normalise_name(f"{name} {trade}"),
    }


Target = tuple[str, int]
"""What a placement's hours count on: ``("lot", id)`` or ``("share", id)``."""


def target_of(placement: Placement) -> Target:
    if placement.lot_id is not None:
        return ("lot", placement.lot_id)
    return ("share", placement.share_id or 0)


def target_label(placement: Placement) -> str:
    """The lot or the TCE share of a placement, as the pages show it."""
    if placement.lot is not None:
        return f"{placement.lot.market.reference} – {placement.lot.label}"
    if placement.share is not None:
        return share_reference(placement.share)
    return ""


def _target_keys(placement: Placement) -> set[str]:
    if placement.lot is not None:
        return _lot_keys(placement.lot)
    if placement.share is not None:
        return _share_keys(placement.share)
    return set()


def _month_label(month: date) -> str:
    return f"{month:%m/%Y}"


@dataclass(frozen=True)
class MatchedLine:
    """A row matched to a placement, ready to be stored."""

    line: int
    placement: Placement
    month: date
    hours: Decimal
    training_hours: Decimal


@dataclass
class Preview:
    """What an upload would store: the matched lines and the errors of the others (the
    reader's and the matching's, in file order), the months and the statements replaced."""

    organisation: Organisation
    lines: list[MatchedLine] = field(default_factory=list)
    errors: list[StatementError] = field(default_factory=list)
    replaced: list[HourStatement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.lines)

    @property
    def months(self) -> list[date]:
        return sorted({line.month for line in self.lines})

    @property
    def total_hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal(0))


def _placements(organisation: Organisation) -> list[Placement]:
    stmt = (
        select(Placement)
        .where(
            Placement.employer_id == organisation.id,
            or_(Placement.lot_id.is_not(None), Placement.share_id.is_not(None)),
        )
        .options(
            # the columns the matching and the preview read, not the whole rows
            joinedload(Placement.participant).load_only(
                Participant.id,
                Participant.last_name,
                Participant.first_name,
                Participant.birth_date,
                Participant.anonymised_at,
            ),
            joinedload(Placement.lot).joinedload(Lot.market).load_only(Market.id, Market.reference),
            joinedload(Placement.share)
            .joinedload(SubcontractorShare.operation)
            .load_only(Operation.id, Operation.name),
            joinedload(Placement.decision).load_only(
                EligibilityDecision.id,
                EligibilityDecision.eligible_from,
                EligibilityDecision.eligible_until,
                EligibilityDecision.rules_applied,
            ),
        )
        .order_by(Placement.start_date, Placement.id)
    )
    return list(db.session.scalars(stmt).unique())


def _end_month(placement: Placement) -> date | None:
    end = placement.ended_on or placement.planned_end
    return first_of_month(end) if end else None


def placement_problem(placement: Placement, month: date) -> str | None:
    """Why ``month`` cannot be counted on ``placement``, in French, or None: outside the
    placement's period or the eligibility's validity, a CDI past its countable months (the
    upload and the company's typed grid, :mod:`portal.statements.grid`)."""
    start = first_of_month(placement.start_date)
    end = _end_month(placement)
    if month < start or (end is not None and month > end):
        period = f"à partir de {_month_label(start)}"
        if end is not None:
            period = f"de {_month_label(start)} à {_month_label(end)}"
        return (
            f"Le mois {_month_label(month)} est en dehors du contrat de cette personne sur ce "
            f"lot ({period})."
        )
    decision: EligibilityDecision | None = placement.decision
    if (
        decision is not None
        and decision.eligible_from
        and decision.eligible_until
        and not first_of_month(decision.eligible_from) <= month <= decision.eligible_until
    ):
        return (
            f"Le mois {_month_label(month)} est en dehors de la validité de l'éligibilité "
            f"(du {decision.eligible_from:%d/%m/%Y} au {decision.eligible_until:%d/%m/%Y})."
        )
    cap = CDI_CAP_MONTHS
    if placement.contract_type == "cdi" and decision is not None and decision.rules_applied:
        cap = decision.applied_rules.cdi_cap_months  # parsed for a CDI only: 10,000 lines
    if not countable_hours(placement.contract_type, placement.start_date, month, cap):
        return (
            f"Le mois {_month_label(month)} dépasse les {cap} premiers mois d'un CDI : "
            "ses heures ne comptent plus pour la clause."
        )
    return None


def _within_monthly_maximum(
    lines: list[MatchedLine], errors: list[StatementError], max_hours: Decimal
) -> list[MatchedLine]:
    """The lines whose person stays within ``max_hours`` in the month once the lines above
    are added (one person on two lots of the file); an error for each line past it."""
    totals: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    first_line: dict[tuple[int, date], int] = {}
    kept = []
    for line in lines:
        key = (line.placement.participant_id, line.month)
        first_line.setdefault(key, line.line)
        total = totals[key] + line.hours
        if total > max_hours:
            errors.append(
                StatementError(
                    line.line,
                    f"Avec la ligne {first_line[key]}, cette personne totalise "
                    f"{_hours(total)} h en {_month_label(line.month)} : au-delà des "
                    f"{_hours(max_hours)} h possibles dans un mois.",
                    "Heures travaillées",
                )
            )
            continue
        totals[key] = total
        kept.append(line)
    return kept


def _hours(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def preview(
    statement: Statement, organisation: Organisation, max_hours: Decimal = MAX_MONTHLY_HOURS
) -> Preview:
    """Match the rows of ``statement`` to the placements of ``organisation`` on its lots.
    ``max_hours`` bounds one person's hours in a month, all lines added. Writes nothing."""
    result = Preview(organisation)
    errors: list[StatementError] = list(statement.errors)
    placements = _placements(organisation)
    # a file names each person on every month and each lot on many lines: names are
    # normalised once per distinct value (the whole import of 10,000 lines in under 2 s)
    key_of = lru_cache(maxsize=None)(identity_key)
    normalised = lru_cache(maxsize=None)(normalise_name)
    by_person: dict[str, list[Placement]] = defaultdict(list)
    target_keys: dict[str, Target] = {}
    keyed: set[Target] = set()
    for placement in placements:
        person = placement.participant
        if person.birth_date is not None and person.anonymised_at is None:
            key = key_of(person.last_name, person.first_name, person.birth_date)
            by_person[key].append(placement)
        target = target_of(placement)
        if target not in keyed:
            keyed.add(target)
            for target_key in _target_keys(placement):
                target_keys[target_key] = target
    months = {row.month for row in statement.rows}
    existing = (
        {
            s.month: s
            for s in db.session.scalars(
                select(HourStatement).where(
                    HourStatement.organisation_id == organisation.id,
                    HourStatement.month.in_(months),
                )
            )
        }
        if months
        else {}
    )
    seen: dict[tuple[int, date], int] = {}
    for row in statement.rows:
        target = target_keys.get(normalised(row.lot))
        if target is None:
            errors.append(
                StatementError(
                    row.line,
                    f"Lot : « {row.lot} » n'est pas un lot sur lequel votre organisation a "
                    "embauché (écrivez la référence du marché et le numéro du lot, par "
                    "exemple « M2026-04 lot 3 » ; pour une part TCE, le nom de l'opération et "
                    "le corps d'état, par exemple « Groupe scolaire – part TCE Gros œuvre »).",
                    "Lot",
                )
            )
            continue
        candidates = [
            p
            for p in by_person.get(key_of(row.last_name, row.first_name, row.birth_date), [])
            if target_of(p) == target
        ]
        if not candidates:
            errors.append(
                StatementError(
                    row.line,
                    "Personne inconnue : aucune embauche de votre organisation sur ce lot à ce "
                    "nom, ce prénom et cette date de naissance.",
                )
            )
            continue
        problems = [(p, placement_problem(p, row.month)) for p in candidates]
        fitting = [p for p, problem in problems if problem is None]
        if not fitting:
            errors.append(StatementError(row.line, problems[-1][1] or "", "Mois"))
            continue
        placement = fitting[-1]
        earlier = existing.get(row.month)
        if earlier is not None and earlier.status not in REPLACEABLE:
            errors.append(
                StatementError(
                    row.line,
                    f"Le relevé de {_month_label(row.month)} est déjà {earlier.status_label.lower()} : "
                    "il ne peut plus être remplacé par un nouveau fichier.",
                    "Mois",
                )
            )
            continue
        key = (placement.id, row.month)
        if key in seen:
            errors.append(
                StatementError(
                    row.line,
                    f"Cette personne est déjà déclarée pour {_month_label(row.month)} sur ce lot "
                    f"(ligne {seen[key]}) : un mois ne compte qu'une fois.",
                )
            )
            continue
        seen[key] = row.line
        result.lines.append(
            MatchedLine(row.line, placement, row.month, row.hours, row.training_hours)
        )
    result.lines = _within_monthly_maximum(result.lines, errors, max_hours)
    result.errors = sorted(errors, key=lambda error: error.line)
    result.replaced = [
        existing[m] for m in sorted(existing) if m in {x.month for x in result.lines}
    ]
    return result


def line_counts(statement_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """Per statement id: its number of lines and its hours (one query, for a list page)."""
    if not statement_ids:
        return {}
    rows = db.session.execute(
        select(HourLine.statement_id, func.count(HourLine.id), func.sum(HourLine.hours))
        .where(HourLine.statement_id.in_(statement_ids))
        .group_by(HourLine.statement_id)
    )
    return {sid: (count, Decimal(total or 0)) for sid, count, total in rows}


def submit(result: Preview, user: User, now: datetime) -> list[HourStatement]:
    """Store a preview without errors: one submitted statement per month, replacing the lines
    of an earlier upload of the month. All or nothing: a failure rolls the session back;
    no commit."""
    if not result.ok:
        raise ImportRefused("Le relevé contient des erreurs : rien n'a été enregistré.")
    organisation = result.organisation
    by_month: dict[date, list[MatchedLine]] = defaultdict(list)
    for line in result.lines:
        by_month[line.month].append(line)
    try:
        return _store(organisation, by_month, user, now)
    except BaseException:
        # all or nothing: a failure at any line leaves nothing of this import in the
        # session (a savepoint would not do on SQLite, where pysqlite commits a
        # savepoint opened before any write when it is released)
        db.session.rollback()
        raise


def _line_row(statement: HourStatement, line: MatchedLine, now: datetime) -> dict:
    """The values of one stored line (inserted with the others in one executemany)."""
    return {
        "statement_id": statement.id,
        "placement_id": line.placement.id,
        "month": line.month,
        "hours": line.hours,
        "training_hours": line.training_hours,
        "status": StatementStatus.SUBMITTED.value,
        "source_line": line.line,
        "refusal_reason": "",
        "created_at": now,
        "updated_at": now,
    }


def _store(
    organisation: Organisation,
    by_month: dict[date, list[MatchedLine]],
    user: User,
    now: datetime,
) -> list[HourStatement]:
    stored = []
    for month in sorted(by_month):
        statement = db.session.scalar(
            select(HourStatement)
            .where(
                HourStatement.organisation_id == organisation.id,
                HourStatement.month == month,
            )
            .with_for_update()
        )
        replacing = statement is not None
        if statement is None:
            statement = HourStatement(organisation=organisation, month=month, uploads=0)
            db.session.add(statement)
        elif statement.status not in REPLACEABLE:
            raise ImportRefused(
                f"Le relevé de {_month_label(month)} est déjà {statement.status_label.lower()}"
                " : il ne peut plus être remplacé."
            )
        elif replacing:
            # one DELETE for the earlier lines, not one per line
            db.session.execute(delete(HourLine).where(HourLine.statement_id == statement.id))
            db.session.expire(statement, ["lines"])
        statement.status = StatementStatus.SUBMITTED.value
        statement.source = "upload"
        statement.submitted_by = user
        statement.submitted_at = now
        statement.entered_by_amoi = user.organisation_id != organisation.id
        statement.uploads = (statement.uploads or 0) + 1
        db.session.flush()  # the statement's id, for its lines
        # one executemany for the month's lines (no ORM unit of work per line)
        db.session.execute(
            insert(HourLine), [_line_row(statement, line, now) for line in by_month[month]]
        )
        db.session.expire(statement, ["lines"])
        audit.record(
            "statement.replaced" if replacing else "statement.submitted",
            statement,
            detail=f"lignes={len(by_month[month])} mois={month:%Y-%m}",
            actor=user,
        )
        stored.append(statement)
    return stored
