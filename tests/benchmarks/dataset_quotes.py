"""Quotes and invoices of the benchmark dataset, through ``portal.quotes.services`` as the
screens make them: lines from the rules, gapless numbers, the 50 % / 50 % schedule,
payments, rejections, pilotage quotes (convention art. 7; docs/domain.md §4).

Slower than bulk rows (a few dozen statements per quote) but every quote is one the portal
could have produced; ``Shape.quote_share`` of the operations get one.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.invoices import services as invoicing
from portal.markets import split as tce
from portal.models import Lot, Market, Operation, Organisation, Quote, QuoteKind, User
from portal.quotes import services as service
from portal.rules.workflow import OperationStatus, QuoteStatus

STAGES = (
    ("draft", 15),
    ("submitted", 15),
    ("rejected", 10),
    ("approved", 30),
    ("delivered", 15),
    ("settled", 15),
)
"""How the quotes are spread over the workflow (percent of quotes)."""
FIRST_DAY, LAST_DAY = date(2023, 1, 2), date(2026, 11, 20)


def _stage(rng: random.Random) -> str:
    return rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES])[0]


def _quote_date(operation: Operation) -> date:
    day = (operation.start_date or FIRST_DAY) - timedelta(days=60)
    return min(max(day, FIRST_DAY), LAST_DAY)


def _one(operation, stage: str, amoi: User, ccvg_user: User, rng: random.Random) -> dict:
    """One quote of ``operation`` taken to ``stage``; how many invoices it issued."""
    quote = service.create_quote(
        kind=QuoteKind.OPERATION,
        quote_date=_quote_date(operation),
        user=amoi,
        operation=operation,
        sourced_siae=rng.randint(0, 3),
    )
    for line in quote.lines:
        if line.needs_input:  # above the last bracket: the AMOI prices it by hand
            service.set_manual_line(quote, line, Decimal(rng.randint(3, 9)), "Suivi renforcé.")
    if stage == "draft":
        return {"quotes": 1}
    if operation.is_tce:
        split = tce.split_of(operation)
        if split is None or not split.is_validated:
            return {"quotes": 1}  # cannot be submitted before the split is validated
    service.submit(quote, amoi)
    decided = quote.quote_date + timedelta(days=rng.randint(5, 30))
    if stage == "submitted":
        return {"quotes": 1}
    if stage == "rejected":
        service.reject(quote, ccvg_user, "Regroupez les lots de second œuvre.")
        return {"quotes": 1}
    invoices = [service.approve(quote, ccvg_user, decided)]
    if stage in ("delivered", "settled"):
        invoices.append(service.deliver_report(quote, amoi, decided + timedelta(days=300)))
    issued = [i for i in invoices if i is not None]
    paid = issued if stage == "settled" else issued[:1] if rng.random() < 0.7 else []
    for invoice in paid:
        invoicing.mark_paid(invoice, invoice.issue_date + timedelta(days=30), amoi)
    return {"quotes": 1, "invoices": len(issued), "quote_id": quote.id}


def _pilotage(amoi: User, ccvg: Organisation, ccvg_user: User) -> int:
    """One pilotage quote a year of the renewed period (art. 7), approved then invoiced."""
    count = 0
    for year in (2025, 2026):
        quote = service.create_quote(
            kind=QuoteKind.PILOTAGE,
            quote_date=date(year, 1, 15),
            user=amoi,
            pilotage_year=year,
            ccvg=ccvg,
        )
        service.submit(quote, amoi)
        service.approve(quote, ccvg_user, date(year, 2, 1))
        service.deliver_annual_report(quote, year, amoi, date(year, 12, 1))
        count += 1
    return count


def build_quotes(shape, rng: random.Random, amoi_user_id: int) -> dict:
    """Quotes for ``shape.quote_share`` of the operations; the sample pages' ids."""
    amoi = db.session.get(User, amoi_user_id)
    ccvg = db.session.scalars(
        select(Organisation).where(Organisation.kind == "buyer", Organisation.parent_id.is_(None))
    ).one()
    ccvg_user = db.session.scalars(select(User).where(User.organisation_id == ccvg.id)).first()
    operations = db.session.scalars(
        select(Operation)
        .options(selectinload(Operation.markets).selectinload(Market.lots).joinedload(Lot.holder))
        .order_by(Operation.id)
    ).all()
    counts = {"quotes": 0, "invoices": 0}
    samples: dict[str, int] = {}
    for n, operation in enumerate(operations):
        if rng.random() >= shape.quote_share:
            continue
        stage = _stage(rng)
        done = _one(operation, stage, amoi, ccvg_user, rng)
        counts["quotes"] += done["quotes"]
        counts["invoices"] += done.get("invoices", 0)
        lots = [lot for market in operation.markets for lot in market.lots]
        if (
            "operation" not in samples
            and stage == "approved"
            and "quote_id" in done
            and operation.status == OperationStatus.RUNNING
            and len(operation.markets) == 2
            and len(lots) >= 5
        ):
            # A typical running operation: two markets, several lots, an approved quote.
            samples.update(operation=operation.id, lot=lots[0].id, quote=done["quote_id"])
        if n % 100 == 99:
            db.session.commit()
    counts["quotes"] += _pilotage(amoi, ccvg, ccvg_user)
    db.session.commit()
    if "operation" not in samples:
        raise RuntimeError("no sample operation: the dataset is too small (--operations)")
    status = db.session.scalar(select(Quote.status).where(Quote.id == samples["quote"]))
    if status not in (QuoteStatus.INVOICED_DEPOSIT, QuoteStatus.APPROVED):
        raise RuntimeError(f"sample quote in status {status}")
    counts["samples"] = samples
    return counts
