"""The dashboard's role matrix (issue 12): every party of the clause has a dashboard of
its own reach; the prescriber none. No object id in its URL, no action."""

from __future__ import annotations

from portal.models import Role
from tests.security.registry import expect

expect("dashboard.index", roles=(Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE))
