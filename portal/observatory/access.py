"""Who reads the observatory files (docs/permissions.md; docs/domain.md §9): the AMOI
everything; the CCVG the anonymised file and the aggregates of the whole territory; a
commune the anonymised file and the aggregates of its own operations (``scoped(Lot)``);
nobody else."""

from __future__ import annotations

from portal.access import is_facilitator, predicate
from portal.models import User


@predicate
def can_download_identified_observatory(user: User | None) -> bool:
    """The identified line file (names, birth dates) is the AMOI's only: it feeds the
    facilitators' database (convention annexe 2); buyers get the anonymised file."""
    return is_facilitator(user)
