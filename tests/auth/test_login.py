from __future__ import annotations

from sqlalchemy import select

from portal.models import AuditEvent
from tests.factories import PASSWORD, make_org, make_user


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_login_page_is_french_and_labelled(client):
    html = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert '<label for="email">' in html
    assert '<label for="password">' in html
    assert html.count("<h1") == 1


def test_login_success_redirects_home_and_audits(client, db):
    user = make_user()
    response = client.post_form("/connexion", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.name in home.get_data(as_text=True)
    db.session.refresh(user)
    assert user.last_login_at is not None
    [event] = _events(db, "auth.login")
    assert event.actor_id == user.id


def test_login_failure_is_generic_counted_and_audited(client, db):
    user = make_user()
    response = client.post_form(
        "/connexion", {"email": user.email, "password": "mauvais mot de passe"}
    )
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)
    unknown = client.post_form(
        "/connexion", {"email": "inconnu@exemple.example", "password": "x" * 12}
    )
    assert unknown.status_code == 401
    db.session.refresh(user)
    assert user.failed_login_count == 1
    events = _events(db, "auth.login_failed")
    assert len(events) == 2
    # never a personal value in the trail: the e-mail typed is not stored
    assert all("@" not in (e.detail + e.object_id) for e in events)


def test_empty_form_is_422_with_french_messages(client):
    response = client.post_form("/connexion", {"email": "", "password": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Saisissez votre adresse e-mail." in html
    assert "Saisissez votre mot de passe." in html


def test_inactive_user_cannot_log_in(client):
    user = make_user(active=False)
    response = client.post_form("/connexion", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_user_of_inactive_organisation_cannot_log_in(client):
    user = make_user(make_org(active=False))
    response = client.post_form("/connexion", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_next_parameter_is_local_only(client):
    user = make_user()
    token = client.csrf_token()
    response = client.post(
        "/connexion?next=//evil.example/x",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"
    client2 = client.application.test_client()
    token = client2.csrf_token()
    response = client2.post(
        "/connexion?next=/compte",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/compte"


def test_anonymous_is_redirected_with_next(client):
    response = client.get("/compte")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=/compte"


def test_throttle_per_account(app, client):
    user = make_user()
    for _ in range(5):
        assert (
            client.post_form(
                "/connexion", {"email": user.email, "password": "faux faux faux"}
            ).status_code
            == 401
        )
    blocked = client.post_form("/connexion", {"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion" in blocked.get_data(as_text=True)
    # another account from the same address is not blocked by this account's limit
    other = make_user()
    assert (
        client.post_form("/connexion", {"email": other.email, "password": PASSWORD}).status_code
        == 303
    )


def test_successful_logins_do_not_consume_the_account_budget(app):
    user = make_user()
    for _ in range(7):
        client = app.test_client()
        assert (
            client.post_form("/connexion", {"email": user.email, "password": PASSWORD}).status_code
            == 303
        )


def test_throttle_per_ip(app, client):
    app.config["LOGIN_LIMIT_IP"] = "3 per 15 minutes"
    for n in range(3):
        client.post_form(
            "/connexion", {"email": f"x{n}@exemple.example", "password": "faux faux faux"}
        )
    blocked = client.post_form(
        "/connexion", {"email": "y@exemple.example", "password": "faux faux faux"}
    )
    assert blocked.status_code == 429


def test_logout_requires_post_and_audits(login_as, db):
    user = make_user()
    client = login_as(user)
    assert client.get("/deconnexion").status_code == 405
    response = client.post_form("/deconnexion")
    assert response.status_code == 303
    assert client.get("/").status_code == 302
    assert len(_events(db, "auth.logout")) == 1


def test_htmx_redirects_become_hx_redirect(client):
    user = make_user()
    token = client.csrf_token()
    response = client.post(
        "/connexion",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/"
    assert "Location" not in response.headers


def test_account_page_and_password_change(login_as, db):
    user = make_user()
    client = login_as(user)
    page = client.get("/compte")
    assert page.status_code == 200
    assert user.email in page.get_data(as_text=True)
    wrong = client.post_form(
        "/compte",
        {
            "current": "pas le bon",
            "password": "une autre phrase solide",
            "confirm": "une autre phrase solide",
        },
    )
    assert wrong.status_code == 422
    assert "Le mot de passe actuel est incorrect." in wrong.get_data(as_text=True)
    weak = client.post_form(
        "/compte", {"current": PASSWORD, "password": "azerty123456", "confirm": "azerty123456"}
    )
    assert weak.status_code == 422
    assert "trop courant" in weak.get_data(as_text=True)
