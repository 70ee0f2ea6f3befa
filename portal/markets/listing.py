"""Filters shared by the operations list, the lots list and their exports, so that an
export holds exactly what the screen shows (same scoping, same filters), declared once
with :mod:`portal.web.listing`."""

from __future__ import annotations

from flask import g
from sqlalchemy import Select, extract, func, or_, select, union

from portal.access import Role, scoped
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


def _operation_conditions(filters: Filters) -> list:
    """The filters that bear on the operation itself: buyer, status, year."""
    buyer, status, year = (filters.parsed[name] for name in ("acheteur", "statut", "annee"))
    conditions = []
    if buyer:
        conditions.append(Operation.buyer_id == buyer)
    if status:
        conditions.append(Operation.status == status)
    if year:
        conditions.append(operation_year() == year)
    return conditions


def filter_operations(stmt: Select, filters: Filters) -> Select:
    """Apply the filters to a statement whose FROM reaches ``Operation``."""
    basis, text = filters.parsed["fondement"], filters.parsed["q"]
    stmt = stmt.where(*_operation_conditions(filters))
    if basis:
        with_basis = select(Market.operation_id).where(Market.legal_basis == basis)
        stmt = stmt.where(Operation.id.in_(with_basis))
    if text:
        stmt = stmt.where(Operation.name.ilike(f"%{text}%"))
    return stmt


def operations_statement(filters: Filters) -> Select:
    return filter_operations(scoped(Operation), filters).order_by(
        Operation.created_at.desc(), Operation.id.desc()
    )


def lot_conditions(filters: Filters) -> list:
    """The filters as conditions on ``lots`` alone, each table matched on its own
    (``lots.market_id IN (markets … IN (operations …))``): they need no join, so the count
    runs on ``lots`` and the join is made once, for the order. The text is looked for, case
    aside, in the lot's title, its market's reference and its operation's name."""
    basis, text = filters.parsed["fondement"], filters.parsed["q"]
    conditions = []
    on_markets = [Market.legal_basis == basis] if basis else []
    if on_operations := _operation_conditions(filters):
        on_markets.append(Market.operation_id.in_(select(Operation.id).where(*on_operations)))
    if on_markets:
        conditions.append(Lot.market_id.in_(select(Market.id).where(*on_markets)))
    if text:
        like = f"%{text}%"
        named = select(Operation.id).where(Operation.name.ilike(like))
        markets = select(Market.id).where(
            or_(Market.reference.ilike(like), Market.operation_id.in_(named))
        )
        titled = select(Lot.id).where(Lot.title.ilike(like))
        # A union rather than an OR: each side can use its index (the titles' trigram index
        # on PostgreSQL, migration 0009_lots_search; lots.market_id).
        conditions.append(
            Lot.id.in_(union(titled, select(Lot.id).where(Lot.market_id.in_(markets))))
        )
    return conditions


def lots_counted(filters: Filters) -> Select:
    """The lots the user may see, filtered, without the joins (what the total counts)."""
    return scoped(Lot).where(*lot_conditions(filters)).with_only_columns(Lot.id)


LOT_ORDER = (Operation.name, Market.reference, Lot.number)


def lots_statement(filters: Filters) -> Select:
    """Lots the user may see, filtered, joined once to their market and operation (for the
    order; an export reads them with ``contains_eager``), in the list's order."""
    return (
        scoped(Lot)
        .where(*lot_conditions(filters))
        .join(Lot.market)
        .join(Market.operation)
        .order_by(*LOT_ORDER)
    )


def lot_ids_statement(filters: Filters) -> Select:
    """The ids of :func:`lots_statement` only: the sort carries no other column."""
    return lots_statement(filters).with_only_columns(Lot.id)


def _sees_operations() -> bool:
    """The facilitator and the buyers see operations; companies and structures see the lots
    they hold (``scoped(Operation)`` is empty for them)."""
    return g.role in (Role.FACILITATOR, Role.BUYER)


def _reachable(lots: bool) -> Select:
    """Where the filter choices come from: the operations the user may see — for the lots
    list too (2,000 operations, not the 10,000-lot join) — or, for a company or a
    structure, the few lots it holds."""
    if lots and not _sees_operations():
        return scoped(Lot).join(Lot.market).join(Market.operation)
    return scoped(Operation)


def buyer_choices(lots: bool = False) -> list:
    """Buyers the user may filter on: those of the operations (or lots) it can see, as
    ``(id, name)`` rows."""
    ids = _reachable(lots).with_only_columns(Operation.buyer_id)
    return db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(ids))
        .order_by(Organisation.name)
    ).all()


def year_choices(lots: bool = False) -> list[int]:
    """Years of the operations (or lots) the user can see, most recent first."""
    years = db.session.scalars(
        _reachable(lots).with_only_columns(operation_year()).distinct()
    ).all()
    return sorted({int(y) for y in years if y is not None}, reverse=True)
