"""Builders for the typed grid's tests: a company's direct hires, on a lot or a TCE share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models import Organisation, OrgKind, Placement, SubcontractorShare
from portal.people import services as people
from tests.factories import make_lot, make_operation, make_org, make_user
from tests.people.builders import DETAILS, amoi_user, decide, identity

PROPOSED = date(2026, 6, 1)
START = date(2026, 6, 15)
END = date(2026, 12, 31)
MONTH = date(2026, 9, 1)
"""A month of the default placement, in the past for the portal's clock."""


def make_share(company: Organisation, *, name: str = "Groupe scolaire des Tilleuls"):
    operation = make_operation(name=name, is_tce=True, tce_hours=1000, general_contractor=company)
    share = SubcontractorShare(
        operation=operation, company=company, trade="masonry", amount_excl_tax=Decimal("600000")
    )
    db.session.add(share)
    db.session.commit()
    return share


def direct_hire(
    company: Organisation | None = None,
    *,
    lot=None,
    share: SubcontractorShare | None = None,
    who: people.Identity | None = None,
    modality: str = "direct_hire",
    contract_type: str = "cdd",
    start_date: date = START,
    planned_end: date | None = END,
    employer: Organisation | None = None,
) -> Placement:
    """A placement of ``company`` (its employer: a direct hire by default) on one of its
    lots (a new one) or on ``share``."""
    company = company or make_org(OrgKind.COMPANY)
    declarer = employer or company
    if share is None and lot is None:
        lot = make_lot(holder=company)
    candidacy = people.propose(
        make_user(declarer),
        declarer,
        people.Target(lot, share),
        who or identity(),
        {**DETAILS, "modality": modality, "contract_type": contract_type},
        ["rsa"],
        PROPOSED,
    )
    db.session.commit()
    decide(candidacy, day=PROPOSED)
    placement = people.hire(
        candidacy,
        amoi_user(),
        contract_type=contract_type,
        start_date=start_date,
        planned_end=planned_end,
        weekly_hours=Decimal("35"),
    )
    db.session.commit()
    return placement


def grid_form(month: date = MONTH, version=None, organisation=None, **values) -> dict:
    """The grid's POST: ``values`` as ``hours_<id>=…`` / ``training_<id>=…``."""
    data = {"mois": f"{month:%Y-%m}", "version": "" if version is None else str(version)}
    if organisation is not None:
        data["organisation"] = str(organisation.id)
    for key, value in values.items():
        kind, _, placement_id = key.partition("_")
        data[f"{kind}-{placement_id}" if kind in ("hours", "training") else key] = value
    return data
