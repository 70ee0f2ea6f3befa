"""Deactivation revokes the account's outstanding links (issue 8, finding 9): a reset or
invitation link sent before must not set a password that works after a reactivation."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.models import AccountToken
from tests.conftest import CONFIRMED, versioned
from tests.factories import PASSWORD, make_admin, make_org, make_user

LINK = re.compile(r"http://localhost(/compte/mot-de-passe/[A-Za-z0-9_\-]+)")
NEW = "une phrase que l'attaquant aurait choisie"


def _reset_link(admin_client, user) -> str:
    response = admin_client.post_form(f"/admin/comptes/{user.id}/lien")
    assert response.status_code == 201
    return LINK.search(response.get_data(as_text=True)).group(1)


def _use(app, link):
    client = app.test_client()
    token = client.csrf_token()
    return client.post(link, data={"password": NEW, "confirm": NEW, "csrf_token": token})


def test_deactivating_an_account_revokes_its_reset_link(app, db, login_as):
    admin = login_as(make_admin())
    user = make_user()
    link = _reset_link(admin, user)
    assert admin.post_form(f"/admin/comptes/{user.id}/desactiver", CONFIRMED).status_code == 303
    assert app.test_client().get(link).status_code == 404
    assert _use(app, link).status_code == 404
    token = db.session.scalars(select(AccountToken).where(AccountToken.user_id == user.id)).one()
    assert token.revoked_at is not None
    # reactivated, the account keeps its own password; the old link stays dead
    assert admin.post_form(f"/admin/comptes/{user.id}/reactiver").status_code == 303
    assert app.test_client().get(link).status_code == 404
    app.test_client().login(user, PASSWORD)


def test_deactivating_an_account_revokes_its_invitation(app, login_as):
    admin = login_as(make_admin())
    invited = make_user(password=None)
    link = _reset_link(admin, invited)
    admin.post_form(f"/admin/comptes/{invited.id}/desactiver", CONFIRMED)
    assert _use(app, link).status_code == 404


def test_deactivating_an_organisation_revokes_its_members_links(app, login_as):
    admin = login_as(make_admin())
    org = make_org()
    user = make_user(org)
    link = _reset_link(admin, user)
    assert (
        admin.post_form(
            f"/organisations/{org.id}/desactiver", versioned(org, CONFIRMED)
        ).status_code
        == 303
    )
    assert _use(app, link).status_code == 404
    admin.post_form(f"/organisations/{org.id}/reactiver", versioned(org))
    assert app.test_client().get(link).status_code == 404


def test_a_link_of_an_inactive_account_is_refused_even_unrevoked(app, db, login_as):
    """Belt and braces: a link is valid only while its account may log in at all."""
    admin = login_as(make_admin())
    user = make_user()
    link = _reset_link(admin, user)
    user.active = False  # e.g. deactivated by a script that forgot the links
    db.session.commit()
    assert app.test_client().get(link).status_code == 404
