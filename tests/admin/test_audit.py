from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from portal import audit
from portal.models import AuditEvent, OrgKind
from tests.conftest import text_of, words_of
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
    assert "Aucun résultat ne correspond" in text_of(client.get(f"/admin/journal?du={tomorrow}"))
    bad = client.get("/admin/journal?du=31/02/2026").get_data(as_text=True)
    assert "Une date saisie n'est pas valide" in bad


def test_audit_fragment_for_htmx(login_as):
    client = login_as(make_admin())
    response = client.get("/admin/journal?action=auth.login", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert "Connexion réussie" in response.get_data(as_text=True)


def test_audit_lines_name_their_objects_and_details_in_french(login_as, db, assert_max_queries):
    """« Devis DEV-2026-0004 », not « Quote n° 6 »; field names by their labels; one query
    per object type, not per line."""
    from portal.models import Quote, SubcontractorShare
    from tests.factories import make_lot, make_market, make_operation

    admin = make_admin()
    buyer = make_org(OrgKind.BUYER, name="Commune de Brignais")
    op = make_operation(buyer, name="Gymnase")
    market = make_market(op, reference="2026-BRI-003")
    lot = make_lot(market, number=2, title="Gros œuvre")
    quote = Quote(kind="operation", operation=op, buyer=buyer, number="DEV-2026-0004")
    quote.quote_date = date(2026, 3, 2)
    db.session.add(quote)
    company = make_org(OrgKind.COMPANY, name="Charpentes Démo")
    share = SubcontractorShare(operation=op, company=company, trade="masonry", amount_excl_tax=1)
    db.session.add(share)
    db.session.flush()
    audit.record("quote.approved", quote, actor=admin)
    audit.record("organisation.updated", buyer, detail="fields=name,siret", actor=admin)
    audit.record("operation.status_changed", op, detail="preparation->running", actor=admin)
    audit.record("lot.created", lot, detail=f"market={market.id}", actor=admin)
    audit.record("share.deleted", share, detail=f"operation={op.id}", actor=admin)
    audit.record("access.denied", object_type="endpoint", object_id="admin.users", actor=admin)
    db.session.delete(share)
    db.session.commit()
    client = login_as(admin)
    with assert_max_queries(20):
        response = client.get("/admin/journal")  # 5 lines a page in tests
    second = client.get("/admin/journal?page=2")
    seen = words_of(response) + " " + words_of(second)
    assert "Devis DEV-2026-0004" in seen
    assert "Quote" not in seen and "n° " not in seen
    assert "Commune de Brignais Champs modifiés : Nom, SIRET" in seen
    assert "Opération « Gymnase » En préparation → En cours" in seen
    assert "Lot 2 – Gros œuvre (marché 2026-BRI-003) Marché 2026-BRI-003" in seen
    assert "Part de sous-traitance (n'existe plus) Opération « Gymnase »" in seen
    assert "Page /admin/comptes" in seen
    html = text_of(response) + text_of(second)
    assert f'href="/devis/{quote.id}">Devis DEV-2026-0004</a>' in html


def test_the_organisation_filter_reads_ids_and_names_only(app, db, login_as):
    """Issue 15: the audit page's organisation choices are two columns, not whole rows."""
    from sqlalchemy import event

    from portal.extensions import db as _db
    from tests.factories import make_admin

    client = login_as(make_admin())
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/admin/journal").status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    listing = [s for s in statements if "FROM organisations ORDER BY organisations.name" in s]
    assert listing, statements
    assert all("organisations.siret" not in s for s in listing)


def test_an_audit_detail_with_a_unicode_digit_is_not_read_as_an_id(app):
    from portal.admin.audit_trail import _id

    assert _id("42") == 42
    assert _id("²") is None  # str.isdigit() says yes, int() raises
    assert _id("1" * 13) is None and _id("") is None and _id("-3") is None
