"""The observatory files' SQL (docs/domain.md §9; convention annexe 2): one row per
validated hour line (a person × lot × month; two contracts of the same person on the
same lot in the same month make two rows), and the semi-annual aggregates per buyer,
trade and legal basis. Only validated lines count (``statements.queries.COUNTED``). The
callers pass what the user may see (:class:`Reach`: ``scoped(Lot)`` and
``scoped(SubcontractorShare)`` ids); nothing here adds a scope.

A line of a TCE share (a placement on a subcontractor's share, no lot) carries its
operation, the share's trade, no lot number and « Part TCE <trade> » as lot title, and the
market of its operation (the first by reference when it has several; none when it has
none: blank reference and legal basis).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import Select, case, distinct, func, or_, select
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.models import (
    Candidacy,
    EligibilityDecision,
    HourLine,
    Lot,
    Market,
    Operation,
    Organisation,
    Participant,
    Placement,
    SubcontractorShare,
)
from portal.observatory.columns import HEALTH_CODES
from portal.rules.hours import DEFAULT_FTE_DIVISOR, TRADES, fte
from portal.rules.reporting import AgeBand, ExitCategory, dynamic_exit_rate
from portal.statements.queries import COUNTED


def period(year: int, half: int | None) -> tuple[date, date]:
    """First and last day of the year, or of its half (1: January–June, 2: July–December)."""
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    if half == 2:
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def pseudonym(participant_id: int, secret: str | bytes | None = None) -> str:
    """A stable, non-reversible identifier of a person: HMAC-SHA256 of its id with the
    application's secret key, 16 hexadecimal characters (docs/gdpr-record.md)."""
    key = secret if secret is not None else current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"participant:{participant_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Reach:
    """The ids of the lots and of the TCE shares whose lines the user may read (two
    ``scoped`` statements reduced to their id)."""

    lots: Select
    shares: Select


Share = SubcontractorShare
_OperationMarket = aliased(Market)


def _operation_market(column) -> object:
    """A share's market: the first of its operation's markets (by the column asked)."""
    other = getattr(_OperationMarket, column.key)
    return (
        select(func.min(other))
        .where(_OperationMarket.operation_id == Share.operation_id)
        .correlate(Share)
        .scalar_subquery()
    )


TRADE = func.coalesce(Lot.trade, Share.trade)
BASIS = func.coalesce(Market.legal_basis, _operation_market(Market.legal_basis), "")
REFERENCE = func.coalesce(Market.reference, _operation_market(Market.reference), "")


def _placements(reach: Reach) -> Select:
    """The placements first (on a lot or a share in reach), then their lines: the lines are
    found by ``(placement_id, month)``, not read whole (docs/performance.md)."""
    return select(Placement.id).where(
        or_(Placement.lot_id.in_(reach.lots), Placement.share_id.in_(reach.shares))
    )


def _placed(stmt: Select) -> Select:
    """``stmt`` (from the placements) joined to their lot and market, or their share, and
    the operation of either."""
    return (
        stmt.outerjoin(Lot, Placement.lot_id == Lot.id)
        .outerjoin(Market, Lot.market_id == Market.id)
        .outerjoin(Share, Placement.share_id == Share.id)
        .join(Operation, Operation.id == func.coalesce(Market.operation_id, Share.operation_id))
    )


def _lines(reach: Reach, first: date, last: date) -> Select:
    return _placed(
        select().select_from(HourLine).join(Placement, HourLine.placement_id == Placement.id)
    ).where(
        HourLine.status == COUNTED,
        HourLine.month.between(first, last),
        HourLine.placement_id.in_(_placements(reach)),
    )


def _share_title(trade: str | None) -> str:
    known = TRADES.get(trade or "")
    return f"Part TCE {known.label if known else trade or ''}".strip()


def line_rows(reach: Reach, first: date, last: date, identified: bool) -> Iterator[tuple]:
    """The line file's rows, in the order of ``columns.line_columns(identified)``."""
    buyer = Organisation.__table__.alias("buyer")
    stmt = (
        _lines(reach, first, last)
        .join(Participant, Placement.participant_id == Participant.id)
        .join(Candidacy, Placement.candidacy_id == Candidacy.id)
        .join(buyer, Operation.buyer_id == buyer.c.id)
        .outerjoin(EligibilityDecision, Placement.decision_id == EligibilityDecision.id)
        .with_only_columns(
            Participant.id,
            Participant.last_name,
            Participant.first_name,
            Participant.birth_date,
            Participant.sex,
            Candidacy.age_band,
            Participant.qualification,
            EligibilityDecision.criteria_codes,
            Participant.qpv_resident,
            Participant.commune,
            Participant.postal_code,
            Operation.id,
            Operation.name,
            REFERENCE,
            Lot.number,
            Lot.title,
            buyer.c.name,
            BASIS,
            TRADE,
            Placement.modality,
            Placement.contract_type,
            HourLine.month,
            HourLine.hours,
            HourLine.training_hours,
            Placement.exit_kind,
            Placement.exit_category,
            Placement.followup_kind,
            Placement.followup_category,
        )
        .order_by(HourLine.month, Operation.id, Lot.id, Share.id, Participant.id, HourLine.id)
    )
    secret = current_app.config["SECRET_KEY"]
    names: dict[int, str] = {}
    for (
        person,
        last_name,
        first_name,
        birth_date,
        sex,
        band,
        qualification,
        criteria,
        qpv,
        commune,
        postal_code,
        *rest,
    ) in db.session.execute(stmt):
        if person not in names:
            names[person] = pseudonym(person, secret)
        codes = [c for c in (criteria or []) if identified or c not in HEALTH_CODES]
        identity = (person, last_name, first_name, birth_date) if identified else ()
        (op_id, op_name, market, number, title, buyer_name, basis, trade, modality) = rest[:9]
        if number is None:  # a TCE share's line
            title = _share_title(trade)
        (contract, month, hours, training, exit_kind, exit_cat, fu_kind, fu_cat) = rest[9:]
        yield (
            names[person],
            *identity,
            sex,
            band,
            qualification,
            ",".join(codes),
            "oui" if qpv else "non",
            commune,
            *((postal_code,) if identified else ()),
            op_id,
            op_name,
            market,
            number,
            title,
            buyer_name,
            basis,
            trade,
            modality,
            contract,
            f"{month:%Y-%m}",
            Decimal(hours),
            Decimal(training or 0),
            exit_kind or "",
            exit_cat or "",
            fu_kind or "",
            fu_cat or "",
        )


