"""Who reads and writes the reports (docs/permissions.md; docs/domain.md §9).

- The AMOI: every report; it writes the text and delivers.
- A buyer: the reports of its own operations (the CCVG: its communes' too), read only.
- The territory report: the AMOI and the CCVG (``can_read_territory``).
- Companies, structures, prescribers: none (the pages' policy refuses them; the scope
  rule gives them nothing).
"""

from __future__ import annotations

from sqlalchemy import Select, or_

from portal.access import Role, predicate, scope_rule, scoped
from portal.models import Operation, Report, ReportKind, User


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
