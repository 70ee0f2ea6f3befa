"""The portal's notion of "today": the date in Paris (rules take it as a parameter)."""

from __future__ import annotations

from datetime import date, datetime

from portal.formatting import PARIS


def today() -> date:
    return datetime.now(PARIS).date()
