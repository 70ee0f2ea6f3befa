"""Who sees the monthly hour statements (docs/permissions.md; docs/domain.md §7).

- The AMOI: every statement and line.
- A company or structure: the statements of its own organisation and their lines; another
  organisation's statement is a 404 through the scope rules.
- Buyers: no row for now (the lines of their lots come with the refusal workflow); they
  read validated hours as aggregates only.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from portal.access import Role, is_facilitator, predicate, scope_rule
from portal.models import HourLine, HourStatement, StatementReminder, User

DECLARERS = (Role.COMPANY, Role.STRUCTURE)


@scope_rule(HourStatement)
def _statements(stmt: Select, user: User) -> Select:
    """A company or structure: its own organisation's statements."""
    if user.role in DECLARERS:
        return stmt.where(HourStatement.organisation_id == user.organisation_id)
    return stmt.where(False)


@scope_rule(HourLine)
def _lines(stmt: Select, user: User) -> Select:
    """A line follows its statement."""
    if user.role in DECLARERS:
        own = select(HourStatement.id).where(HourStatement.organisation_id == user.organisation_id)
        return stmt.where(HourLine.statement_id.in_(own))
    return stmt.where(False)


@predicate
def can_upload_statement(user: User | None) -> bool:
    """A structure uploads the statements of the contracts it carries; the AMOI may upload
    on a structure's behalf (issue 10; docs/domain.md §6 and §7)."""
    return user is not None and (is_facilitator(user) or user.role is Role.STRUCTURE)


@scope_rule(StatementReminder)
def _reminders(stmt: Select, user: User) -> Select:
    """The reminders' log: the AMOI only (it sends them); nobody else reads it."""
    return stmt.where(False)
