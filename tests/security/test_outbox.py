"""Outbox files hold live links (invitations, resets): only the portal's user reads them."""

from __future__ import annotations

import stat

from portal.documents.mail import send_mail
from tests.conftest import outbox_messages


def test_outbox_message_and_folder_are_private(app):
    path = send_mail("personne@exemple.example", "Sujet", "Lien : http://localhost/x")
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert outbox_messages(app) == [path]


def test_permissions_do_not_depend_on_the_umask(app):
    import os

    previous = os.umask(0)
    try:
        path = send_mail("personne@exemple.example", "Sujet", "corps")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
