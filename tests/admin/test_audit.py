from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from portal import audit
from portal.models import AuditEvent
from tests.factories import make_admin, make_org, make_user


def test_audit_trail_is_append_only_in_the_database(app, db):
    make_user()
    event = audit.record("auth.login", object_type="User", object_id=1)
    db.session.commit()
    with pytest.raises(DatabaseError):
        db.session.execute(
            text("UPDATE audit_events SET action = 'x' WHERE id = :id"), {"id": event.id}
        )
        db.session.commit()
    db.session.rollback()
    with pytest.raises(DatabaseError):
        db.session.execute(text("DELETE FROM audit_events"))
        db.session.commit()
    db.session.rollback()
    assert (
        db.session.scalar(select(AuditEvent.action).where(AuditEvent.id == event.id))
        == "auth.login"
    )


COLUMNS = "id, at, actor_id, organisation_id, action, object_type, object_id, request_id, detail"
COPY = (
    "SELECT id, at, actor_id, organisation_id, 'réécrit', object_type, object_id, request_id, "
    "detail FROM audit_events WHERE id = :id"
)
# Every way each database offers to rewrite or remove a row, besides UPDATE and DELETE.
TAMPERING = {
    "sqlite": [
        f"INSERT OR REPLACE INTO audit_events ({COLUMNS}) {COPY}",
        f"REPLACE INTO audit_events ({COLUMNS}) {COPY}",
        f"INSERT INTO audit_events ({COLUMNS}) {COPY} ON CONFLICT(id) DO UPDATE SET action = 'x'",
        "UPDATE OR REPLACE audit_events SET action = 'x' WHERE id = :id",
    ],
    "postgresql": [
        "TRUNCATE audit_events",
        "TRUNCATE audit_events RESTART IDENTITY CASCADE",
        "TRUNCATE users, organisations CASCADE",  # reaches audit_events through its keys
        f"INSERT INTO audit_events ({COLUMNS}) {COPY} ON CONFLICT (id) DO UPDATE SET action = 'x'",
        "DELETE FROM audit_events WHERE id = :id RETURNING id",
    ],
}


def test_audit_rows_cannot_be_replaced_or_truncated(app, db):
    """The database refuses each statement; the row and the count stay as they were."""
    user = make_user()
    event = audit.record("auth.login", user, actor=user)
    db.session.commit()
    statements = TAMPERING[db.engine.dialect.name]
    for statement in statements:
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement), {"id": event.id})
            db.session.commit()
        db.session.rollback()
        rows = db.session.execute(select(AuditEvent.id, AuditEvent.action)).all()
        assert [tuple(r) for r in rows] == [(event.id, "auth.login")], statement
    # a normal line is still appended
    audit.record("auth.logout", user, actor=user)
    db.session.commit()
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 2


def test_audit_page_filters_and_paginates(login_as, db):
    admin = make_admin()
    client = login_as(admin)
    org = make_org(name="Filtrée")
    for _ in range(6):
        audit.record("organisation.updated", org, actor=admin)
    audit.record("access.denied", object_type="endpoint", object_id="admin.users", actor=admin)
    db.session.commit()
    html = client.get("/admin/journal?action=organisation.updated").get_data(as_text=True)
    assert "Organisation modifiée" in html
    assert "1 à 5 sur 6" in html
    denied = client.get("/admin/journal?action=access.denied").get_data(as_text=True)
    assert "1 à 1 sur 1" in denied
    by_actor = client.get(f"/admin/journal?acteur={admin.email}").get_data(as_text=True)
    assert "sur 8" in by_actor  # 6 updates + 1 denial + the login
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert "Aucun événement" in client.get(f"/admin/journal?du={tomorrow}").get_data(as_text=True)
    bad = client.get("/admin/journal?du=31/02/2026").get_data(as_text=True)
    assert "Une date saisie n'est pas valide" in bad


def test_audit_fragment_for_htmx(login_as):
    client = login_as(make_admin())
    response = client.get("/admin/journal?action=auth.login", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert "Connexion réussie" in response.get_data(as_text=True)
