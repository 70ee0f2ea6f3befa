"""Read-only queries of the census (scoped to the user): the years and buyers offered as
filters, and the yearly census point per buyer (convention art. 3; docs/domain.md §4.1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import extract
from sqlalchemy.orm import joinedload

from portal.access import scoped
from portal.extensions import db
from portal.models import Organisation, OrgKind, PurchaseDeclaration
from portal.rules.workflow import DeclarationStatus

STATUSES = list(DeclarationStatus)


def year_range(year: int):
    return PurchaseDeclaration.planned_publication.between(date(year, 1, 1), date(year, 12, 31))


def years(*extra: int) -> list[int]:
    """Years that have visible declarations, plus ``extra`` (the current year), newest first."""
    year = extract("year", PurchaseDeclaration.planned_publication)
    found = db.session.scalars(scoped(PurchaseDeclaration).with_only_columns(year).distinct())
    return sorted({int(y) for y in found if y is not None} | set(extra), reverse=True)


def visible_buyers() -> list[Organisation]:
    """The buyers the user may filter on: all (AMOI), the CCVG and its communes, or oneself."""
    return db.session.scalars(
        scoped(Organisation).where(Organisation.kind == OrgKind.BUYER).order_by(Organisation.name)
    ).all()


@dataclass
class BuyerSummary:
    """One buyer's line of the yearly census point (``buyer`` None for the totals)."""

    buyer: Organisation | None
    declarations: list[PurchaseDeclaration] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.declarations)

    @property
    def by_status(self) -> dict[str, int]:
        counts = {s.value: 0 for s in STATUSES}
        for declaration in self.declarations:
            counts[declaration.status] += 1
        return counts

    @property
    def total(self) -> Decimal:
        return sum((d.estimated_amount for d in self.declarations), Decimal("0"))


def summary_rows(year: int) -> list[BuyerSummary]:
    """Every active buyer (so that one that declared nothing shows up) and every buyer
    with a declaration published in ``year``, by name."""
    declarations = db.session.scalars(
        scoped(PurchaseDeclaration)
        .where(year_range(year))
        .options(joinedload(PurchaseDeclaration.buyer), joinedload(PurchaseDeclaration.operation))
        .order_by(PurchaseDeclaration.planned_publication, PurchaseDeclaration.id)
    ).all()
    buyers = db.session.scalars(
        scoped(Organisation).where(
            Organisation.kind == OrgKind.BUYER, Organisation.active.is_(True)
        )
    ).all()
    rows = {buyer.id: BuyerSummary(buyer) for buyer in buyers}
    for declaration in declarations:
        rows.setdefault(declaration.buyer_id, BuyerSummary(declaration.buyer))
        rows[declaration.buyer_id].declarations.append(declaration)
    return sorted(rows.values(), key=lambda row: row.buyer.name.casefold())
