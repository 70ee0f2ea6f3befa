"""Who sees and does what in the markets area (docs/permissions.md): the scope rules of
operations, markets, lots, hours records, subcontractor shares and TCE splits, and the
predicates of their pages. Imported with the blueprint (``portal/markets/__init__.py``).
"""

from __future__ import annotations

from sqlalchemy import Select, select

from portal.access import Role, buyer_org_ids, is_facilitator, predicate, scope_rule, scoped
from portal.models import HoursRecord, Lot, Market, Operation, SubcontractorShare, TceSplit, User

# --- scope rules ----------------------------------------------------------------------------


def _buyer_operation_ids(user: User) -> Select:
    return select(Operation.id).where(Operation.buyer_id.in_(buyer_org_ids(user.organisation)))


@scope_rule(Operation)
def _operations(stmt: Select, user: User) -> Select:
    """Buyers: their own operations (the CCVG: its communes' too). Companies and structures
    see lots and shares, never a whole operation (other holders' lots are confidential)."""
    if user.role is Role.BUYER:
        return stmt.where(Operation.buyer_id.in_(buyer_org_ids(user.organisation)))
    return stmt.where(False)


@scope_rule(Market)
def _markets(stmt: Select, user: User) -> Select:
    """Markets follow their operation."""
    if user.role is Role.BUYER:
        return stmt.where(Market.operation_id.in_(_buyer_operation_ids(user)))
    return stmt.where(False)


@scope_rule(Lot)
def _lots(stmt: Select, user: User) -> Select:
    """Buyers: the lots of their operations. A company or structure: the lots it holds."""
    if user.role is Role.BUYER:
        markets = select(Market.id).where(Market.operation_id.in_(_buyer_operation_ids(user)))
        return stmt.where(Lot.market_id.in_(markets))
    return stmt.where(Lot.holder_id == user.organisation_id)


@scope_rule(HoursRecord)
def _hours_records(stmt: Select, user: User) -> Select:
    """A lot's calculation history is visible to whoever sees the lot."""
    return stmt.where(HoursRecord.lot_id.in_(scoped(Lot, user).with_only_columns(Lot.id)))


@scope_rule(SubcontractorShare)
def _shares(stmt: Select, user: User) -> Select:
    """Buyers: the shares of their operations. A company or structure: the shares it
    carries."""
    if user.role is Role.BUYER:
        return stmt.where(SubcontractorShare.operation_id.in_(_buyer_operation_ids(user)))
    return stmt.where(SubcontractorShare.company_id == user.organisation_id)


@scope_rule(TceSplit)
def _splits(stmt: Select, user: User) -> Select:
    """A TCE split: the buyers of its operation, and the general contractor, who accepts
    the split of its own lot (docs/domain.md §2). Subcontractors see their own share only."""
    if user.role is Role.BUYER:
        return stmt.where(TceSplit.operation_id.in_(_buyer_operation_ids(user)))
    if user.role is Role.COMPANY:
        contractor = select(Operation.id).where(
            Operation.general_contractor_id == user.organisation_id, Operation.is_tce.is_(True)
        )
        return stmt.where(TceSplit.operation_id.in_(contractor))
    return stmt.where(False)


# --- predicates -----------------------------------------------------------------------------


@predicate
def can_manage_markets(user: User | None) -> bool:
    """Operations, markets, lots, hours and shares are prepared by the AMOI (convention
    art. 3 and 4); buyers read theirs."""
    return is_facilitator(user)


@predicate
def can_see_prices(user: User | None) -> bool:
    """The AMOI's prices (a lot's package, the TCE shares' prices) are shown to the AMOI
    and to the buyers, who pay them; companies and structures never see them, as they
    never see a quote (scope rule of ``Quote``)."""
    return user is not None and user.role in (Role.FACILITATOR, Role.BUYER)


@predicate
def can_prepare_split(user: User | None, split: TceSplit) -> bool:
    """The AMOI prepares the TCE split (shares, hours) while it is in draft (docs/domain.md §2)."""
    return is_facilitator(user) and split.status == "draft"


@predicate
def can_answer_split(user: User | None, split: TceSplit) -> bool:
    """The general contractor accepts or comments the split of its own lot (docs/domain.md §2)."""
    return (
        user is not None
        and user.role is Role.COMPANY
        and split.status == "proposed"
        and split.operation.general_contractor_id == user.organisation_id
    )


@predicate
def can_validate_split_as_amoi(user: User | None, split: TceSplit) -> bool:
    """Once the general contractor accepted, the AMOI validates first (docs/domain.md §2)."""
    return split.status == "accepted" and is_facilitator(user)


@predicate
def can_validate_split_as_buyer(user: User | None, split: TceSplit) -> bool:
    """After the AMOI, the operation's own buyer (its *maître d'ouvrage*, not the CCVG for
    a commune) validates (docs/domain.md §2)."""
    return (
        split.status == "amoi_validated"
        and user is not None
        and user.role is Role.BUYER
        and split.operation.buyer_id == user.organisation_id
    )


@predicate
def can_validate_split(user: User | None, split: TceSplit) -> bool:
    """The split awaits this user's validation: the AMOI's, then the buyer's."""
    return can_validate_split_as_amoi(user, split) or can_validate_split_as_buyer(user, split)


@predicate
def can_reopen_split(user: User | None, split: TceSplit) -> bool:
    """The AMOI reopens a split to change it; everyone validates it again."""
    return is_facilitator(user) and split.status != "draft"
