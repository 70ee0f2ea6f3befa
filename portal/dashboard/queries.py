"""The dashboard's aggregates (docs/domain.md §9, « Tableau de bord »): a handful of GROUP BY
queries over the lots the user may see, whatever their number; never a name, never a
Python loop over hour lines. Only validated hour lines count
(``portal.statements.queries.COUNTED``).

The year: validated hours and people are those of the lines whose month falls in the year;
planned hours are those of the lots *running in the year* (their dates, else their
operation's, overlap the year; a lot without any date counts in every year until it has
one); exits are the placements that ended in the year. Lots behind pace are computed by
``portal.statements.progress`` (two queries) on the running lots only.

The reach: the AMOI every lot; a buyer the lots of its operations (the CCVG its communes'
too); a company the lots it holds (``scoped(Lot)``); a structure the hours of the
placements it declared, wherever they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, func, or_, select

from portal.access import Role, scoped
from portal.extensions import db
from portal.models import (
    HourLine,
    Lot,
    LotMonthHours,
    LotYearPerson,
    Market,
    Operation,
    Organisation,
    Placement,
    User,
)
from portal.rules.hours import DEFAULT_FTE_DIVISOR, TRADES, fte
from portal.rules.reporting import (
    EXIT_CATEGORY_LABELS,
    ExitCategory,
    dynamic_exit_rate,
)
from portal.statements.progress import flagged_lot_ids, progress_of
from portal.statements.queries import COUNTED

ZERO = Decimal(0)


def trade_label(code: str) -> str:
    trade = TRADES.get(code)
    return trade.label if trade else code


@dataclass
class Group:
    """The figures of one buyer or one trade (or of everything)."""

    key: object
    label: str
    planned: Decimal = ZERO
    validated: Decimal = ZERO
    training: Decimal = ZERO
    people: int = 0
    lots: int = 0
    behind: int = 0
    exits: dict[str, int] = field(default_factory=dict)

    @property
    def fte(self) -> Decimal:
        return fte(self.validated, DEFAULT_FTE_DIVISOR)

    @property
    def percent(self) -> Decimal | None:
        if not self.planned:
            return None
        return (self.validated * 100 / self.planned).quantize(Decimal("0.1"))

    @property
    def exit_count(self) -> int:
        return sum(self.exits.values())

    @property
    def dynamic_rate(self) -> Decimal | None:
        """The dynamic exit rate as a percentage (docs/domain.md §6), None without exits."""
        rate = dynamic_exit_rate(
            [category for category, count in self.exits.items() for _ in range(count)]
        )
        return None if rate is None else (rate * 100).quantize(Decimal("0.1"))

    @property
    def exit_rows(self) -> list[tuple[str, int]]:
        return [
            (EXIT_CATEGORY_LABELS[category], self.exits.get(category.value, 0))
            for category in ExitCategory
        ]


@dataclass
class Dashboard:
    year: int
    total: Group
    by_buyer: list[Group]
    by_trade: list[Group]
    months: dict[date, Decimal]
    lots: list = field(default_factory=list)
    """A company's own lots running in the year: (LotRow, LotProgress)."""


def reach(user: User) -> Select:
    """The lot ids the user's dashboard covers (a subquery; a structure has none: its
    placements' employer is the filter, :func:`_placements_in_reach`)."""
    return scoped(Lot, user).with_only_columns(Lot.id).order_by(None)


def _placements_in_reach(user: User, stmt: Select) -> Select:
    if user.role is Role.STRUCTURE:
        return stmt.where(Placement.employer_id == user.organisation_id)
    return stmt.where(Placement.lot_id.in_(reach(user)))


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def running_in(year: int):
    """The lots running in ``year``: their dates, else their operation's, overlap it."""
    first, last = _year_bounds(year)
    start = func.coalesce(Lot.start_date, Operation.start_date)
    end = func.coalesce(Lot.end_date, Operation.end_date)
    return and_(or_(start.is_(None), start <= last), or_(end.is_(None), end >= first))


def _filters(stmt: Select, buyer: int | None, trade: str | None) -> Select:
    if buyer:
        stmt = stmt.where(Operation.buyer_id == buyer)
    if trade:
        stmt = stmt.where(Lot.trade == trade)
    return stmt


def _lines(user: User, year: int, buyer: int | None, trade: str | None, *columns) -> Select:
    first, last = _year_bounds(year)
    stmt = (
        select(*columns)
        .select_from(HourLine)
        .join(Placement, HourLine.placement_id == Placement.id)
        .join(Lot, Placement.lot_id == Lot.id)
        .join(Market, Lot.market_id == Market.id)
        .join(Operation, Market.operation_id == Operation.id)
        .where(HourLine.status == COUNTED, HourLine.month.between(first, last))
    )
    return _filters(_placements_in_reach(user, stmt), buyer, trade)


def _rolled(user: User, model, buyer: int | None, trade: str | None) -> Select:
    """The roll-up rows (``LotYearPerson``, ``LotMonthHours``) of the lots in the user's
    reach, with their lot, market and operation for the filters and the groups."""
    stmt = (
        select(model)
        .join(Lot, model.lot_id == Lot.id)
        .join(Market, Lot.market_id == Market.id)
        .join(Operation, Market.operation_id == Operation.id)
        .where(model.lot_id.in_(reach(user)))
    )
    return _filters(stmt, buyer, trade)


