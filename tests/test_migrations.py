"""Models and migrations agree, and every revision goes down and up again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.models.base import include_in_schema
from tests.conftest import BACKEND, _config_dict


def test_models_match_migrations(app, db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": include_in_schema(connection.dialect.name),
            },
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


@pytest.fixture
def scratch_uri(tmp_path, database_template):
    if BACKEND != "postgres":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite'}"
        return
    url = make_url(database_template)
    scratch = url.set(database=f"{url.database}_scratch")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        conn.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    yield scratch.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_downgrade_upgrade(scratch_uri):
    from portal.extensions import db

    app = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": scratch_uri})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"organisations", "users", "audit_events", "account_tokens"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == tables
        db.engine.dispose()
