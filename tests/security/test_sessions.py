"""Sessions end server-side: a cookie copied before logout, password change or
deactivation no longer works afterwards (tested by replaying it)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import CONFIRMED, versioned
from tests.factories import PASSWORD, make_admin, make_user


def _copy_cookie(client):
    cookie = client.get_cookie("passerelle_session")
    assert cookie is not None
    return cookie.value


def _replay(app, value):
    thief = app.test_client()
    thief.set_cookie("passerelle_session", value)
    return thief.get("/")


def test_cookie_works_before_anything_happens(app, login_as):
    client = login_as(make_user())
    assert _replay(app, _copy_cookie(client)).status_code == 200


def test_logout_kills_copied_cookie(app, login_as):
    client = login_as(make_user())
    stolen = _copy_cookie(client)
    client.post_form("/deconnexion")
    response = _replay(app, stolen)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_password_change_kills_other_sessions(app, login_as):
    user = make_user()
    client = login_as(user)
    other_browser = login_as(user)
    stolen = _copy_cookie(other_browser)
    response = client.post_form(
        "/compte",
        {
            "current": PASSWORD,
            "password": "un tout nouveau secret partagé",
            "confirm": "un tout nouveau secret partagé",
        },
    )
    assert response.status_code == 303
    assert _replay(app, stolen).status_code == 302
    assert other_browser.get("/").status_code == 302


def test_deactivation_kills_sessions(app, login_as, db):
    user = make_user()
    victim_client = login_as(user)
    stolen = _copy_cookie(victim_client)
    admin_client = login_as(make_admin())
    response = admin_client.post_form(f"/admin/comptes/{user.id}/desactiver", CONFIRMED)
    assert response.status_code == 303
    assert _replay(app, stolen).status_code == 302
    assert victim_client.get("/").status_code == 302


def test_organisation_deactivation_kills_its_sessions(app, login_as):
    user = make_user()
    stolen = _copy_cookie(login_as(user))
    admin_client = login_as(make_admin())
    assert (
        admin_client.post_form(
            f"/organisations/{user.organisation_id}/desactiver",
            versioned(user.organisation, CONFIRMED),
        ).status_code
        == 303
    )
    assert _replay(app, stolen).status_code == 302


def test_idle_timeout(app, login_as):
    client = login_as(make_user())
    with client.session_transaction() as session:
        session["seen_at"] -= int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()) + 5
    response = client.get("/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_absolute_lifetime(app, login_as):
    client = login_as(make_user())
    with client.session_transaction() as session:
        session["auth_at"] -= int(app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()) + 5
    assert client.get("/").status_code == 302


def test_activity_keeps_session_alive(app, login_as):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=30)
    client = login_as(make_user())
    with client.session_transaction() as session:
        session["seen_at"] -= 60 * 20
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= 60 * 20
    assert client.get("/").status_code == 200


def test_session_cookie_flags(app, client):
    user = make_user()
    response = client.post_form("/connexion", {"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
