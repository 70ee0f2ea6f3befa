"""Outgoing e-mail. With ``MAIL_SMTP_HOST`` set, messages go through SMTP; otherwise
(embedded instance, tests) each message is written as an ``.eml`` file to the outbox.

Services and views do not send: they :func:`queue` a message in the current database
transaction, and it leaves only once that transaction commits. A rollback (a refusal, a
stale write, an error) drops it, so no one is told of a decision that was not recorded;
a sending failure after the commit is logged and never undoes the decision. This is
what lets a service queue mail while leaving the commit to its caller.
"""

from __future__ import annotations

import os
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.extensions import db
from portal.models.base import utcnow

_QUEUE = "portal.mail.queue"  # key of the pending messages in ``Session.info``


Attachment = tuple[str, str, bytes]
"""A file joined to a message: its name, its content type (``application/pdf``), its bytes."""


@dataclass(frozen=True)
class Message:
    to: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


def queue(
    to: list[str] | str, subject: str, body: str, attachments: tuple[Attachment, ...] = ()
) -> Message:
    """Send this plain-text e-mail once the current transaction commits; a rollback drops
    it. Links in ``body`` come from :func:`portal.links.external_url` (``PUBLIC_URL``).
    ``attachments``: files joined to it (the printable sheet of a job offer)."""
    message = Message(
        (to,) if isinstance(to, str) else tuple(to), subject, body, tuple(attachments)
    )
    session = db.session()
    if not session.in_transaction():
        # Begin now, so that the transaction's end (commit or rollback) is this message's
        # fate, even when nothing was written before it was queued.
        session.begin()
    session.info.setdefault(_QUEUE, []).append(message)
    return message


def queued() -> list[Message]:
    """The messages waiting for the current transaction's commit."""
    return list(db.session.info.get(_QUEUE, ()))


@event.listens_for(db.session, "after_commit")
def _send_queued(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the outer transaction may still roll back
    for message in session.info.pop(_QUEUE, []):
        try:
            send_mail(list(message.to), message.subject, message.body, message.attachments)
        except Exception:  # SMTP down: the decision is recorded, the failure is logged
            current_app.logger.exception("e-mail not sent: %s", message.subject)


@event.listens_for(db.session, "after_soft_rollback")
def _drop_queued(session: Session, previous_transaction: SessionTransaction) -> None:
    # Any rollback, even of a savepoint (the portal uses none), drops every pending
    # message: better an e-mail missing than one announcing what did not happen.
    session.info.pop(_QUEUE, None)


def outbox_path() -> Path:
    """The outbox folder, readable by the portal's own user only (messages hold live
    invitation and reset links)."""
    configured = current_app.config.get("MAIL_OUTBOX")
    path = Path(configured) if configured else Path(current_app.instance_path) / "outbox"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # also an older folder created with the umask's 0755
    return path


def _write_private(path: Path, data: bytes) -> None:
    """Create the file as 0600 whatever the umask (never readable by other users)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(data)


def send_mail(
    to: list[str] | str, subject: str, body: str, attachments: tuple[Attachment, ...] = ()
) -> Path | None:
    """Send a plain-text French e-mail now; returns the ``.eml`` path when written to the
    outbox. Anything that follows from a change in the database goes through
    :func:`queue` instead."""
    recipients = [to] if isinstance(to, str) else list(to)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="passerelle.invalid")
    message.set_content(body)
    for filename, content_type, data in attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    host = current_app.config.get("MAIL_SMTP_HOST")
    if host:
        port = int(current_app.config.get("MAIL_SMTP_PORT", 587))
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            if current_app.config.get("MAIL_SMTP_STARTTLS", True):
                smtp.starttls()
            user = current_app.config.get("MAIL_SMTP_USER")
            if user:
                smtp.login(user, current_app.config.get("MAIL_SMTP_PASSWORD", ""))
            smtp.send_message(message)
        return None
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    path = outbox_path() / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    _write_private(path, bytes(message))
    return path
