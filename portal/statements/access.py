"""Who sees the monthly hour statements (docs/permissions.md; docs/domain.md §7).

- The AMOI: every statement and line.
- A company or structure: the statements of its own organisation and their lines; another
  organisation's statement is a 404 through the scope rules.
- Buyers: the lines of their own lots that went through the refusal workflow (the AMOI
  proposed to refuse them), to decide them (convention art. 4) — the lot's buyer only,
  the organisation that is the operation's buyer: a commune for its lots, the CCVG for
  its own; the CCVG does not decide a commune's lines, nor a commune another's. No
  statement row: a buyer reads validated hours as aggregates only.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from portal.access import Role, is_facilitator, predicate, scope_rule
from portal.models import (
    HourLine,
    HourStatement,
    Lot,
    Market,
    Operation,
    Placement,
    StatementReminder,
    SubcontractorShare,
    User,
)
from portal.rules.workflow import StatementStatus

DECLARERS = (Role.COMPANY, Role.STRUCTURE)


@scope_rule(HourStatement)
def _statements(stmt: Select, user: User) -> Select:
    """A company or structure: its own organisation's statements."""
    if user.role in DECLARERS:
        return stmt.where(HourStatement.organisation_id == user.organisation_id)
    return stmt.where(False)


def buyer_lot_ids(organisation_id: int) -> Select:
    """The ids of the lots whose operation's buyer is exactly ``organisation_id`` (not the
    CCVG's communes: the buyer of the lot decides its refusals, docs/domain.md §7)."""
    return (
        select(Lot.id)
        .join(Market, Lot.market_id == Market.id)
        .join(Operation, Market.operation_id == Operation.id)
        .where(Operation.buyer_id == organisation_id)
    )


def buyer_share_ids(organisation_id: int) -> Select:
    """The ids of the TCE shares whose operation's buyer is exactly ``organisation_id`` (a
    share has no lot: its operation's buyer decides its refusals, docs/domain.md §7.2)."""
    return (
        select(SubcontractorShare.id)
        .join(Operation, SubcontractorShare.operation_id == Operation.id)
        .where(Operation.buyer_id == organisation_id)
    )


@scope_rule(HourLine)
def _lines(stmt: Select, user: User) -> Select:
    """A line follows its statement (company, structure); a buyer sees the lines of its
    own lots that the AMOI proposed to refuse (pending or decided), nothing else."""
    if user.role in DECLARERS:
        own = select(HourStatement.id).where(HourStatement.organisation_id == user.organisation_id)
        return stmt.where(HourLine.statement_id.in_(own))
    if user.role is Role.BUYER:
        placements = select(Placement.id).where(
            Placement.lot_id.in_(buyer_lot_ids(user.organisation_id))
            | Placement.share_id.in_(buyer_share_ids(user.organisation_id))
        )
        return stmt.where(
            HourLine.refusal_proposed_at.is_not(None), HourLine.placement_id.in_(placements)
        )
    return stmt.where(False)


@predicate
def can_upload_statement(user: User | None) -> bool:
    """A structure uploads the statements of the contracts it carries; the AMOI may upload
    on a structure's behalf (issue 10; docs/domain.md §6 and §7)."""
    return user is not None and (is_facilitator(user) or user.role is Role.STRUCTURE)


@predicate
def can_review_statement(user: User | None, statement: HourStatement) -> bool:
    """The AMOI validates a submitted statement or proposes to refuse some of its lines
    (convention art. 4: « sur proposition de l'AMO Insertion »)."""
    return (
        user is not None
        and is_facilitator(user)
        and statement.status == StatementStatus.SUBMITTED.value
    )


@predicate
def can_decide_refusal(user: User | None, line: HourLine) -> bool:
    """The lot's buyer confirms or overturns a refusal the AMOI proposed (convention art. 4:
    the buyer « refuse, sur proposition de l'AMO Insertion »). The line must already be
    in the user's scope (loaded through ``scoped``, which keeps the lot's buyer only)."""
    return (
        user is not None
        and user.role is Role.BUYER
        and line.status == StatementStatus.REFUSAL_PROPOSED.value
    )


@scope_rule(StatementReminder)
def _reminders(stmt: Select, user: User) -> Select:
    """The reminders' log: the AMOI only (it sends them); nobody else reads it."""
    return stmt.where(False)
