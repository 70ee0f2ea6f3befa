"""Use cases of the AMOI's preparation work (convention art. 3 and 4): freezing an hour
calculation on a lot, turning a census declaration into an operation (the TCE split is in
``services.tce``). They change the session and record the audit line; the caller commits.
"""

from __future__ import annotations

from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models import HoursRecord, Lot, Operation, PurchaseDeclaration, User
from portal.models.base import utcnow
from portal.rules.hours import HoursCalculation
from portal.rules.workflow import next_status


def record_calculation(
    lot: Lot, calculation: HoursCalculation, author: User | None
) -> HoursRecord | None:
    """Freeze ``calculation`` on ``lot`` (parameters, result, author, date) and make its
    integer the lot's planned hours. Nothing is added when the latest record already holds
    the same inputs: saving a form twice does not grow the history."""
    params = calculation.parameters
    inputs = {
        "trade": lot.trade,
        "amount_excl_tax": params.amount_excl_tax,
        "labour_share": params.labour_share,
        "hourly_cost": params.hourly_cost,
        "rate": params.rate,
        "rounding": str(params.rounding),
    }
    latest = latest_calculation(lot)
    if latest is not None and latest.same_inputs(inputs) and lot.planned_hours is not None:
        return None
    record = HoursRecord(
        lot=lot,
        raw_hours=calculation.raw,
        planned_hours=calculation.planned,
        parameters=params.as_dict(),
        author=author,
        **inputs,
    )
    db.session.add(record)
    previous = lot.planned_hours
    lot.planned_hours = calculation.planned
    db.session.flush()
    audit.record(
        "lot.hours_calculated",
        lot,
        detail=f"planned={calculation.planned} previous={previous}",
        actor=author,
    )
    return record


def latest_calculation(lot: Lot) -> HoursRecord | None:
    if lot.id is None:
        return None
    return db.session.scalars(
        select(HoursRecord).where(HoursRecord.lot_id == lot.id).order_by(HoursRecord.id.desc())
    ).first()


def clear_hours(lot: Lot, author: User | None) -> None:
    """A lot without insertion hours (reserved market, award criterion only)."""
    if lot.planned_hours is not None:
        audit.record("lot.hours_cleared", lot, detail=f"previous={lot.planned_hours}", actor=author)
    lot.planned_hours = None


def operation_from_declaration(declaration: PurchaseDeclaration, user: User) -> Operation:
    """Turn a retained census declaration into an operation in one step: buyer, title,
    nature and comments are carried over; the declaration keeps who converted it and when
    (convention art. 3). Raises ``TransitionNotAllowed`` unless the declaration is retained."""
    declaration.status = next_status("declaration", declaration.status, "convert").value
    description = declaration.comment
    if declaration.review_comment:
        description = (description + "\n\n" if description else "") + (
            "Avis de l'AMOI : " + declaration.review_comment
        )
    operation = Operation(
        buyer_id=declaration.buyer_id,
        name=declaration.title,
        nature=declaration.nature,
        description=description,
        created_by_id=user.id,
    )
    db.session.add(operation)
    db.session.flush()
    declaration.operation_id = operation.id
    declaration.converted_by_id = user.id
    declaration.converted_at = utcnow()
    audit.record(
        "operation.created", operation, detail=f"from_declaration={declaration.id}", actor=user
    )
    audit.record(
        "declaration.converted", declaration, detail=f"operation={operation.id}", actor=user
    )
    return operation


def recommended_basis(operation: Operation) -> str | None:
    """The legal basis the AMOI recommended in the census, to pre-fill the first market."""
    return db.session.scalar(
        select(PurchaseDeclaration.recommended_basis).where(
            PurchaseDeclaration.operation_id == operation.id
        )
    )
