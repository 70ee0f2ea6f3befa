"""Reports (*bilans*): annual and final reports per operation and lot (convention art. 5
and 7; docs/domain.md §9; issue 12)."""

from portal.reports.views import bp

__all__ = ["bp"]
