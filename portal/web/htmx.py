"""htmx helpers; the only module that imports the ``flask_htmx`` extension.

Conventions (docs/architecture.md §5): the same URL answers a full page or, for htmx, the
partial that the page includes; redirects answering htmx become ``HX-Redirect``.
"""

from __future__ import annotations

from flask import Flask, Response, make_response, render_template
from flask_htmx import HTMX

htmx = HTMX()


def is_htmx() -> bool:
    """True for an htmx request that expects a fragment (not a boosted page, not history)."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, partial: str, status: int = 200, **context) -> Response:
    """The partial for htmx requests, the full page otherwise; both vary on HX-Request."""
    template = partial if is_htmx() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def retarget(response: Response, target: str, swap: str = "innerHTML") -> Response:
    """Send the fragment somewhere else than the requesting element (errors → #alerts)."""
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response


def _redirects_become_hx_redirect(response: Response) -> Response:
    # XMLHttpRequest follows redirects silently; htmx must be told to navigate instead.
    if htmx and response.status_code in (301, 302, 303, 307, 308) and response.location:
        response.headers["HX-Redirect"] = response.location
        del response.headers["Location"]
        response.status_code = 200
        response.set_data(b"")
    return response


def register_htmx(app: Flask) -> None:
    htmx.init_app(app)
    app.after_request(_redirects_become_hx_redirect)
