"""Validating the monthly hour statements (convention art. 4; docs/domain.md §7; issue 10).

The AMOI takes the submitted statements, oldest first (:func:`queue`), and for each one
either validates every line (:func:`validate_all`) or proposes to refuse chosen lines,
each with a reason (:func:`propose_refusal`): those lines wait for the lot's buyer, the
others are validated. The lot's buyer — the organisation that is the operation's buyer,
a commune or the CCVG — confirms the refusal (the line is refused, its hours never count)
or overturns it (the line is validated), with a comment (:func:`decide`). Once no line
waits, the statement is settled: validated when a line counts, refused when every line was
refused (``rules.statements.settled_status``).

Services take the user and the time, change the session, audit and queue the e-mails
(they leave with the commit; no personal name in them); they never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.access import scoped
from portal.documents import mail
from portal.extensions import db
from portal.french import quantity
from portal.links import external_url
from portal.models import (
    HourLine,
    HourStatement,
    Lot,
    Market,
    Operation,
    Organisation,
    OrgKind,
    Placement,
    SubcontractorShare,
    User,
)
from portal.refusals import Refused
from portal.rules.statements import settled_status
from portal.rules.workflow import StatementStatus, next_status
from portal.statements.services import share_reference

S = StatementStatus
REASON_MAX = 2000
"""The longest reason or comment kept (a few paragraphs)."""
REASON_REQUIRED = "Indiquez le motif du refus proposé pour cette ligne."
COMMENT_REQUIRED = "Indiquez un commentaire pour expliquer votre décision."
NOTHING_CHOSEN = "Cochez au moins une ligne à refuser, ou validez tout le relevé."


# --- reading ----------------------------------------------------------------------------------


def queue(user: User, organisation_id: int | None = None, month: date | None = None) -> Select:
    """The submitted statements the AMOI must validate, oldest first (month, then the day
    they were deposited), optionally of one organisation or one month."""
    stmt = (
        scoped(HourStatement, user)
        .where(HourStatement.status == S.SUBMITTED.value)
        .options(joinedload(HourStatement.organisation))
        .order_by(HourStatement.month, HourStatement.submitted_at, HourStatement.id)
    )
    if organisation_id:
        stmt = stmt.where(HourStatement.organisation_id == organisation_id)
    if month is not None:
        stmt = stmt.where(HourStatement.month == month)
    return stmt


def queue_organisations(user: User) -> list[tuple[int, str]]:
    """The organisations with a statement waiting, for the queue's filter (one query)."""
    waiting = scoped(HourStatement, user).where(HourStatement.status == S.SUBMITTED.value)
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(waiting.with_only_columns(HourStatement.organisation_id)))
        .order_by(Organisation.name)
    )
    return [(org_id, name) for org_id, name in rows]


def pending_decisions(user: User) -> Select:
    """The lines of the buyer's lots whose refusal the AMOI proposed and that wait for its
    decision, oldest proposal first (scoped: the lot's buyer only)."""
    return (
        scoped(HourLine, user)
        .where(HourLine.status == S.REFUSAL_PROPOSED.value)
        .options(
            joinedload(HourLine.statement).joinedload(HourStatement.organisation),
            joinedload(HourLine.placement).joinedload(Placement.lot).joinedload(Lot.market),
            joinedload(HourLine.placement)
            .joinedload(Placement.share)
            .joinedload(SubcontractorShare.operation),
        )
        .order_by(HourLine.refusal_proposed_at, HourLine.id)
    )


# --- the AMOI's review ------------------------------------------------------------------------


def _month(month: date) -> str:
    return f"{month:%m/%Y}"


def _mark_reviewed(statement: HourStatement, user: User, now: datetime, action: str) -> None:
    statement.status = next_status("statement", statement.status, action).value
    statement.reviewed_by = user
    statement.reviewed_at = now


def validate_all(statement: HourStatement, user: User, now: datetime) -> None:
    """The AMOI validates every line of a submitted statement: their hours count."""
    _mark_reviewed(statement, user, now, "validate")
    for line in statement.lines:
        line.status = next_status("statement_line", line.status, "validate").value
    db.session.flush()
    audit.record(
        "statement.validated", statement, actor=user, detail=f"lignes={len(statement.lines)}"
    )
    _notify_submitter(
        statement,
        f"Relevé d'heures de {_month(statement.month)} validé",
        f"L'AMO Insertion a validé le relevé d'heures de {_month(statement.month)} "
        f"({quantity(len(statement.lines), 'ligne')}) : ses heures comptent pour la clause "
        "d'insertion.",
    )


