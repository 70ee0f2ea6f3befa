"""The observatory files' SQL (docs/domain.md §9; convention annexe 2): one row per
validated hour line (a person × lot × month; two contracts of the same person on the
same lot in the same month make two rows), and the semi-annual aggregates per buyer,
trade and legal basis. Only validated lines count (``statements.queries.COUNTED``). The
callers pass the lot ids the user may see (``scoped(Lot)``); nothing here adds a scope.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import Select, case, distinct, func, select

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
)
from portal.observatory.columns import HEALTH_CODES
from portal.rules.hours import DEFAULT_FTE_DIVISOR, fte
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


def _lines(lots: Select, first: date, last: date) -> Select:
    return (
        select()
        .select_from(HourLine)
        .join(Placement, HourLine.placement_id == Placement.id)
        .join(Lot, Placement.lot_id == Lot.id)
        .join(Market, Lot.market_id == Market.id)
        .join(Operation, Market.operation_id == Operation.id)
        .where(
            HourLine.status == COUNTED,
            HourLine.month.between(first, last),
            Placement.lot_id.in_(lots),
        )
    )


def line_rows(lots: Select, first: date, last: date, identified: bool) -> Iterator[tuple]:
    """The line file's rows, in the order of ``columns.line_columns(identified)``."""
    buyer = Organisation.__table__.alias("buyer")
    stmt = (
        _lines(lots, first, last)
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
            Market.reference,
            Lot.number,
            Lot.title,
            buyer.c.name,
            Market.legal_basis,
            Lot.trade,
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
        .order_by(HourLine.month, Operation.id, Lot.id, Participant.id, HourLine.id)
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


def semester(lots: Select, year: int, half: int) -> list[SemesterGroup]:
    """The half-year's aggregates per buyer, trade and legal basis (two queries): hours,
    distinct people and their typology from the validated lines of the half-year's months;
    exits from the placements that ended in the half-year (docs/domain.md §9)."""
    first, last = period(year, half)
    buyer = Organisation.__table__.alias("buyer")
    keys = (buyer.c.name, Lot.trade, Market.legal_basis)
    figures = (
        _lines(lots, first, last)
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
        select(*keys, Placement.exit_category, func.count())
        .select_from(Placement)
        .join(Lot, Placement.lot_id == Lot.id)
        .join(Market, Lot.market_id == Market.id)
        .join(Operation, Market.operation_id == Operation.id)
        .join(buyer, Operation.buyer_id == buyer.c.id)
        .where(
            Placement.lot_id.in_(lots),
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
