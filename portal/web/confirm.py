"""Confirmation of irreversible actions (issue 8): the page says the consequence before
the user commits to it, with the figures computed here, on the server.

One mechanism, three paths:

- with JavaScript, the form's button opens a native ``<dialog>`` (``templates/_layout/
  confirm.html``, ``static/js/app.js``) whose « Confirmer » button posts the same form with
  ``confirmation=1``;
- without JavaScript, the button posts without it and the view answers the
  **confirmation step**: a page with the same consequence and a form that re-posts the
  same fields with ``confirmation=1`` (:func:`step`);
- a POST that did not go through either (a script, a stale htmx page) changes nothing.

Each blueprint declares its confirmations with :func:`confirmation`; they become Jinja
globals (``{{ confirm_quote_approval(quote) }}``), so the page and the view compute the
same text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, Response, abort, make_response, render_template, request

from portal.web.htmx import is_htmx

FIELD = "confirmation"
"""The form field the dialog's button and the confirmation step send (value ``1``)."""

NOT_REPOSTED = {FIELD, "csrf_token"}


@dataclass(frozen=True)
class Confirmation:
    """What the user is about to do and what will follow.

    ``title`` is the question (dialog heading, step page ``<h1>``); ``consequence`` the
    sentence with the computed figures; ``confirm_label`` the button that commits;
    ``danger`` styles it as a destructive action."""

    title: str
    consequence: str
    confirm_label: str
    danger: bool = False


F = TypeVar("F", bound=Callable[..., Confirmation | None])
CONFIRMATIONS: dict[str, Callable[..., Confirmation | None]] = {}


def confirmation(builder: F) -> F:
    """Register a confirmation builder; it becomes a template global of the same name."""
    CONFIRMATIONS[builder.__name__] = builder
    return builder


def confirmed() -> bool:
    """True when the request carries the user's confirmation."""
    return request.form.get(FIELD) == "1"


def step(confirm: Confirmation | None, cancel_url: str) -> Response | None:
    """``None`` when the action may proceed (confirmed, or nothing to confirm); otherwise
    the response that asks first: the confirmation step page, or for htmx (whose dialog
    always sends the confirmation) a 409 in the alert region."""
    if confirm is None or confirmed():
        return None
    if is_htmx():
        abort(409, description=f"Confirmez d'abord cette action. {confirm.consequence}")
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in NOT_REPOSTED]
    page = render_template(
        "_layout/confirm_step.html",
        confirm=confirm,
        action=request.path,
        fields=fields,
        cancel_url=cancel_url,
    )
    return make_response(page, 200)


def register_confirmations(app: Flask) -> None:
    """Expose every registered builder to the templates (called once the blueprints,
    which declare them, are imported)."""
    app.jinja_env.globals.update(CONFIRMATIONS)
