"""Builders: ``make_org()``, ``make_user()``… create missing parents and accept overrides.

They add to the session and commit, so that the requests of the test client see them.
"""

from __future__ import annotations

import itertools

from stdnum import luhn

from portal.extensions import db
from portal.models import Organisation, OrgKind, StructureKind, User
from portal.passwords import hash_password

PASSWORD = "une phrase de passe assez longue"
_seq = itertools.count(1)


def valid_siret(n: int | None = None) -> str:
    """A checksum-valid SIRET (SIREN and SIRET both pass the Luhn check)."""
    n = n if n is not None else next(_seq)
    siren8 = f"8{n:07d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    base = siren + "0001"
    return base + luhn.calc_check_digit(base)


def make_org(kind: OrgKind | str = OrgKind.COMPANY, **overrides) -> Organisation:
    kind = OrgKind(kind)
    n = next(_seq)
    values = {
        "kind": kind.value,
        "name": f"{kind.label} n°{n}",
        "active": True,
    }
    if kind in (OrgKind.COMPANY, OrgKind.STRUCTURE):
        values["siret"] = valid_siret(n)
    if kind is OrgKind.STRUCTURE:
        values["structure_kind"] = StructureKind.ACI.value
    values.update(overrides)
    org = Organisation(**values)
    db.session.add(org)
    db.session.commit()
    return org


def make_ccvg_with_communes(*names: str) -> tuple[Organisation, list[Organisation]]:
    ccvg = make_org(OrgKind.BUYER, name="Communauté de communes (test)")
    communes = [make_org(OrgKind.BUYER, name=f"Commune de {n}", parent=ccvg) for n in names]
    return ccvg, communes


def make_user(
    org: Organisation | None = None,
    *,
    kind: OrgKind | str | None = None,
    password: str | None = PASSWORD,
    **overrides,
) -> User:
    if org is None:
        org = make_org(kind or OrgKind.COMPANY)
    n = next(_seq)
    values = {
        "organisation": org,
        "name": f"Personne {n}",
        "email": f"personne{n}@exemple.example",
        "is_admin": False,
        "active": True,
        "password_hash": hash_password(password) if password else None,
    }
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.commit()
    return user


def make_admin(**overrides) -> User:
    org = overrides.pop("org", None) or make_org(OrgKind.FACILITATOR, name="AMOI (test)")
    return make_user(org, is_admin=True, **overrides)


def make_operation(buyer: Organisation | None = None, **overrides):
    from portal.models import Operation

    values = {"buyer": buyer or make_org(OrgKind.BUYER), "name": f"Opération {next(_seq)}"}
    values.update(overrides)
    operation = Operation(**values)
    db.session.add(operation)
    db.session.commit()
    return operation


def make_market(operation=None, **overrides):
    from portal.models import Market

    n = next(_seq)
    values = {
        "operation": operation or make_operation(),
        "reference": f"2026-T-{n:03d}",
        "title": f"Marché {n}",
        "legal_basis": "execution_condition",
    }
    values.update(overrides)
    market = Market(**values)
    db.session.add(market)
    db.session.commit()
    return market


def make_lot(market=None, *, holder: Organisation | None = None, **overrides):
    """A lot with planned hours; pass ``planned_hours=None`` for a lot without hours."""
    from decimal import Decimal

    from portal.models import Lot

    market = market or make_market()
    n = next(_seq)
    values = {
        "market": market,
        "number": n,
        "title": f"Lot {n}",
        "trade": "masonry",
        "amount_excl_tax": Decimal("200000.00"),
        "holder": holder,
        "planned_hours": 143,
    }
    values.update(overrides)
    lot = Lot(**values)
    db.session.add(lot)
    db.session.commit()
    return lot
