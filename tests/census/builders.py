"""Builders for the census tests: a small world of buyers and a declaration maker."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models import Organisation, OrgKind, PurchaseDeclaration, User
from tests.factories import make_ccvg_with_communes, make_org, make_user

_seq = itertools.count(1)


@dataclass
class CensusWorld:
    ccvg: Organisation
    commune: Organisation
    other_commune: Organisation
    facilitator: User
    ccvg_user: User
    commune_user: User
    other_commune_user: User


def census_world() -> CensusWorld:
    ccvg, (commune, other_commune) = make_ccvg_with_communes("Alpha", "Beta")
    return CensusWorld(
        ccvg=ccvg,
        commune=commune,
        other_commune=other_commune,
        facilitator=make_user(make_org(OrgKind.FACILITATOR, name="AMOI (test)")),
        ccvg_user=make_user(ccvg),
        commune_user=make_user(commune),
        other_commune_user=make_user(other_commune),
    )


def make_declaration(buyer: Organisation, **overrides) -> PurchaseDeclaration:
    """A submitted declaration of ``buyer`` (overrides: any column)."""
    values = {
        "buyer_id": buyer.id,
        "title": f"Achat n°{next(_seq)}",
        "nature": "works",
        "estimated_amount": Decimal("100000.00"),
        "planned_publication": date(2026, 6, 15),
        "contact": "",
        "comment": "",
        "status": "submitted",
    }
    values.update(overrides)
    declaration = PurchaseDeclaration(**values)
    db.session.add(declaration)
    db.session.commit()
    return declaration
