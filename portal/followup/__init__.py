"""Follow-up of the titulaires: contacts, meetings, escalation letters and proposed penalties
(issue 11; docs/domain.md §8)."""

from portal.followup.views import bp

__all__ = ["bp"]
