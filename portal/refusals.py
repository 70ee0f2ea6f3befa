"""The one exception a service raises when an action cannot be done now: its message is a
French sentence for the user, and ``portal.web.actions`` turns it into a 409 page."""

from __future__ import annotations


class Refused(Exception):
    """A French explanation of why the action is refused (the state does not allow it)."""
