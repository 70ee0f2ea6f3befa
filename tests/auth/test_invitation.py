"""Invitation: an admin invites, the link arrives (.eml in the outbox), the person sets a
password and logs in. Links are single-use and expire after 7 days."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes

from sqlalchemy import select

from portal.models import AccountToken, AuditEvent, User
from portal.models.base import utcnow
from tests.conftest import outbox_messages
from tests.factories import make_admin, make_org

LINK = re.compile(r"http://localhost/compte/mot-de-passe/[A-Za-z0-9_\-]+")
NEW_PASSWORD = "le jardin de la vallée fleurit"


def _invite(client, org, email="nouvelle.personne@exemple.example"):
    return client.post_form(
        "/admin/comptes/inviter",
        {"organisation_id": str(org.id), "name": "Nouvelle Personne", "email": email},
    )


def test_full_invitation_flow(app, db, login_as):
    admin = login_as(make_admin())
    org = make_org()
    response = _invite(admin, org)
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    link = LINK.search(html).group(0)
    [eml] = outbox_messages(app)
    message = message_from_bytes(eml.read_bytes())
    assert message["To"] == "nouvelle.personne@exemple.example"
    assert link in message.get_payload(decode=True).decode()

    invited = app.test_client()
    page = invited.get(link)
    assert page.status_code == 200
    assert "Nouvelle Personne" in page.get_data(as_text=True)
    token = invited.csrf_token()
    done = invited.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    )
    assert done.status_code == 303
    user = db.session.scalars(
        select(User).where(User.email == "nouvelle.personne@exemple.example")
    ).one()
    assert (
        invited.post_form("/connexion", {"email": user.email, "password": NEW_PASSWORD}).status_code
        == 303
    )
    assert invited.get("/").status_code == 200
    # single use
    assert app.test_client().get(link).status_code == 404
    actions = set(db.session.scalars(select(AuditEvent.action)).all())
    assert {"user.invited", "auth.password_set", "auth.login"} <= actions


def test_expired_link_is_refused(app, db, login_as):
    admin = login_as(make_admin())
    link = LINK.search(_invite(admin, make_org()).get_data(as_text=True)).group(0)
    token = db.session.scalars(select(AccountToken)).one()
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = app.test_client().get(link)
    assert page.status_code == 404
    assert "n'est plus valable" in page.get_data(as_text=True)


def test_new_link_revokes_the_previous_one(app, db, login_as):
    admin = login_as(make_admin())
    first = LINK.search(_invite(admin, make_org()).get_data(as_text=True)).group(0)
    user = db.session.scalars(select(User).where(User.password_hash.is_(None))).one()
    renewed = admin.post_form(f"/admin/comptes/{user.id}/lien")
    assert renewed.status_code == 201
    second = LINK.search(renewed.get_data(as_text=True)).group(0)
    assert first != second
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200


def test_invitation_validation_messages(login_as):
    admin_user = make_admin()
    admin = login_as(admin_user)
    response = admin.post_form(
        "/admin/comptes/inviter",
        {"organisation_id": "", "name": "", "email": "pas-une-adresse"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choisissez l&#39;organisation." in html
    assert "Saisissez le prénom et le nom." in html
    assert "Cette adresse e-mail n&#39;est pas valide." in html
    duplicate = admin.post_form(
        "/admin/comptes/inviter",
        {
            "organisation_id": str(admin_user.organisation_id),
            "name": "X",
            "email": admin_user.email.upper(),
        },
    )
    assert "Un compte existe déjà avec cette adresse e-mail." in duplicate.get_data(as_text=True)


def test_only_facilitator_members_can_be_admins(login_as):
    admin = login_as(make_admin())
    response = admin.post_form(
        "/admin/comptes/inviter",
        {
            "organisation_id": str(make_org().id),
            "name": "X Y",
            "email": "xy@exemple.example",
            "is_admin": "y",
        },
    )
    assert response.status_code == 422
    assert "Seul un membre de l&#39;AMO Insertion peut être administrateur." in response.get_data(
        as_text=True
    )


def test_password_policy_on_set_password(app, login_as):
    admin = login_as(make_admin())
    org = make_org(name="Maçonnerie Durand")
    link = LINK.search(
        _invite(admin, org, "jean.durand@exemple.example").get_data(as_text=True)
    ).group(0)
    invited = app.test_client()
    token = invited.csrf_token()
    cases = {
        "court": "au moins 12 caractères",
        "motdepasse2024!": "trop courant",
        "Maçonnerie Durand 1": "trop courant",
        "Brignais20262026": "trop courant",
        "jean.durand@exemple": "reprend",
        "aaaaaaaaaaaaaaaa": "trop peu de caractères",
    }
    for password, message in cases.items():
        response = invited.post(
            link, data={"password": password, "confirm": password, "csrf_token": token}
        )
        assert response.status_code == 422, password
        assert message in response.get_data(as_text=True), password
    mismatch = invited.post(
        link, data={"password": NEW_PASSWORD, "confirm": "autre", "csrf_token": token}
    )
    assert "ne sont pas identiques" in mismatch.get_data(as_text=True)
