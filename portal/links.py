"""Absolute links sent outside the portal (e-mails, the CLI): built from ``PUBLIC_URL``,
never from the Host header of the request that triggers them (issue 8, finding 2)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values, _external=True)`` as seen from ``PUBLIC_URL`` (its
    scheme, host and path prefix); works with or without a request."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
