"""Real figures for each role's home page (never invented): counts and sums over exactly
what the user may see (``access.scoped``)."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portal.access import scoped
from portal.extensions import db
from portal.models import (
    AuditEvent,
    HourLine,
    HourStatement,
    Invoice,
    InvoiceStatus,
    Lot,
    Market,
    Operation,
    Organisation,
    OrgKind,
    PurchaseDeclaration,
    Quote,
    SubcontractorShare,
    User,
)
from portal.rules.workflow import (
    DeclarationStatus,
    OperationStatus,
    QuoteStatus,
    StatementStatus,
)
from portal.statements import progress as hours_progress


def _count(stmt: Select) -> Select:
    """``SELECT count(*)`` of a statement's rows, over its own table (no wide subquery)."""
    return stmt.with_only_columns(func.count(), maintain_column_froms=True)


def _sum(stmt: Select, column) -> Select:
    return stmt.with_only_columns(func.coalesce(func.sum(column), 0), maintain_column_froms=True)


def _at_once(**figures: Select) -> dict:
    """Several one-number figures, each an aggregate over its own table, read in one
    statement (``SELECT (SELECT count(*) …), (SELECT sum(…) …), …``): one round trip
    instead of one per figure."""
    row = db.session.execute(
        select(*(stmt.scalar_subquery().label(name) for name, stmt in figures.items()))
    ).one()
    return {name: value or 0 for name, value in row._mapping.items()}


def _by_status(stmt: Select, column, statuses) -> list:
    """``(status, count)`` for every status, zeros included, in one grouped statement."""
    grouped = stmt.with_only_columns(column, func.count()).group_by(column)
    counts = dict(db.session.execute(grouped).all())
    return [(status, counts.get(status.value, 0)) for status in statuses]


def operations_by_status() -> list[tuple[OperationStatus, int]]:
    return _by_status(scoped(Operation), Operation.status, OperationStatus)


def _open_lots_hours() -> Select:
    """The hours planned by the lots of operations that are not closed: the lots outside
    the (few) markets of closed operations, without joining every lot to its operation."""
    closed = (
        select(Market.id).join(Market.operation).where(Operation.status == OperationStatus.CLOSED)
    )
    return _sum(scoped(Lot).where(Lot.market_id.not_in(closed)), Lot.planned_hours)


def _refusals_pending() -> Select:
    """Hour lines whose refusal the AMOI proposed, waiting for the lot's buyer (a buyer:
    those of its own lots, by the scope rule; docs/domain.md §7.2)."""
    return _count(scoped(HourLine).where(HourLine.status == StatementStatus.REFUSAL_PROPOSED))


def facilitator_figures(*, people: bool = False, with_denials: bool = False) -> dict:
    """The AMOI's to-do: declarations to review, operations in preparation; with
    ``people``, its directory at a glance (:func:`people_counts`), in the same statement."""
    figures = {
        "declarations_to_review": _count(
            scoped(PurchaseDeclaration).where(
                PurchaseDeclaration.status == DeclarationStatus.SUBMITTED
            )
        ),
        "planned_hours": _open_lots_hours(),
        "draft_quotes": _count(scoped(Quote).where(Quote.status == QuoteStatus.DRAFT)),
        "unpaid_invoices": _count(scoped(Invoice).where(Invoice.status == InvoiceStatus.ISSUED)),
        "statements_to_validate": _count(
            scoped(HourStatement).where(HourStatement.status == StatementStatus.SUBMITTED)
        ),
        "refusals_pending": _refusals_pending(),
    }
    if people:
        figures.update(_people_figures(with_denials))
    result = _at_once(**figures)
    result["operations"] = operations_by_status()
    return result


def buyer_figures() -> dict:
    """A buyer's operations and the hours they plan, its census declarations."""
    result = _at_once(
        planned_hours=_sum(scoped(Lot), Lot.planned_hours),
        quotes_to_approve=_count(scoped(Quote).where(Quote.status == QuoteStatus.SUBMITTED)),
        refusals_pending=_refusals_pending(),
    )
    result["operations"] = operations_by_status()
    result["declarations"] = _by_status(
        scoped(PurchaseDeclaration), PurchaseDeclaration.status, DeclarationStatus
    )
    return result


def holder_figures(limit: int = 5) -> dict:
    """A company's or structure's lots, their planned hours, the TCE shares it carries."""
    lots = scoped(Lot)
    recent = db.session.scalars(
        lots.options(
            joinedload(Lot.market).joinedload(Market.operation).joinedload(Operation.buyer)
        )
        .order_by(Lot.id.desc())
        .limit(limit)
    ).all()
    shares = scoped(SubcontractorShare)
    result = _at_once(
        lot_count=_count(lots),
        planned_hours=_sum(lots, Lot.planned_hours),
        share_count=_count(shares),
        share_hours=_sum(shares, SubcontractorShare.hours),
    )
    result["recent_lots"] = recent
    return result


PEOPLE_FIGURES = ("pending_invitations", "active_users", "recent_denials")


def _people_figures(with_denials: bool) -> dict:
    """The AMOI's directory at a glance: accounts active or invited, and (for admins) the
    refused accesses recorded."""
    users = select(User).where(User.active)
    figures = {
        "pending_invitations": _count(users.where(User.password_hash.is_(None))),
        "active_users": _count(users.where(User.password_hash.is_not(None))),
    }
    if with_denials:
        figures["recent_denials"] = _count(
            select(AuditEvent).where(AuditEvent.action == "access.denied")
        )
    return figures


def organisations_by_kind() -> list[tuple[OrgKind, int]]:
    """Active organisations per kind (the AMOI's directory)."""
    return _by_status(
        select(Organisation).where(Organisation.active.is_(True)), Organisation.kind, OrgKind
    )


def member_communes(ccvg: Organisation) -> list[Organisation]:
    """The communes of the coordinating buyer, read once: they fill ``ccvg.members``, so
    that the scope rules that follow (``buyer_org_ids``) do not load them again."""
    communes = db.session.scalars(
        select(Organisation).where(Organisation.parent_id == ccvg.id).order_by(Organisation.name)
    ).all()
    set_committed_value(ccvg, "members", communes)
    return communes


def progress_figures(day) -> dict:
    """Validated hours against planned on the lots in scope of operations not closed, the
    lots « en retard » or silent for two months (issue 10; docs/domain.md §7.4): two
    aggregate queries (``statements.progress.progress_of``). Hours and counts; the
    template shows lot labels to the AMOI and holders only, never a person's name."""
    closed = (
        select(Market.id).join(Market.operation).where(Operation.status == OperationStatus.CLOSED)
    )
    return hours_progress.summary(scoped(Lot).where(Lot.market_id.not_in(closed)), day)
