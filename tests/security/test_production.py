"""The production configuration (``PORTAL_ENV=production``): HSTS, a ``Secure`` session
cookie, and no start without its secrets and its public address."""

from __future__ import annotations

import pytest

from portal import create_app
from tests.factories import PASSWORD, make_user

PUBLIC = "https://passerelle.example.org"


@pytest.fixture
def production(monkeypatch, database_uri, tmp_path):
    """A production app on the test database (its URL and key as the environment gives)."""
    from portal.extensions import db

    monkeypatch.setenv("PORTAL_ENV", "production")
    built = []

    def build(**overrides):
        settings = {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SECRET_KEY": "production-test-key",
            "PUBLIC_URL": PUBLIC,
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            # the test suite's cheap hashes, so that the factories' users can log in
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
        settings.update(overrides)
        app = create_app({k: v for k, v in settings.items() if v is not None})
        built.append(app)
        return app

    yield build
    for app in built:  # close its connections (PostgreSQL warns about open ones)
        with app.app_context():
            db.engine.dispose()


def test_production_sends_hsts(production):
    app = production()
    assert app.config["PRODUCTION"] is True
    response = app.test_client().get("/connexion", base_url=PUBLIC)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_embedded_instance_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/connexion").headers


def test_production_session_cookie_is_secure(production, app):
    user = make_user()
    prod = production()
    client = prod.test_client()
    login_page = client.get("/connexion", base_url=PUBLIC).get_data(as_text=True)
    token = login_page.split('"X-CSRFToken": "')[1].split('"')[0]
    response = client.post(
        "/connexion",
        base_url=PUBLIC,
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        headers={"Referer": f"{PUBLIC}/connexion"},  # Flask-WTF checks it over HTTPS
    )
    assert response.status_code == 303
    cookie = response.headers["Set-Cookie"]
    assert "passerelle_session=" in cookie
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_production_trusts_only_the_public_host(production):
    app = production()
    assert app.config["TRUSTED_HOSTS"] == ["passerelle.example.org"]
    assert app.test_client().get("/connexion").status_code == 400  # Host: localhost


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "PORTAL_SECRET_KEY"),
        ("SQLALCHEMY_DATABASE_URI", "PORTAL_SQLALCHEMY_DATABASE_URI"),
        ("PUBLIC_URL", "PORTAL_PUBLIC_URL"),
    ],
)
def test_production_refuses_to_start_without(production, missing, message):
    with pytest.raises(RuntimeError, match=message):
        production(**{missing: None})


def test_production_public_url_is_https(production):
    with pytest.raises(RuntimeError, match="https"):
        production(PUBLIC_URL="http://passerelle.example.org")
