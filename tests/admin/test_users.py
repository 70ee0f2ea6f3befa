from __future__ import annotations

from sqlalchemy import select

from portal.models import AuditEvent
from tests.conftest import CONFIRMED
from tests.factories import make_admin, make_org, make_user


def test_users_list_filters_and_is_audited(login_as, db):
    client = login_as(make_admin())
    make_user(name="Alice Invitée", password=None)
    make_user(name="Bruno Actif")
    make_user(name="Chloé Partie", active=False)
    invited = client.get("/admin/comptes?statut=invites").get_data(as_text=True)
    assert "Alice Invitée" in invited and "Bruno Actif" not in invited
    gone = client.get("/admin/comptes?statut=desactives").get_data(as_text=True)
    assert "Chloé Partie" in gone and "Alice" not in gone
    search = client.get("/admin/comptes?q=bruno").get_data(as_text=True)
    assert "Bruno Actif" in search and "Chloé" not in search
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "users.listed")).all()


def test_users_list_has_no_n_plus_one(app, login_as, assert_max_queries):
    app.config["PAGE_SIZE"] = 50  # every row on one page: more rows, same query count
    client = login_as(make_admin())
    for _ in range(3):
        make_user()
    with assert_max_queries(20) as counter:
        client.get("/admin/comptes")
    baseline = counter.count
    for _ in range(6):
        make_user()
    with assert_max_queries(baseline):
        client.get("/admin/comptes")


def test_deactivate_reactivate_and_self_protection(login_as, db):
    admin = make_admin()
    client = login_as(admin)
    user = make_user()
    assert client.post_form(f"/admin/comptes/{user.id}/desactiver", CONFIRMED).status_code == 303
    db.session.refresh(user)
    assert user.active is False
    link = client.post_form(f"/admin/comptes/{user.id}/lien")
    assert link.status_code == 409
    assert client.post_form(f"/admin/comptes/{user.id}/reactiver").status_code == 303
    db.session.refresh(user)
    assert user.active is True
    assert client.post_form(f"/admin/comptes/{admin.id}/desactiver", CONFIRMED).status_code == 409
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))
    ).all()
    assert "user.deactivated" in actions and "user.reactivated" in actions


def test_reset_link_for_an_existing_account(app, login_as):
    client = login_as(make_admin())
    user = make_user()
    response = client.post_form(f"/admin/comptes/{user.id}/lien", htmx=True)
    assert response.status_code == 201
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "/compte/mot-de-passe/" in body
    assert (
        app.test_client()
        .get(body.split('value="')[1].split('"')[0].replace("http://localhost", ""))
        .status_code
        == 200
    )


def test_user_page_shows_history(login_as):
    client = login_as(make_admin())
    user = make_user(password=None)
    client.post_form(f"/admin/comptes/{user.id}/lien")
    html = client.get(f"/admin/comptes/{user.id}").get_data(as_text=True)
    assert "Invitation en attente" in html
    assert "Invitation renouvelée" in html
    assert "valable jusqu" in html


def test_invite_prefills_organisation(login_as):
    client = login_as(make_admin())
    org = make_org(name="Préremplie")
    html = client.get(f"/admin/comptes/inviter?organisation={org.id}").get_data(as_text=True)
    assert f'<option selected value="{org.id}">' in html or f'value="{org.id}" selected' in html
