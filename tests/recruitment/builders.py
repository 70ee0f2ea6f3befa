"""Builders for the recruitment tests: offers and applications made through the area's
services, creating the missing parents."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models import Application, JobOffer, Organisation, OrgKind, User
from portal.recruitment import services
from tests.factories import make_lot, make_org, make_user
from tests.people.builders import PDF, amoi_user

_seq = itertools.count(1)

OFFER = {
    "title": "Maçon ou maçonne VRD",
    "trade_label": "Maçon / Maçonne",
    "rome_code": "F1703",
    "posts": 2,
    "contract_type": "cdd",
    "weekly_hours": Decimal("35"),
    "start_on": date(2027, 1, 11),
    "place": "Saint-Girons",
    "requirements": "Permis B apprécié",
    "clause_hours": Decimal("600"),
}


def make_offer(
    company: Organisation | None = None,
    *,
    lot=None,
    status: str = "open",
    user: User | None = None,
    **values,
) -> JobOffer:
    """An offer on a lot held by ``company`` (a new company by default), opened unless
    ``status="draft"`` (``filled`` / ``cancelled`` close it)."""
    company = company or make_org(OrgKind.COMPANY)
    lot = lot or make_lot(holder=company)
    user = user or amoi_user()
    offer = services.create_offer(user, lot, {**OFFER, **values})
    if status != "draft":
        services.change_offer(offer, user, "open", date(2026, 12, 1))
    if status in ("filled", "cancelled"):
        action = "fill" if status == "filled" else "cancel"
        services.change_offer(offer, user, action, date(2026, 12, 2))
    db.session.commit()
    return offer


def candidate(**overrides) -> services.Candidate:
    n = next(_seq)
    values = {
        "last_name": f"Candidat{n}",
        "first_name": "Noé",
        "birth_date": date(1995, 2, 3),
        "sex": "M",
        "commune": "Foix",
        "postal_code": "09000",
        "qpv_resident": True,
        "qualification": "level_3",
        "criteria": ("rsa",),
        "referent_name": "Claire Référente",
        "referent_email": "referente@ml.example",
    }
    values.update(overrides)
    return services.Candidate(**values)


def make_application(
    offer: JobOffer | None = None,
    prescriber: Organisation | None = None,
    *,
    user: User | None = None,
    stage: str = "received",
    cv: bytes | None = PDF,
    who: services.Candidate | None = None,
) -> Application:
    """An application by ``prescriber`` (a new one by default) brought to ``stage``."""
    offer = offer or make_offer()
    prescriber = prescriber or make_org(OrgKind.PRESCRIBER, prescriber_kind="mission_locale")
    user = user or make_user(prescriber)
    application = services.propose(offer, user, prescriber, who or candidate(), cv=cv)
    amoi = amoi_user()
    if stage in ("preselected", "presented", "hired", "not_retained_by_company"):
        services.preselect(application, amoi, interview_on=date(2026, 12, 4), outcome="Motivé")
    if stage in ("presented", "hired", "not_retained_by_company"):
        services.present(application, amoi, note="Expérience sur chantier")
    if stage == "hired":
        services.retain(application, amoi, date(2026, 12, 5))
    if stage == "not_retained":
        services.reject(application, amoi, reason="profile", detail="")
    if stage == "not_retained_by_company":
        services.reject(application, amoi, reason="availability", detail="")
    db.session.commit()
    return application
