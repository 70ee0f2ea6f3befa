"""Login hardening (issue 8): the same password work on every path, throttling that
counts failures only (per account and address, gentler per account, per address), and
the current-password check of « Mon compte » throttled and audited."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from portal.models import AuditEvent
from tests.conftest import text_of
from tests.factories import PASSWORD, make_org, make_user

WRONG = "pas le bon mot de passe"
OFFICE = {"REMOTE_ADDR": "192.0.2.10"}  # documentation addresses (RFC 5737)
ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _login(app, email, password, address=OFFICE):
    return app.test_client().post_form(
        "/connexion", {"email": email, "password": password}, environ_base=address
    )


# --- the same work whatever the account ---------------------------------------------------


@pytest.fixture
def argon2_calls(monkeypatch):
    """Counts the argon2 computations (verifications and hashes) the portal runs."""
    calls = []
    verify, hash_ = PasswordHasher.verify, PasswordHasher.hash

    def counting_verify(self, *args, **kwargs):
        calls.append("verify")
        return verify(self, *args, **kwargs)

    def counting_hash(self, *args, **kwargs):
        calls.append("hash")
        return hash_(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    return calls


def _accounts():
    """Every kind of account a login can name, with a password to try."""
    return {
        "unknown": ("personne.inconnue@exemple.example", PASSWORD),
        "wrong password": (make_user().email, WRONG),
        "deactivated, right password": (make_user(active=False).email, PASSWORD),
        "deactivated, wrong password": (make_user(active=False).email, WRONG),
        "invited, no password yet": (make_user(password=None).email, PASSWORD),
        "organisation deactivated": (make_user(make_org(active=False)).email, PASSWORD),
    }


def test_every_failed_login_costs_one_password_verification(app, client, argon2_calls):
    cases = _accounts()
    # the dummy hash is made once per process, by the first login of an unknown account
    client.post_form("/connexion", {"email": "echauffement@exemple.example", "password": WRONG})
    bodies = set()
    for label, (email, password) in cases.items():
        argon2_calls.clear()
        response = client.post_form("/connexion", {"email": email, "password": password})
        assert response.status_code == 401, label
        assert argon2_calls == ["verify"], label
        html = text_of(response)
        # the pages say the same thing: only the values shown back (the e-mail typed, the
        # CSRF token) differ
        bodies.add(re.sub(r'value="[^"]*"', "", html[html.index("<main") :]))
    assert len(bodies) == 1


def test_successful_login_costs_one_verification(app, client, argon2_calls):
    user = make_user()
    client.csrf_token()
    argon2_calls.clear()
    response = client.post_form("/connexion", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    assert argon2_calls == ["verify"]


# --- throttling counts failures, per account and address ------------------------------------


def test_successful_logins_from_one_office_are_not_throttled(app):
    """An office behind one address logs in many times a morning."""
    app.config["LOGIN_LIMIT_IP"] = "3 per 15 minutes"
    users = [make_user() for _ in range(6)]
    for user in users:
        assert _login(app, user.email, PASSWORD).status_code == 303


def test_an_attacker_does_not_lock_the_owner_out(app, db):
    victim = make_user()
    for _ in range(5):
        assert _login(app, victim.email, WRONG, ATTACKER).status_code == 401
    blocked = _login(app, victim.email, PASSWORD, ATTACKER)
    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion" in text_of(blocked)
    # the owner, from the office, still gets in
    assert _login(app, victim.email, PASSWORD, OFFICE).status_code == 303
    [event] = _events(db, "auth.throttled")
    assert event.object_type == "User"
    assert event.object_id == str(victim.id)
    assert event.detail == "limit=account_address"
    assert victim.email not in event.detail + event.object_id


def test_account_wide_limit_stops_a_distributed_attack(app, db):
    app.config["LOGIN_LIMIT_ACCOUNT"] = "8 per 15 minutes"
    victim = make_user()
    for n in range(8):
        address = {"REMOTE_ADDR": f"203.0.113.{n}"}
        assert _login(app, victim.email, WRONG, address).status_code == 401
    fresh = {"REMOTE_ADDR": "203.0.113.200"}
    assert _login(app, victim.email, PASSWORD, fresh).status_code == 429
    assert [e.detail for e in _events(db, "auth.throttled")] == ["limit=account"]
    # another account is not concerned
    assert _login(app, make_user().email, PASSWORD, fresh).status_code == 303


def test_per_address_limit_counts_failures_and_is_audited(app, db):
    app.config["LOGIN_LIMIT_IP"] = "3 per 15 minutes"
    for n in range(3):
        assert _login(app, f"x{n}@exemple.example", WRONG, ATTACKER).status_code == 401
    assert _login(app, "y@exemple.example", WRONG, ATTACKER).status_code == 429
    [event] = _events(db, "auth.throttled")
    assert event.detail == "limit=address"
    assert event.object_id == ""  # no such account
    # another address is not concerned
    assert _login(app, make_user().email, PASSWORD, OFFICE).status_code == 303


# --- the current-password check of « Mon compte » ---------------------------------------------


def _change(client, current):
    new = "une autre phrase bien solide"
    return client.post_form("/compte", {"current": current, "password": new, "confirm": new})


def test_wrong_current_password_is_audited(login_as, db):
    user = make_user()
    client = login_as(user)
    response = _change(client, WRONG)
    assert response.status_code == 422
    [event] = _events(db, "auth.password_check_failed")
    assert event.actor_id == user.id
    assert event.object_id == str(user.id)
    assert WRONG not in event.detail


def test_current_password_check_is_throttled(app, login_as, db):
    user = make_user()
    client = login_as(user)
    for _ in range(5):
        assert _change(client, WRONG).status_code == 422
    blocked = _change(client, PASSWORD)
    assert blocked.status_code == 429
    assert "Trop de tentatives" in text_of(blocked)
    db.session.refresh(user)
    assert user.password_hash  # unchanged: the right password was not even tried
    [event] = _events(db, "auth.throttled")
    assert event.detail == "limit=current_password"
    assert event.actor_id == user.id
    # another user is not concerned
    other = make_user()
    assert _change(login_as(other), PASSWORD).status_code == 303


def test_successful_password_changes_are_not_counted(app):
    user = make_user()
    password = PASSWORD
    for n in range(6):
        client = app.test_client()
        client.login(user, password)
        new = f"une phrase solide numéro {n} pour changer"
        response = client.post_form(
            "/compte", {"current": password, "password": new, "confirm": new}
        )
        assert response.status_code == 303, n
        password = new
