"""Demonstration quotes and invoices: the AMOI's year of pricing, through the same services
as the screens (lines from the rules, gapless numbers, the 50 % / 50 % schedule).

Dated in 2026, inside the demo avenant's period (2025-2027)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.invoices import services as invoicing
from portal.models import Operation, Organisation, QuoteKind, User
from portal.quotes import chorus as chorus
from portal.quotes import services as service


@dataclass(frozen=True)
class DemoQuote:
    operation: str | None  # the operation's exact name; None for the pilotage quote
    quote_date: date
    stage: str  # draft, submitted, approved, delivered, rejected
    decided_on: date | None = None
    paid: tuple[date, ...] = ()  # payment dates of its invoices, in order
    delivered_on: date | None = None
    manual_days: Decimal | None = None  # completes the "sur devis" lines
    manual_reason: str = ""
    rejection: str = ""
    chorus: bool = False  # the CCVG gave its Chorus Pro references before approving


# Fictitious Chorus Pro references: a service code and a commitment number per quote, as
# the CCVG's shared procurement service would give them.
DEMO_SERVICE_CODE = "SCCPAJ"


QUOTES: tuple[DemoQuote, ...] = (
    DemoQuote(
        "Réhabilitation du gymnase municipal",
        date(2026, 3, 2),
        "approved",
        decided_on=date(2026, 3, 10),
        paid=(date(2026, 4, 15),),
        chorus=True,
    ),
    DemoQuote(
        "Réfection de la toiture de l'école élémentaire",
        date(2026, 2, 9),
        "delivered",
        decided_on=date(2026, 2, 16),
        delivered_on=date(2026, 9, 30),
        paid=(date(2026, 3, 20), date(2026, 10, 28)),
        chorus=True,
    ),
    DemoQuote(
        "Entretien des espaces verts des zones d'activités intercommunales",
        date(2026, 10, 5),
        "submitted",
        manual_days=Decimal("6"),
        manual_reason="Marché de 4 ans, 3 875 h : suivi renforcé sur deux saisons.",
    ),
    DemoQuote(
        "Construction du pôle petite enfance intercommunal",
        date(2026, 6, 1),
        "rejected",
        rejection="La part plâtrerie relève de l'entreprise générale : regroupez-la avec le gros œuvre.",
    ),
    DemoQuote("Restructuration et extension du groupe scolaire", date(2026, 11, 16), "draft"),
    DemoQuote(None, date(2026, 11, 20), "draft"),
)


def seed_quotes(
    orgs: Mapping[str, Organisation], buyers: Mapping[str, User], amoi: User
) -> dict[str, int]:
    """Quotes in every stage, their invoices (some paid). The caller commits."""
    counts: Counter[str] = Counter()
    ccvg, ccvg_user = orgs["ccvg"], buyers["ccvg"]
    for spec in QUOTES:
        operation = None
        if spec.operation:
            operation = db.session.scalars(
                select(Operation).where(Operation.name == spec.operation)
            ).first()
            if operation is None:
                continue  # an older demo year without this operation
        quote = service.create_quote(
            kind=QuoteKind.PILOTAGE if operation is None else QuoteKind.OPERATION,
            quote_date=spec.quote_date,
            user=amoi,
            operation=operation,
            pilotage_year=spec.quote_date.year if operation is None else None,
            ccvg=ccvg,
        )
        counts["quotes"] += 1
        for line in quote.lines:
            if line.needs_input and spec.manual_days:
                service.set_manual_line(quote, line, spec.manual_days, spec.manual_reason)
        if spec.stage == "draft":
            continue
        service.submit(quote, amoi)
        if spec.chorus:
            chorus.record_references(
                quote,
                ccvg_user,
                chorus_siret="",  # the CCVG's own SIRET, from its organisation
                service_code=DEMO_SERVICE_CODE,
                commitment_number=f"ENG-{spec.quote_date.year}-{quote.id:04d}",
            )
        invoices = []
        if spec.stage == "rejected":
            service.reject(quote, ccvg_user, spec.rejection)
        elif spec.stage in ("approved", "delivered"):
            invoices.append(service.approve(quote, ccvg_user, spec.decided_on))
            if spec.stage == "delivered":
                invoices.append(service.deliver_report(quote, amoi, spec.delivered_on))
        for invoice, paid_on in zip(invoices, spec.paid, strict=False):
            if invoice is not None:
                invoicing.mark_paid(invoice, paid_on, amoi)
        counts["invoices"] += len([i for i in invoices if i is not None])
    db.session.flush()
    return dict(counts)
