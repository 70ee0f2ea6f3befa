"""External links come from ``PUBLIC_URL``, never from the request's Host header, and an
unexpected Host answers 400 (``TRUSTED_HOSTS``)."""

from __future__ import annotations

import re
from email import message_from_bytes

import pytest

from portal import create_app
from tests.conftest import CONFIRMED, TOKEN_RE, _config_dict, outbox_messages
from tests.factories import PASSWORD, make_admin, make_org, make_user
from tests.personas import build_world
from tests.quotes.builders import make_quote, priced_operation

PUBLIC = "https://passerelle.example.org"
EVIL = "evil.example"


def _bodies(app) -> list[str]:
    return [
        message_from_bytes(path.read_bytes()).get_payload(decode=True).decode()
        for path in outbox_messages(app)
    ]


def _links(app) -> list[str]:
    return [link for body in _bodies(app) for link in re.findall(r"https?://\S+", body)]


class ForgedHostClient:
    """A browser that sends ``Host: evil.example`` on every request (as a proxy passing
    the Host header through would), logged in as ``user``."""

    def __init__(self, app, user):
        self.client = app.test_client()
        login = self.post("/connexion", {"email": user.email, "password": PASSWORD})
        assert login.status_code == 303

    def post(self, url, data=None):
        page = self.client.get("/connexion", headers={"Host": EVIL})
        if page.status_code != 200:  # logged in: the login page redirects
            page = self.client.get("/compte", headers={"Host": EVIL})
        token = TOKEN_RE.search(page.get_data(as_text=True)).group(1)
        payload = {"csrf_token": token, **(data or {})}
        return self.client.post(url, data=payload, headers={"Host": EVIL})


@pytest.fixture
def forged_host(app):
    """The portal published at PUBLIC, Host checking switched off: the forged Host header
    reaches the views."""
    app.config["PUBLIC_URL"] = PUBLIC
    app.config["TRUSTED_HOSTS"] = None
    return lambda user: ForgedHostClient(app, user)


def test_invitation_link_ignores_the_host_header(app, forged_host):
    client = forged_host(make_admin())
    response = client.post(
        "/admin/comptes/inviter",
        {"organisation_id": str(make_org().id), "name": "A B", "email": "ab@exemple.example"},
    )
    assert response.status_code == 201
    assert EVIL not in response.get_data(as_text=True)
    links = _links(app)
    assert links
    assert all(link.startswith(f"{PUBLIC}/compte/mot-de-passe/") for link in links)


def test_reset_link_ignores_the_host_header(app, forged_host):
    client = forged_host(make_admin())
    user = make_user()
    response = client.post(f"/admin/comptes/{user.id}/lien")
    assert response.status_code == 201
    [link] = _links(app)
    assert link.startswith(f"{PUBLIC}/compte/mot-de-passe/")


def test_notification_links_ignore_the_host_header(app, db, forged_host):
    world = build_world()
    quote = make_quote(priced_operation(world.commune), world.users["facilitator"])
    client = forged_host(world.users["facilitator"])
    submitted = client.post(
        f"/devis/{quote.id}/soumettre", {"version": str(quote.version), **CONFIRMED}
    )
    assert submitted.status_code == 303
    db.session.commit()
    db.session.refresh(quote)
    ccvg = forged_host(world.users["buyer_ccvg"])
    approved = ccvg.post(f"/devis/{quote.id}/valider", {"version": str(quote.version), **CONFIRMED})
    assert approved.status_code == 303
    links = _links(app)
    assert f"{PUBLIC}/devis/{quote.id}" in links  # submitted, then approved
    assert any(link.startswith(f"{PUBLIC}/factures/") for link in links)  # deposit invoice
    assert all(link.startswith(PUBLIC) for link in links)


def test_unexpected_host_answers_400(client):
    make_user()
    for url in ("/connexion", "/", "/healthz", "/page-inexistante"):
        response = client.get(url, headers={"Host": EVIL})
        assert response.status_code == 400, url
        assert "Requête invalide" in response.get_data(as_text=True)
    assert client.get("/connexion").status_code == 200


def test_forwarded_host_is_checked_too():
    behind_proxy = create_app(
        {**_config_dict(), "SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXIES": 1}
    )
    client = behind_proxy.test_client()
    assert client.get("/connexion", headers={"X-Forwarded-Host": EVIL}).status_code == 400
    assert client.get("/connexion", headers={"X-Forwarded-Host": "localhost"}).status_code == 200


def test_trusted_hosts_default_to_the_public_url(app):
    assert app.config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]
    published = create_app(
        {**_config_dict(), "SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_URL": f"{PUBLIC}/"}
    )
    assert published.config["PUBLIC_URL"] == PUBLIC
    assert published.config["TRUSTED_HOSTS"] == ["passerelle.example.org", "localhost", "127.0.0.1"]
    response = published.test_client().get("/connexion", base_url=PUBLIC)
    assert response.status_code == 200


def test_trusted_hosts_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", "a.example, b.example")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    assert app.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]


@pytest.mark.parametrize(
    "bad", ["passerelle.example.org", "ftp://x.example", "https://", "https://x.example/?a=1"]
)
def test_malformed_public_url_stops_start_up(bad):
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": "sqlite://", "PUBLIC_URL": bad})


def test_create_admin_prints_a_public_link(app, db):
    app.config["PUBLIC_URL"] = PUBLIC
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--name", "Prénom Nom", "--email", "admin@exemple.example"]
    )
    assert result.exception is None, result.output
    assert f"{PUBLIC}/compte/mot-de-passe/" in result.output
