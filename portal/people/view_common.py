"""What the people pages share: the declaring roles, the object loaders and the criteria a user
may see (docs/domain.md §5)."""

from __future__ import annotations

from flask import g

from portal.access import Role
from portal.models import (
    Candidacy,
    Placement,
)
from portal.people.access import (
    can_see_health_data,
)
from portal.web.actions import object_action

DECLARERS = (Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE)
candidacy_action = object_action(Candidacy)
placement_action = object_action(Placement)


def visible_criteria(rows):
    """The criteria the user may see: health-data codes for the AMOI only."""
    if can_see_health_data(g.user):
        return list(rows)
    return [row for row in rows if not row.health_data]