def _running_lots(user: User, year: int, buyer: int | None, trade: str | None) -> Select:
    stmt = (
        scoped(Lot, user)
        .join(Market, Lot.market_id == Market.id)
        .join(Operation, Market.operation_id == Operation.id)
        .where(running_in(year))
    )
    if user.role is Role.STRUCTURE:  # the lots where it placed someone
        stmt = select(Lot).join(Market, Lot.market_id == Market.id)
        stmt = stmt.join(Operation, Market.operation_id == Operation.id).where(
            running_in(year),
            Lot.id.in_(
                select(Placement.lot_id).where(Placement.employer_id == user.organisation_id)
            ),
        )
    return _filters(stmt, buyer, trade)


def dashboard(
    user: User, year: int, today: date, buyer: int | None = None, trade: str | None = None
) -> Dashboard:
    """The dashboard of ``user`` for ``year`` (filtered by buyer and trade when given):
    seven queries whatever the number of lots; the people and the months from the roll-ups of
    validated hours (``statements.rollups``; a structure: its own lines) (docs/domain.md §9)."""
    buyers: dict[int, Group] = {}
    trades: dict[str, Group] = {}
    total = Group(None, "Total")

    def of_buyer(buyer_id: int) -> Group:
        return buyers.setdefault(buyer_id, Group(buyer_id, ""))

    def of_trade(code: str) -> Group:
        return trades.setdefault(code, Group(code, trade_label(code)))

    # 1. the lots running in the year, with their buyer, trade and planned hours
    running = _running_lots(user, year, buyer, trade)
    lot_keys: dict[int, tuple[int, str]] = {}
    for lot_id, buyer_id, code, hours in db.session.execute(
        running.with_only_columns(Lot.id, Operation.buyer_id, Lot.trade, Lot.planned_hours)
    ):
        lot_keys[lot_id] = (buyer_id, code)
        for group in (of_buyer(buyer_id), of_trade(code), total):
            group.lots += 1
            group.planned += Decimal(hours or 0)
    # 2. validated hours of the year per buyer, trade and person: one scan of the hour lines gives
    # the sums and the distinct people of every group (a person counts once per group)
    people: dict[object, set[int]] = defaultdict(set)
    if user.role is Role.STRUCTURE:  # its placements' lines: few, and no roll-up by employer
        done = _lines(
            user,
            year,
            buyer,
            trade,
            Operation.buyer_id,
            Lot.trade,
            Placement.participant_id,
            func.sum(HourLine.hours),
            func.sum(HourLine.training_hours),
        ).group_by(Operation.buyer_id, Lot.trade, Placement.participant_id)
    else:
        P = LotYearPerson
        done = (
            _rolled(user, P, buyer, trade)
            .where(P.year == year)
            .with_only_columns(
                Operation.buyer_id,
                Lot.trade,
                P.participant_id,
                func.sum(P.hours),
                func.sum(P.training_hours),
                maintain_column_froms=True,
            )
            .group_by(Operation.buyer_id, Lot.trade, P.participant_id)
        )
    for buyer_id, code, person, hours, training in db.session.execute(done):
        for key, group in ((("b", buyer_id), of_buyer(buyer_id)), (("t", code), of_trade(code))):
            group.validated += Decimal(hours or 0)
            group.training += Decimal(training or 0)
            people[key].add(person)
        total.validated += Decimal(hours or 0)
        total.training += Decimal(training or 0)
        people["all"].add(person)
    total.people = len(people["all"])
    for buyer_id, group in buyers.items():
        group.people = len(people[("b", buyer_id)])
    for code, group in trades.items():
        group.people = len(people[("t", code)])
    # 3. exits of the year, per buyer, trade and category
    first, last = _year_bounds(year)
    exits = _filters(
        _placements_in_reach(
            user,
            select(Operation.buyer_id, Lot.trade, Placement.exit_category, func.count())
            .select_from(Placement)
            .join(Lot, Placement.lot_id == Lot.id)
            .join(Market, Lot.market_id == Market.id)
            .join(Operation, Market.operation_id == Operation.id)
            .where(Placement.exit_category.is_not(None), Placement.ended_on.between(first, last)),
        ),
        buyer,
        trade,
    ).group_by(Operation.buyer_id, Lot.trade, Placement.exit_category)
    for buyer_id, code, category, count in db.session.execute(exits):
        for group in (of_buyer(buyer_id), of_trade(code), total):
            group.exits[category] = group.exits.get(category, 0) + count
    # 6-7. lots behind pace (one query over their stored progress), per buyer and trade
    for lot_id in flagged_lot_ids(running, today):
        if lot_id in lot_keys:
            buyer_id, code = lot_keys[lot_id]
            for group in (of_buyer(buyer_id), of_trade(code), total):
                group.behind += 1
    # 8. monthly validated hours, for the chart
    months: dict[date, Decimal] = defaultdict(Decimal)
    if user.role is Role.STRUCTURE:
        monthly = _lines(user, year, buyer, trade, HourLine.month, func.sum(HourLine.hours))
        monthly = monthly.group_by(HourLine.month)
    else:
        M = LotMonthHours
        monthly = (
            _rolled(user, M, buyer, trade)
            .where(M.month.between(first, last))
            .with_only_columns(M.month, func.sum(M.hours), maintain_column_froms=True)
            .group_by(M.month)
        )
    for month, hours in db.session.execute(monthly):
        months[month] += Decimal(hours or 0)
    names = dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(list(buyers)))
        ).all()
        if buyers
        else []
    )
    for buyer_id, group in buyers.items():
        group.label = names.get(buyer_id, "")
    # a company: each of its lots' progress; a structure: its placements' hours only
    own = progress_of(running, today) if user.role is Role.COMPANY else []
    return Dashboard(
        year,
        total,
        sorted(buyers.values(), key=lambda g: g.label),
        sorted(trades.values(), key=lambda g: g.label),
        dict(sorted(months.items())),
        own,
    )
