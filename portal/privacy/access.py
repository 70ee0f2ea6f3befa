"""Who handles a person's rights (docs/gdpr-record.md §9; docs/permissions.md)."""

from __future__ import annotations

from portal.access import is_facilitator, predicate
from portal.models import Participant, User


@predicate
def can_manage_personal_data(user: User | None) -> bool:
    """Export a person's file and erase it: the AMOI only, the controller that answers the
    people's requests (RGPD art. 15 and 17; docs/gdpr-record.md §9)."""
    return is_facilitator(user)


@predicate
def can_erase_participant(user: User | None, participant: Participant) -> bool:
    """Erase (anonymise now) a file not anonymised yet: the AMOI (docs/gdpr-record.md §8)."""
    return can_manage_personal_data(user) and participant.anonymised_at is None
