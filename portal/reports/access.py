"""Who reads and writes the reports (docs/permissions.md; docs/domain.md §9).

- The AMOI: every report; it writes the text and delivers.
- A buyer: the reports of its own operations (the CCVG: its communes' too), read only.
- Companies, structures, prescribers: none (the pages' policy refuses them; the scope
  rule gives them nothing).
"""

from __future__ import annotations

from sqlalchemy import Select

from portal.access import Role, scope_rule, scoped
from portal.models import Operation, Report, User


@scope_rule(Report)
def _reports(stmt: Select, user: User) -> Select:
    """A buyer: the reports of the operations it sees. Everyone else: none."""
    if user.role is Role.BUYER:
        operations = scoped(Operation, user).with_only_columns(Operation.id)
        return stmt.where(Report.operation_id.in_(operations))
    return stmt.where(False)
