"""Who reads and writes the reports (docs/permissions.md; docs/domain.md §9).

- The AMOI: every report; it writes the text and delivers.
- A buyer: the reports of its own operations (the CCVG: its communes' too), read only.
- The territory report: the AMOI and the CCVG (``can_read_territory``).
- Companies, structures, prescribers: none (the pages' policy refuses them; the scope
  rule gives them nothing).
- A reserved market's commitments of support (``SupportCommitment``, ``SupportAction``;
  docs/domain.md §9.1): the AMOI enters and corrects them; the SIAE holding the lot sees
  its own commitments and records its actions; the buyers of the market read them.
"""

from __future__ import annotations

from sqlalchemy import Select, or_

from portal.access import Role, predicate, scope_rule, scoped
from portal.models import (
    Market,
    Operation,
    Report,
    ReportKind,
    SupportAction,
    SupportCommitment,
    User,
)


@scope_rule(Report)
def _reports(stmt: Select, user: User) -> Select:
    """A buyer: the reports of the operations it sees. Everyone else: none."""
    if user.role is Role.BUYER:
        operations = scoped(Operation, user).with_only_columns(Operation.id)
        mine = Report.operation_id.in_(operations)
        if can_read_territory(user):
            return stmt.where(or_(mine, Report.kind == ReportKind.TERRITORY_ANNUAL.value))
        return stmt.where(mine)
    return stmt.where(False)


@predicate
def can_read_territory(user: User | None) -> bool:
    """The territory report (all operations, per buyer): the AMOI and the coordinating
    buyer (the CCVG), not its communes (docs/domain.md §9)."""
    if user is None:
        return False
    if user.role is Role.FACILITATOR:
        return True
    org = user.organisation
    return user.role is Role.BUYER and org.parent_id is None and bool(org.members)


HOLDERS = (Role.COMPANY, Role.STRUCTURE)
"""The roles a lot's holder has: an SIAE is a structure, an ESAT or an EA a company."""


@scope_rule(SupportCommitment)
def _commitments(stmt: Select, user: User) -> Select:
    """A buyer: the commitments on the markets it sees. The SIAE: its own commitments.
    Everyone else: none (docs/domain.md §9.1)."""
    if user.role is Role.BUYER:
        markets = scoped(Market, user).with_only_columns(Market.id)
        return stmt.where(SupportCommitment.market_id.in_(markets))
    if user.role in HOLDERS:
        return stmt.where(SupportCommitment.organisation_id == user.organisation_id)
    return stmt.where(False)


@scope_rule(SupportAction)
def _actions(stmt: Select, user: User) -> Select:
    """Actions follow their commitment."""
    commitments = scoped(SupportCommitment, user).with_only_columns(SupportCommitment.id)
    return stmt.where(SupportAction.commitment_id.in_(commitments))


@predicate
def can_manage_commitments(user: User | None) -> bool:
    """The commitments of support are entered from the SIAE's technical memo by the AMOI,
    who also corrects the actions recorded (annexe 2; docs/domain.md §9.1)."""
    return user is not None and user.role is Role.FACILITATOR


@predicate
def can_record_support_action(user: User | None, commitment: SupportCommitment) -> bool:
    """The AMOI, or the SIAE whose commitment it is, records an action done against it
    (docs/domain.md §9.1)."""
    if user is None:
        return False
    if user.role is Role.FACILITATOR:
        return True
    return user.role in HOLDERS and commitment.organisation_id == user.organisation_id