def clean_reasons(statement: HourStatement, chosen: Mapping[int, str]) -> dict[int, str]:
    """The reasons of the chosen lines, trimmed; a :class:`Refused` when a line is not the
    statement's, when none is chosen, or when a reason is empty (French message)."""
    ids = {line.id for line in statement.lines}
    if not chosen:
        raise Refused(NOTHING_CHOSEN)
    reasons = {}
    for line_id, reason in chosen.items():
        if line_id not in ids:
            raise Refused("Cette ligne n'appartient pas à ce relevé.")
        text = (reason or "").strip()
        if not text:
            raise Refused(REASON_REQUIRED)
        reasons[line_id] = text[:REASON_MAX]
    return reasons


def propose_refusal(
    statement: HourStatement, user: User, now: datetime, chosen: Mapping[int, str]
) -> list[HourLine]:
    """The AMOI proposes to refuse the lines of ``chosen`` (line id → reason): they wait
    for the lot's buyer; the statement's other lines are validated. The buyers of the lots
    concerned are told. Returns the lines proposed."""
    reasons = clean_reasons(statement, chosen)
    _mark_reviewed(statement, user, now, "propose_refusal")
    proposed = []
    for line in statement.lines:
        if line.id in reasons:
            line.status = next_status("statement_line", line.status, "propose_refusal").value
            line.refusal_reason = reasons[line.id]
            line.refusal_proposed_by = user
            line.refusal_proposed_at = now
            proposed.append(line)
        else:
            line.status = next_status("statement_line", line.status, "validate").value
    db.session.flush()
    for line in proposed:
        audit.record("hour_line.refusal_proposed", line, actor=user)
    audit.record(
        "statement.refusal_proposed",
        statement,
        actor=user,
        detail=f"proposees={len(proposed)} validees={len(statement.lines) - len(proposed)}",
    )
    _notify_buyers(statement, proposed)
    return proposed


# --- the buyer's decision ---------------------------------------------------------------------


