"""PDF documents (docs/architecture.md §7): a Jinja template of ``templates/pdf/`` rendered with the
portal's filters, then converted by xhtml2pdf (the only module importing it).

What a document may read is decided here, not by the markup. xhtml2pdf fetches whatever
its HTML names (``<img src>``, ``@font-face``, ``@import``, backgrounds), and amounts,
labels and names come from users: a document must not read the server's files nor
reach the network. Two layers:

- ``link_callback`` maps the fonts' URLs (``/static/fonts/<file>``, written as such in
  ``templates/pdf/_base.html``: no request, no URL prefix needed) to the absolute path of
  that file in ``static/fonts/``, and nothing else;
- ``RESOURCE_POLICY`` is xhtml2pdf's own gate, applied on every fetch, including those
  that skip the callback: no network at all, and local reads confined to
  ``static/fonts/`` (symbolic links resolved first). A document asking for another file
  renders without it.

Without the policy's root the embedded fonts would be refused too (xhtml2pdf confines
local reads to the working directory by default) and the text would silently fall back
to Helvetica, which has neither ``€`` nor ``œ``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from flask import Response, render_template
from jinja2 import Template
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessError, ResourceAccessPolicy

__all__ = [
    "FONTS_DIR",
    "RESOURCE_POLICY",
    "PdfRenderError",
    "ResourceAccessError",
    "link_callback",
    "pdf_response",
    "render_pdf",
]

FONTS_DIR = (Path(__file__).resolve().parents[2] / "static" / "fonts").resolve()
FONTS_URL = "/static/fonts/"
NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"

RESOURCE_POLICY = ResourceAccessPolicy.server(
    FONTS_DIR,
    allow_remote=False,
    allow_private_networks=False,
    extra_roots=(),
    allow_local_outside_base=False,
    # A long yearly recap is a few hundred rows: generous, but still a bound.
    max_render_seconds=120,
)


class PdfRenderError(RuntimeError):
    """xhtml2pdf reported errors while converting a document."""


def font_path(uri: str) -> Path | None:
    """The file of ``static/fonts/`` that ``uri`` names, or None for any other URI.

    Only the path ``/static/fonts/<file>`` (no scheme, no host) naming a plain TrueType
    file: no sub-folder, no ``..``, nothing outside the folder even through a symbolic
    link.
    """
    parts = urlsplit(str(uri))
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return None
    path = unquote(parts.path)
    if not path.startswith(FONTS_URL):
        return None
    name = path.removeprefix(FONTS_URL)
    if not name or PurePosixPath(name).name != name or name in (".", ".."):
        return None
    candidate = (FONTS_DIR / name).resolve()
    if candidate.parent != FONTS_DIR or candidate.suffix != ".ttf" or not candidate.is_file():
        return None
    return candidate


def link_callback(uri: str, rel: str | None = None) -> str | None:
    """xhtml2pdf's URL rewriting: a font URL becomes its absolute path. Any other URI is
    left as it is (None) and then refused by ``RESOURCE_POLICY``."""
    path = font_path(uri)
    return str(path) if path else None


def render_pdf(template: str | Template, **context) -> bytes:
    """Render ``template`` with the portal's Jinja filters and convert it to PDF.

    babel groups thousands with a narrow no-break space (U+202F, ``1 250,00 €``). The
    embedded font has that glyph, but xhtml2pdf breaks lines at it as at an ordinary
    space, so an amount could be split across two lines: it becomes a no-break space
    (U+00A0), which the font also covers and which xhtml2pdf keeps together.
    """
    html = render_template(template, **context).replace(NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE)
    output = io.BytesIO()
    name = getattr(template, "name", None) or template
    try:
        status = pisa.CreatePDF(
            html,
            dest=output,
            encoding="utf-8",
            link_callback=link_callback,
            resource_policy=RESOURCE_POLICY,
        )
    except Exception as error:
        raise PdfRenderError(f"La conversion en PDF de {name} a échoué : {error}") from error
    if status.err:
        details = "; ".join(
            f"ligne {line} : {message}" for mode, line, message, _ in status.log if mode == "error"
        )
        raise PdfRenderError(
            f"La conversion en PDF de {name} a signalé {status.err} erreur(s) : "
            f"{details or 'sans détail'}"
        )
    return output.getvalue()


def pdf_response(data: bytes, filename: str) -> Response:
    """The PDF as a download, never cached (quotes and invoices are not public documents).

    The file name is reduced to ASCII letters, digits, ``.``, ``_`` and ``-`` (accents
    dropped, anything else becomes ``-``), so that it cannot break the header.
    """
    stem = filename[:-4] if filename.lower().endswith(".pdf") else filename
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    safe = (re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-._") or "document") + ".pdf"
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
    response.headers["Cache-Control"] = "no-store"
    return response
