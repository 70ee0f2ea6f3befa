"""The uploaded statement file between the preview and the confirmation (issue 10).

Nothing is stored in the database until the user confirms; the file waits meanwhile in a
private folder (``STATEMENT_UPLOAD_FOLDER``, mode 0700, files 0600, outside ``static/``)
under a random name prefixed with the user's id: only its uploader can confirm it, and it
is deleted on confirmation or after ``KEEP`` (each upload purges the older files). The
confirmation reads the file again, so that what is stored is checked against the database
of that moment.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

KEEP_SECONDS = 3600
"""How long an uploaded file waits for its confirmation (one hour)."""

TOKEN = re.compile(r"^[A-Za-z0-9_-]{24}\.(csv|xlsx)$")


def folder() -> Path:
    configured = current_app.config.get("STATEMENT_UPLOAD_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "statement-uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _extension(filename: str) -> str:
    return "xlsx" if filename.lower().endswith(".xlsx") else "csv"


def purge(now: float | None = None) -> int:
    """Delete the files older than ``KEEP_SECONDS``; how many were deleted."""
    now = time.time() if now is None else now
    deleted = 0
    for path in folder().iterdir():
        try:
            if now - path.stat().st_mtime > KEEP_SECONDS:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # another request purged it first
            continue
    return deleted


def keep(user_id: int, data: bytes, filename: str) -> str:
    """Store ``data`` for ``user_id``; the token the confirmation form carries."""
    purge()
    token = f"{secrets.token_urlsafe(18)}.{_extension(filename)}"
    path = folder() / f"{int(user_id)}-{token}"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return token


def _path(user_id: int, token: str) -> Path | None:
    if not TOKEN.match(token or ""):
        return None
    return folder() / f"{int(user_id)}-{token}"


def take(user_id: int, token: str) -> bytes | None:
    """The file ``user_id`` uploaded under ``token``, or None (unknown, another user's,
    expired)."""
    path = _path(user_id, token)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > KEEP_SECONDS:
        path.unlink(missing_ok=True)
        return None
    return path.read_bytes()


def discard(user_id: int, token: str) -> None:
    path = _path(user_id, token)
    if path is not None:
        path.unlink(missing_ok=True)


def filename_of(token: str) -> str:
    """A file name the reader accepts for the token's format."""
    return f"releve.{token.rsplit('.', 1)[-1]}"
