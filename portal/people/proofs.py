"""Proof files of eligibility criteria (docs/domain.md §5): checked by their first bytes
(PDF, JPEG, PNG only; never by their name), limited in size (``PEOPLE_PROOF_MAX_BYTES``),
stored outside ``static/`` under a random name in ``PEOPLE_PROOF_FOLDER`` (default
``instance/proofs``), served to the AMOI only and deleted as soon as it decides. What stays
is the type, the date, the SHA-256 and who checked it.

Nothing is written before every check passed: a refused file leaves no trace. Files
follow the transaction: one written in a transaction that rolls back is removed, and one
to delete is removed once the decision is committed (never before: a refused decision
keeps its proofs).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.extensions import db
from portal.refusals import Refused

_WRITTEN = "portal.proofs.written"
_TO_DELETE = "portal.proofs.to_delete"

SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
"""Accepted kinds: the first bytes, the content type served, the extension."""
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class StoredProof:
    name: str
    content_type: str
    size: int
    sha256: str


def folder() -> Path:
    """The proofs folder, readable by the portal's own user only."""
    configured = current_app.config.get("PEOPLE_PROOF_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "proofs"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def max_bytes() -> int:
    return int(current_app.config.get("PEOPLE_PROOF_MAX_BYTES") or DEFAULT_MAX_BYTES)


def sniff(data: bytes) -> tuple[str, str] | None:
    """``(content type, extension)`` of data whose first bytes are those of an accepted
    kind; None otherwise."""
    for magic, content_type, extension in SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    return None


def check(data: bytes) -> tuple[str, str]:
    """The accepted kind of ``data``, or a French refusal (empty, too large, wrong kind)."""
    if not data:
        raise Refused("Le fichier est vide : choisissez le justificatif à déposer.")
    limit = max_bytes()
    if len(data) > limit:
        raise Refused(
            f"Le fichier dépasse la taille maximale de {limit // (1024 * 1024)} Mo : "
            "réduisez-le ou numérisez-le en basse résolution."
        )
    kind = sniff(data)
    if kind is None:
        raise Refused(
            "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été vérifié, "
            "pas seulement son nom) : il n'a pas été enregistré."
        )
    return kind


def store(data: bytes) -> StoredProof:
    """Check ``data`` then write it under a random name; the stored proof's metadata."""
    content_type, extension = check(data)
    name = f"{secrets.token_hex(16)}.{extension}"
    path = folder() / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    session = db.session()
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(_WRITTEN, []).append(name)
    return StoredProof(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def path_of(name: str) -> Path | None:
    """The file of a stored proof, or None when it is gone (or the name is not one of ours)."""
    if not name or Path(name).name != name or name.startswith("."):
        return None
    path = folder() / name
    return path if path.is_file() else None


def delete(name: str | None) -> None:
    """Remove a stored proof (idempotent)."""
    if name and (path := path_of(name)) is not None:
        path.unlink(missing_ok=True)


def delete_on_commit(name: str | None) -> None:
    """Remove a stored proof once the current transaction commits (the AMOI's decision)."""
    if name:
        session = db.session()
        if not session.in_transaction():
            session.begin()
        session.info.setdefault(_TO_DELETE, []).append(name)


@event.listens_for(db.session, "after_commit")
def _delete_decided(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_WRITTEN, None)
    for name in session.info.pop(_TO_DELETE, []):
        try:
            delete(name)
        except OSError:  # the decision is recorded; the leftover is logged
            current_app.logger.exception("proof not deleted: %s", name)


@event.listens_for(db.session, "after_soft_rollback")
def _drop_written(session: Session, previous_transaction: SessionTransaction) -> None:
    session.info.pop(_TO_DELETE, None)
    for name in session.info.pop(_WRITTEN, []):
        try:
            delete(name)
        except OSError:
            current_app.logger.exception("proof not removed after a rollback: %s", name)
