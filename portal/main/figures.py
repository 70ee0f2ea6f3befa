"""Real figures for each role's home page (never invented): counts and sums over exactly
what the user may see (``access.scoped``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.access import buyer_org_ids, scoped
from portal.extensions import db
from portal.models import (
    AuditEvent,
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
from portal.rules.workflow import DeclarationStatus, OperationStatus, QuoteStatus


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _planned_hours(lots_stmt) -> int:
    sub = lots_stmt.with_only_columns(Lot.planned_hours).subquery()
    return db.session.scalar(select(func.coalesce(func.sum(sub.c.planned_hours), 0))) or 0


def operations_by_status() -> list[tuple[OperationStatus, int]]:
    sub = scoped(Operation).subquery()
    counts = dict(
        db.session.execute(select(sub.c.status, func.count()).group_by(sub.c.status)).all()
    )
    return [(status, counts.get(status.value, 0)) for status in OperationStatus]


def facilitator_figures() -> dict:
    """The AMOI's to-do: declarations to review, operations in preparation."""
    return {
        "declarations_to_review": _count(
            scoped(PurchaseDeclaration).where(
                PurchaseDeclaration.status == DeclarationStatus.SUBMITTED
            )
        ),
        "operations": operations_by_status(),
        "planned_hours": _planned_hours(
            scoped(Lot)
            .join(Lot.market)
            .join(Market.operation)
            .where(Operation.status != OperationStatus.CLOSED)
        ),
        "draft_quotes": _count(scoped(Quote).where(Quote.status == QuoteStatus.DRAFT)),
        "unpaid_invoices": _count(scoped(Invoice).where(Invoice.status == InvoiceStatus.ISSUED)),
    }


def buyer_figures() -> dict:
    """A buyer's operations and the hours they plan, its census declarations."""
    declarations = scoped(PurchaseDeclaration).subquery()
    by_status = dict(
        db.session.execute(
            select(declarations.c.status, func.count()).group_by(declarations.c.status)
        ).all()
    )
    return {
        "operations": operations_by_status(),
        "planned_hours": _planned_hours(scoped(Lot)),
        "declarations": [(s, by_status.get(s.value, 0)) for s in DeclarationStatus],
        "quotes_to_approve": _count(scoped(Quote).where(Quote.status == QuoteStatus.SUBMITTED)),
    }


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
    share_hours = db.session.scalar(
        select(func.coalesce(func.sum(SubcontractorShare.hours), 0)).where(
            SubcontractorShare.id.in_(
                scoped(SubcontractorShare).with_only_columns(SubcontractorShare.id)
            )
        )
    )
    return {
        "lot_count": _count(lots),
        "planned_hours": _planned_hours(lots),
        "recent_lots": recent,
        "share_count": _count(scoped(SubcontractorShare)),
        "share_hours": share_hours or 0,
    }


def people_counts(*, with_denials: bool) -> dict:
    """The AMOI's directory at a glance: active organisations per kind, accounts active or
    invited, and (for admins) the refused accesses recorded."""
    counts = dict(
        db.session.execute(
            select(Organisation.kind, func.count())
            .where(Organisation.active.is_(True))
            .group_by(Organisation.kind)
        ).all()
    )
    result = {
        "org_counts": [(kind, counts.get(kind.value, 0)) for kind in OrgKind],
        "pending_invitations": db.session.scalar(
            select(func.count()).select_from(User).where(User.password_hash.is_(None), User.active)
        ),
        "active_users": db.session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.password_hash.is_not(None), User.active)
        ),
    }
    if with_denials:
        result["recent_denials"] = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "access.denied")
        )
    return result


def member_communes(ccvg: Organisation) -> list[Organisation]:
    """The communes of the coordinating buyer."""
    ids = [i for i in buyer_org_ids(ccvg) if i != ccvg.id]
    return db.session.scalars(
        select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
    ).all()
