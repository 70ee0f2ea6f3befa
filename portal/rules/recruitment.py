"""Rules of the pre-recruitment service (docs/domain.md §10): how long a candidate's CV and
identity are kept once the offer is closed. Pure: the day is a parameter."""

from __future__ import annotations

from datetime import date

from portal.rules.deadlines import add_months

DEFAULT_CV_RETENTION_MONTHS = 6
"""A candidate's CV is deleted 6 months after the offer closes (issue 13; default,
configurable: ``RECRUITMENT_CV_RETENTION_MONTHS``)."""


def cv_kept_until(closed_on: date | None, months: int) -> date | None:
    """The last day a CV of an offer closed on ``closed_on`` is kept; None while the offer
    is not closed (draft or open: the CV is still needed)."""
    if closed_on is None:
        return None
    if months < 0:
        raise ValueError("La durée de conservation ne peut pas être négative.")
    return add_months(closed_on, months)


def cv_expired(closed_on: date | None, months: int, today: date) -> bool:
    """True once the CV of an offer closed on ``closed_on`` must be deleted."""
    until = cv_kept_until(closed_on, months)
    return until is not None and today > until
