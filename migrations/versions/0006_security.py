"""security review: audit rows cannot be replaced on SQLite

Revision ID: 0006_security
Revises: 0005_documents
Create Date: 2026-12-02 17:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0006_security"
down_revision = "0005_documents"
branch_labels = None
depends_on = None

# SQLite's INSERT OR REPLACE (and REPLACE INTO) resolves a primary-key conflict by
# deleting the old row without firing DELETE triggers (recursive_triggers is off), so the
# 0001 triggers let an audit row be rewritten. Refusing any insert of an id that already
# exists closes it (issue 8, finding 8). PostgreSQL has no REPLACE: its ON CONFLICT DO
# UPDATE fires the row UPDATE trigger, and TRUNCATE has its statement-level trigger since
# 0001; nothing to add there.
SQLITE_NO_REPLACE = (
    "CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
    "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id) "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_NO_REPLACE)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_replace")