@dataclass
class SemesterGroup:
    """The aggregates of one buyer × trade × legal basis over a half-year."""

    buyer: str
    trade: str
    basis: str
    hours: Decimal = Decimal(0)
    training: Decimal = Decimal(0)
    people: int = 0
    women: int = 0
    men: int = 0
    under_26: int = 0
    from_26_to_49: int = 0
    from_50: int = 0
    qpv: int = 0
    unqualified: int = 0
    exits: dict[str, int] = field(default_factory=dict)

    @property
    def fte(self) -> Decimal:
        return fte(self.hours, DEFAULT_FTE_DIVISOR)

    @property
    def exit_count(self) -> int:
        return sum(self.exits.values())

    @property
    def dynamic_rate(self) -> Decimal | None:
        rate = dynamic_exit_rate(
            [category for category, count in self.exits.items() for _ in range(count)]
        )
        return None if rate is None else (rate * 100).quantize(Decimal("0.01"))

    def exits_of(self, category: ExitCategory) -> int:
        return self.exits.get(category.value, 0)


def _people_where(condition):
    return func.count(distinct(case((condition, Placement.participant_id))))


def semester(reach: Reach, year: int, half: int) -> list[SemesterGroup]:
    """The half-year's aggregates per buyer, trade and legal basis (two queries): hours,
    distinct people and their typology from the validated lines of the half-year's months;
    exits from the placements that ended in the half-year (docs/domain.md §9)."""
    first, last = period(year, half)
    buyer = Organisation.__table__.alias("buyer")
    keys = (buyer.c.name, TRADE, BASIS)
    figures = (
        _lines(reach, first, last)
        .join(Participant, Placement.participant_id == Participant.id)
        .join(Candidacy, Placement.candidacy_id == Candidacy.id)
        .join(buyer, Operation.buyer_id == buyer.c.id)
        .with_only_columns(
            *keys,
            func.sum(HourLine.hours),
            func.sum(HourLine.training_hours),
            func.count(distinct(Placement.participant_id)),
            _people_where(Participant.sex == "F"),
            _people_where(Participant.sex == "M"),
            _people_where(Candidacy.age_band == AgeBand.UNDER_26.value),
            _people_where(Candidacy.age_band == AgeBand.FROM_26_TO_49.value),
            _people_where(Candidacy.age_band == AgeBand.FROM_50.value),
            _people_where(Participant.qpv_resident.is_(True)),
            _people_where(Participant.qualification == "none"),
        )
        .group_by(*keys)
    )
    groups: dict[tuple, SemesterGroup] = {}
    for name, trade, basis, hours, training, *counts in db.session.execute(figures):
        group = groups[(name, trade, basis)] = SemesterGroup(name, trade, basis)
        group.hours, group.training = Decimal(hours or 0), Decimal(training or 0)
        (
            group.people,
            group.women,
            group.men,
            group.under_26,
            group.from_26_to_49,
            group.from_50,
            group.qpv,
            group.unqualified,
        ) = counts
    exits = (
        _placed(select(*keys, Placement.exit_category, func.count()).select_from(Placement))
        .join(buyer, Operation.buyer_id == buyer.c.id)
        .where(
            Placement.id.in_(_placements(reach)),
            Placement.exit_category.is_not(None),
            Placement.ended_on.between(first, last),
        )
        .group_by(*keys, Placement.exit_category)
    )
    for name, trade, basis, category, count in db.session.execute(exits):
        group = groups.setdefault((name, trade, basis), SemesterGroup(name, trade, basis))
        group.exits[category] = count
    return [groups[key] for key in sorted(groups)]


def semester_rows(groups: list[SemesterGroup], year: int, half: int) -> list[tuple]:
    """The semester file's rows, in the order of ``columns.SEMESTER_COLUMNS``."""
    rate = lambda g: g.dynamic_rate  # noqa: E731
    return [
        (
            f"{year}-S{half}",
            g.buyer,
            g.trade,
            g.basis,
            g.hours,
            g.training,
            g.fte,
            g.people,
            g.women,
            g.men,
            g.under_26,
            g.from_26_to_49,
            g.from_50,
            g.qpv,
            g.unqualified,
            g.exit_count,
            g.exits_of(ExitCategory.DURABLE),
            g.exits_of(ExitCategory.TRANSITION),
            g.exits_of(ExitCategory.POSITIVE),
            g.exits_of(ExitCategory.OTHER),
            g.exits_of(ExitCategory.NEUTRALISED),
            rate(g),
        )
        for g in groups
    ]
