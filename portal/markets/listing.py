"""Filters shared by the operations list, the lots list and their exports, so that an
export holds exactly what the screen shows (same scoping, same filters)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import request
from sqlalchemy import Select, extract, func, or_, select

from portal.access import scoped
from portal.extensions import db
from portal.models import Lot, Market, Operation, Organisation
from portal.rules.markets import LegalBasis
from portal.rules.workflow import OperationStatus
from portal.web.params import int_arg, year_arg


@dataclass(frozen=True)
class Filters:
    q: str = ""
    acheteur: str = ""
    statut: str = ""
    annee: str = ""
    fondement: str = ""

    @classmethod
    def from_request(cls) -> Filters:
        """Read the query string; unknown values are dropped (never an error)."""
        args = request.args
        status = args.get("statut", "")
        basis = args.get("fondement", "")
        return cls(
            q=args.get("q", "").strip()[:100],
            acheteur=str(int_arg("acheteur") or ""),
            statut=status if status in {s.value for s in OperationStatus} else "",
            annee=str(year_arg() or ""),
            fondement=basis if basis in {b.value for b in LegalBasis} else "",
        )

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def query_args(self) -> dict[str, str]:
        """Only the filters in use, for links (pagination, exports)."""
        return {k: v for k, v in asdict(self).items() if v}


def operation_year():
    """The operation's year: its start date, else its creation date."""
    return func.coalesce(
        extract("year", Operation.start_date), extract("year", Operation.created_at)
    )


def filter_operations(stmt: Select, filters: Filters, *, text_on_lots: bool = False) -> Select:
    """Apply the filters to a statement whose FROM reaches ``Operation``."""
    if filters.acheteur:
        stmt = stmt.where(Operation.buyer_id == int(filters.acheteur))
    if filters.statut:
        stmt = stmt.where(Operation.status == filters.statut)
    if filters.annee:
        stmt = stmt.where(operation_year() == int(filters.annee))
    if filters.fondement:
        with_basis = select(Market.operation_id).where(Market.legal_basis == filters.fondement)
        stmt = stmt.where(Operation.id.in_(with_basis))
    if filters.q:
        like = f"%{filters.q}%"
        conditions = [Operation.name.ilike(like)]
        if text_on_lots:
            conditions += [Lot.title.ilike(like), Market.reference.ilike(like)]
        stmt = stmt.where(or_(*conditions))
    return stmt


def operations_statement(filters: Filters) -> Select:
    return filter_operations(scoped(Operation), filters).order_by(
        Operation.created_at.desc(), Operation.id.desc()
    )


def lots_statement(filters: Filters) -> Select:
    """Lots the user may see, joined to their market and operation, filtered."""
    stmt = scoped(Lot).join(Lot.market).join(Market.operation)
    if filters.fondement:
        stmt = stmt.where(Market.legal_basis == filters.fondement)
    return filter_operations(stmt, filters, text_on_lots=True).order_by(
        Operation.name, Market.reference, Lot.number
    )


def _reachable(lots: bool) -> Select:
    if lots:
        return scoped(Lot).join(Lot.market).join(Market.operation)
    return scoped(Operation)


def buyer_choices(lots: bool = False) -> list[Organisation]:
    """Buyers the user may filter on: those of the operations (or lots) it can see."""
    ids = _reachable(lots).with_only_columns(Operation.buyer_id)
    return db.session.scalars(
        select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
    ).all()


def year_choices(lots: bool = False) -> list[int]:
    """Years of the operations (or lots) the user can see, most recent first."""
    years = db.session.scalars(
        _reachable(lots).with_only_columns(operation_year()).distinct()
    ).all()
    return sorted({int(y) for y in years if y is not None}, reverse=True)