def decide(line: HourLine, user: User, now: datetime, *, confirm: bool, comment: str) -> None:
    """The lot's buyer confirms the refusal the AMOI proposed (the line is refused) or
    overturns it (the line is validated), with a comment. The statement is settled once no
    line waits. The submitter and the AMOI are told."""
    text = (comment or "").strip()
    if not text:
        raise Refused(COMMENT_REQUIRED)
    action = "confirm_refusal" if confirm else "overturn_refusal"
    line.status = next_status("statement_line", line.status, action).value
    line.buyer_decision = "confirmed" if confirm else "overturned"
    line.buyer_comment = text[:REASON_MAX]
    line.decided_by = user
    line.decided_at = now
    db.session.flush()
    audit.record(
        "hour_line.refusal_confirmed" if confirm else "hour_line.refusal_overturned",
        line,
        actor=user,
    )
    # Two buyers (the lots of one statement may have different buyers) may decide its last
    # two lines at once: the statement's row is locked before its lines are read again, so
    # that the second decision sees the first one and settles the statement.
    statement = db.session.scalar(
        select(HourStatement)
        .where(HourStatement.id == line.statement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    statuses = db.session.scalars(
        select(HourLine.status).where(HourLine.statement_id == statement.id)
    ).all()
    settled = settled_status(list(statuses))
    if settled is not None:
        statement.status = next_status(
            "statement", statement.status, "settle" if settled == "validated" else "confirm_refusal"
        ).value
        db.session.flush()
        audit.record("statement.settled", statement, actor=user, detail=f"statut={settled}")
    _notify_decision(line, confirm)


# --- notifications (no personal name: months, lots, counts and links) --------------------------


def _emails(org_ids: list[int]) -> list[str]:
    """Active users who have set their password (pending invitations left out)."""
    if not org_ids:
        return []
    return list(
        db.session.scalars(
            select(User.email)
            .where(
                User.organisation_id.in_(org_ids),
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
            .order_by(User.email)
        )
    )


def _facilitator_ids() -> list[int]:
    return list(
        db.session.scalars(
            select(Organisation.id).where(Organisation.kind == OrgKind.FACILITATOR.value)
        )
    )


def _send(recipients: list[str], subject: str, text: str, link: str) -> int:
    body = f"Bonjour,\n\n{text}\n\nConsulter : {link}\n\n-- Passerelle"
    for email in recipients:
        mail.queue(email, subject, body)
    return len(recipients)


def lot_label(lot: Lot) -> str:
    """« M2026-04 lot 3 – Gros œuvre »: the lot as the buyer knows it."""
    return f"{lot.market.reference} lot {lot.number} – {lot.label}"


def placement_target(placement: Placement) -> str:
    """The lot of a placement as :func:`lot_label` writes it, or its TCE share (« Groupe
    scolaire – part TCE Gros œuvre »)."""
    if placement.lot is not None:
        return lot_label(placement.lot)
    return share_reference(placement.share) if placement.share is not None else ""


def _buyers_of(lines: list[HourLine]) -> dict[int, int]:
    """Per placement id of ``lines``: the buyer of its lot's, or its TCE share's, operation."""
    lot_ids = {line.placement.lot_id for line in lines if line.placement.lot_id}
    share_ids = {line.placement.share_id for line in lines if line.placement.share_id}
    by_lot = dict(
        db.session.execute(
            select(Lot.id, Operation.buyer_id)
            .join(Market, Lot.market_id == Market.id)
            .join(Operation, Market.operation_id == Operation.id)
            .where(Lot.id.in_(lot_ids))
        ).all()
    )
    by_share = dict(
        db.session.execute(
            select(SubcontractorShare.id, Operation.buyer_id)
            .join(Operation, SubcontractorShare.operation_id == Operation.id)
            .where(SubcontractorShare.id.in_(share_ids))
        ).all()
    )
    return {
        line.placement_id: (
            by_lot[line.placement.lot_id]
            if line.placement.lot_id
            else by_share[line.placement.share_id]
        )
        for line in lines
    }


def _notify_submitter(statement: HourStatement, subject: str, text: str) -> int:
    link = external_url("statements.show", statement_id=statement.id)
    return _send(_emails([statement.organisation_id]), subject, text, link)


def _notify_buyers(statement: HourStatement, proposed: list[HourLine]) -> int:
    """Each lot's buyer is told how many lines of its lots wait for its decision."""
    by_buyer: dict[int, list[HourLine]] = defaultdict(list)
    buyers = _buyers_of(proposed)
    for line in proposed:
        by_buyer[buyers[line.placement_id]].append(line)
    sent = 0
    link = external_url("statements.refusals")
    for buyer_id, lines in by_buyer.items():
        hours = sum((line.hours for line in lines), Decimal(0))
        lots = sorted({placement_target(line.placement) for line in lines})
        text = (
            f"L'AMO Insertion propose de ne pas prendre en compte "
            f"{quantity(len(lines), 'ligne')} d'heures ({_hours(hours)} h) du relevé de "
            f"{_month(statement.month)} de {statement.organisation.name}, sur "
            f"{'vos lots' if len(lots) > 1 else 'votre lot'} : {', '.join(lots)}.\n\n"
            "Convention, article 4 : il vous revient de confirmer ou d'écarter chaque refus, "
            "avec un commentaire."
        )
        sent += _send(
            _emails([buyer_id]),
            f"Relevé d'heures de {_month(statement.month)} : refus à décider",
            text,
            link,
        )
    return sent


def _notify_decision(line: HourLine, confirm: bool) -> int:
    statement = line.statement
    verdict = (
        "a confirmé le refus : ses heures ne compteront pas pour la clause"
        if confirm
        else "a écarté le refus : ses heures comptent pour la clause"
    )
    text = (
        f"Sur le relevé d'heures de {_month(statement.month)} de {statement.organisation.name}, "
        f"le maître d'ouvrage du lot {placement_target(line.placement)} {verdict} "
        f"(ligne de {_hours(line.hours)} h). Son commentaire figure sur la page du relevé."
    )
    subject = f"Relevé d'heures de {_month(statement.month)} : décision de l'acheteur"
    link = external_url("statements.show", statement_id=statement.id)
    return _send(_emails([statement.organisation_id, *_facilitator_ids()]), subject, text, link)


def _hours(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
