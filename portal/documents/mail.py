"""Outgoing e-mail. With ``MAIL_SMTP_HOST`` set, messages go through SMTP; otherwise
(embedded instance, tests) each message is written as an ``.eml`` file to the outbox.
"""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from portal.models.base import utcnow


def outbox_path() -> Path:
    configured = current_app.config.get("MAIL_OUTBOX")
    path = Path(configured) if configured else Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    path.write_bytes(bytes(message))
    return path
