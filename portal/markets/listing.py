"""Filters shared by the operations list, the lots list and their exports, so that an
export holds exactly what the screen shows (same scoping, same filters), declared once
with :mod:`portal.web.listing`."""

from __future__ import annotations

from sqlalchemy import Select, extract, func, or_, select

from portal.access import scoped
from portal.extensions import db
from portal.models import Lot, Market, Operation, Organisation
from portal.rules.markets import LegalBasis
from portal.rules.workflow import STATUS_LABELS, OperationStatus
from portal.web.listing import Filter, Filters, FilterSet, pairs


def _status_choices() -> list[tuple[str, str]]:
    return [(s.value, STATUS_LABELS["operation"][s]) for s in OperationStatus]


BASIS_CHOICES = [(b.value, b.label) for b in LegalBasis]


def _filters(search_label: str, *, lots: bool) -> FilterSet:
    """The filters of the operations list (or the lots list and its exports)."""
    return FilterSet(
        Filter("q", search_label, "text"),
        Filter(
            "acheteur",
            "Acheteur",
            "id",
            lambda: pairs(buyer_choices(lots)),
            "Tous les acheteurs",
            min_options=2,
        ),
        Filter("statut", "Statut de l'opération", "choice", _status_choices(), "Tous les statuts"),
        Filter(
            "annee",
            "Année",
            "year",
            lambda: [(y, y) for y in year_choices(lots)],
            "Toutes les années",
        ),
        Filter("fondement", "Fondement juridique", "choice", BASIS_CHOICES, "Tous les fondements"),
    )


OPERATION_FILTERS = _filters("Rechercher une opération", lots=False)
LOT_FILTERS = _filters("Rechercher (opération, lot, marché)", lots=True)


def operation_year():
    """The operation's year: its start date, else its creation date."""
    return func.coalesce(
        extract("year", Operation.start_date), extract("year", Operation.created_at)
    )


def filter_operations(stmt: Select, filters: Filters, *, text_on_lots: bool = False) -> Select:
    """Apply the filters to a statement whose FROM reaches ``Operation``."""
    buyer, status, year, basis, text = (
        filters.parsed[name] for name in ("acheteur", "statut", "annee", "fondement", "q")
    )
    if buyer:
        stmt = stmt.where(Operation.buyer_id == buyer)
    if status:
        stmt = stmt.where(Operation.status == status)
    if year:
        stmt = stmt.where(operation_year() == year)
    if basis:
        with_basis = select(Market.operation_id).where(Market.legal_basis == basis)
        stmt = stmt.where(Operation.id.in_(with_basis))
    if text:
        like = f"%{text}%"
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
    if filters.parsed["fondement"]:
        stmt = stmt.where(Market.legal_basis == filters.parsed["fondement"])
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
