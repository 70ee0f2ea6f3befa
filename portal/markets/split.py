"""The split of a TCE operation's hours between trades (docs/domain.md §2 and 3; convention
annexe 2): the AMOI proposes hours per trade from each trade's amount and labour share, the
general contractor accepts or comments the split of its own lot, then the AMOI and the
buyer validate it. The quote is built from the validated split.

Functions change the session and record their audit line; the caller commits.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models import Operation, SubcontractorShare, TceSplit, User
from portal.models.base import utcnow
from portal.refusals import Refused
from portal.rules.hours import TRADES, split_hours
from portal.rules.workflow import SplitStatus, next_status


class SplitRefused(Refused):
    """A French explanation of why the split cannot change now."""


def split_of(operation: Operation) -> TceSplit | None:
    return db.session.scalar(select(TceSplit).where(TceSplit.operation_id == operation.id))


def ensure_split(operation: Operation) -> TceSplit:
    """The operation's split, created in draft the first time it is needed."""
    split = split_of(operation)
    if split is None:
        split = TceSplit(operation=operation, status=SplitStatus.DRAFT.value)
        db.session.add(split)
        db.session.flush()
    return split


def require_draft(operation: Operation) -> None:
    """Shares and the global volume change only while the AMOI prepares the split."""
    split = split_of(operation)
    if split is not None and split.status != SplitStatus.DRAFT:
        raise SplitRefused(
            f"La répartition TCE est « {split.status_label} » : rouvrez-la avant de modifier "
            "les parts ou le volume global (l'entreprise générale et l'acheteur devront la "
            "valider à nouveau)."
        )


def share_weight(share: SubcontractorShare) -> Decimal:
    """A trade's weight in the proposal: its amount × its labour share (docs/domain.md §3)."""
    trade = TRADES.get(share.trade)
    labour = trade.labour_share if trade else Decimal("0.50")
    return share.amount_excl_tax * labour


def propose_hours(operation: Operation) -> list[int] | None:
    """The AMOI's proposal: the global volume split by amount × labour share (largest
    remainder, so it adds up exactly); None when there is nothing to split yet."""
    shares = list(operation.shares)
    if not operation.is_tce or not shares or not operation.tce_hours:
        for share in shares:
            share.hours = None
        return None
    weights = [share_weight(share) for share in shares]
    if not any(weights):
        return None
    hours = split_hours(operation.tce_hours, weights)
    for share, part in zip(shares, hours, strict=True):
        share.hours = part
    return hours


def set_hours(operation: Operation, hours: dict[int, int], user: User) -> None:
    """The AMOI adjusts the hours of each trade (the parties may change the proposal); they
    must still add up to the global volume."""
    require_draft(operation)
    shares = list(operation.shares)
    if set(hours) != {share.id for share in shares}:
        raise SplitRefused("Saisissez les heures de chaque part.")
    if any(value < 0 for value in hours.values()):
        raise SplitRefused("Les heures d'une part ne peuvent pas être négatives.")
    total = sum(hours.values())
    if total != (operation.tce_hours or 0):
        raise SplitRefused(
            f"Les parts totalisent {total} h au lieu du volume global de "
            f"{operation.tce_hours or 0} h : la répartition doit tomber juste."
        )
    for share in shares:
        share.hours = hours[share.id]
    audit.record("split.hours_set", operation, actor=user)


def _check_complete(operation: Operation) -> None:
    shares = list(operation.shares)
    if not shares or not operation.tce_hours:
        raise SplitRefused("Ajoutez les parts et le volume global d'heures avant de proposer.")
    if sum(share.hours or 0 for share in shares) != operation.tce_hours:
        raise SplitRefused("Les heures des parts ne totalisent pas le volume global.")
    if operation.general_contractor_id is None:
        raise SplitRefused("Désignez l'entreprise générale de l'opération avant de proposer.")


def act(split: TceSplit, action: str, user: User, comment: str = "") -> None:
    """Move the split (``rules.workflow`` machine ``split``) and record who did it."""
    if action == "propose":
        _check_complete(split.operation)
    if action == "comment" and not comment.strip():
        raise SplitRefused("Écrivez votre remarque pour l'AMOI.")
    split.status = next_status("split", split.status, action).value
    split.last_changed_by_id = user.id
    now = utcnow()
    if action == "propose":
        split.proposed_at = now
        split.accepted_by_id = split.accepted_at = None
        split.amoi_validated_by_id = split.amoi_validated_at = None
        split.buyer_validated_by_id = split.buyer_validated_at = None
    elif action == "accept":
        split.accepted_by_id, split.accepted_at = user.id, now
    elif action == "comment":
        split.contractor_comment = comment.strip()
    elif action == "validate_amoi":
        split.amoi_validated_by_id, split.amoi_validated_at = user.id, now
    elif action == "validate_buyer":
        split.buyer_validated_by_id, split.buyer_validated_at = user.id, now
    audit.record(f"split.{action}", split.operation, actor=user)
