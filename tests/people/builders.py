"""Builders for the people tests: candidacies, decisions and placements made through the
area's services, creating the missing parents."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models import Candidacy, Organisation, OrgKind, Placement, User
from portal.people import services
from tests.factories import make_lot, make_org, make_user

_seq = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def amoi_user(**overrides) -> User:
    from sqlalchemy import select

    facilitator = db.session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.FACILITATOR)
    ).first() or make_org(OrgKind.FACILITATOR, name="AMOI (test)")
    return make_user(facilitator, **overrides)


def identity(**overrides) -> services.Identity:
    n = next(_seq)
    values = {
        "last_name": f"Testnom{n}",
        "first_name": "Camille",
        "birth_date": date(1990, 5, 17),
        "sex": "F",
        "commune": "Saint-Girons",
        "postal_code": "09200",
        "qpv_resident": False,
        "qualification": "level_3",
    }
    values.update(overrides)
    return services.Identity(**values)


DETAILS = {
    "modality": "direct_hire",
    "contract_type": "cdd",
    "planned_start": date(2026, 12, 14),
    "weekly_hours": Decimal("35"),
    "job_title": "Maçon",
    "referent_kind": "france_travail",
    "referent_organisation": "France Travail Saint-Girons",
    "referent_name": "",
}


def make_candidacy(
    declarer: Organisation | None = None,
    *,
    lot=None,
    who: services.Identity | None = None,
    criteria: tuple[str, ...] = ("rsa",),
    user: User | None = None,
    day: date = date(2026, 12, 3),
    **details,
) -> Candidacy:
    """A pending candidacy of ``declarer`` (a new company by default) on a lot it holds."""
    declarer = declarer or make_org(OrgKind.COMPANY)
    lot = lot or make_lot(holder=declarer)
    user = user or make_user(declarer)
    candidacy = services.propose(
        user,
        declarer,
        services.Target(lot, None),
        who or identity(),
        {**DETAILS, **details},
        list(criteria),
        day,
    )
    db.session.commit()
    return candidacy


def decide(candidacy: Candidacy, eligible: bool = True, day: date = date(2026, 12, 3), **kw):
    values = {
        "eligible": eligible,
        "retained": [row.code for row in candidacy.criteria] if eligible else [],
        "countable_hours": Decimal("143") if eligible else None,
        "reason": "" if eligible else "Aucun critère justifié.",
    }
    values.update(kw)
    decision = services.decide(candidacy, amoi_user(), day, **values)
    db.session.commit()
    return decision


def make_placement(declarer: Organisation | None = None, **kw) -> Placement:
    candidacy = make_candidacy(declarer, **kw)
    decide(candidacy)
    placement = services.hire(
        candidacy,
        amoi_user(),
        contract_type="cdd",
        start_date=date(2026, 12, 14),
        planned_end=date(2027, 6, 13),
        weekly_hours=Decimal("35"),
    )
    db.session.commit()
    return placement
