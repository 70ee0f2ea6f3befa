"""Outgoing e-mail. With ``MAIL_SMTP_HOST`` set, messages go through SMTP; otherwise
(embedded instance, tests) each message is written as an ``.eml`` file to the outbox.
"""

from __future__ import annotations

import os
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from portal.models.base import utcnow


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


def send_mail(to: list[str] | str, subject: str, body: str) -> Path | None:
    """Send a plain-text French e-mail; returns the ``.eml`` path when written to the outbox."""
    recipients = [to] if isinstance(to, str) else list(to)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="passerelle.invalid")
    message.set_content(body)
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
