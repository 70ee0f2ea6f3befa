"""Smoke: the factory builds an app, migrations apply, the health check answers."""

from sqlalchemy import text


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(app, client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "indisponible"


def test_schema_is_migrated(db):
    version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version
