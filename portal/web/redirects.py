"""Where the portal may send a browser back to: paths of this site only (issue 8, finding 1).

Browsers forgive a lot in a ``Location``: they drop tabs and newlines (``/\\t/evil`` becomes
``//evil``, another host), read a backslash as a slash and trim spaces and controls; a raw
newline in a header even crashes the response. A target is therefore refused when it holds
any control, space or backslash, a scheme or a host, dot segments or an empty segment; what
remains is re-encoded to plain ASCII.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

# RFC 3986 characters kept as they are (``%`` too: what is already encoded stays encoded).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def local_path(target: str | None) -> str | None:
    """``target`` as an ASCII path (and query) of this site, or ``None`` when it could lead
    elsewhere once a browser has normalised it."""
    if not target or "\\" in target:
        return None
    if any(unicodedata.category(ch)[0] in "CZ" for ch in target):
        return None  # controls, format characters, spaces of any script
    parts = urlsplit(target)
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or "//" in path:
        return None
    if any(segment in (".", "..") for segment in path.split("/")):
        return None
    return urlunsplit(("", "", quote(path, safe=_PATH_SAFE), quote(parts.query, _QUERY_SAFE), ""))


def same_site_path(url: str | None, host: str) -> str | None:
    """The local path of an absolute ``url`` of this very host (the ``HX-Current-URL`` an
    htmx request sends), or ``None``."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != host:
        return None
    return local_path(urlunsplit(("", "", parts.path, parts.query, "")))
