"""people indexes: the AMOI's people search and the pending queue at 30,000 people

Revision ID: 0013_people_indexes
Revises: 0012_directory
Create Date: 2026-12-03 08:00:00

tests/benchmarks/bench_people.py measures what they change: the queue's first and far
pages, its lot and declarer filters (and their choices), and the search's ordered scan.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_people_indexes"
down_revision = "0012_directory"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_candidacies_status_submitted", "candidacies", ["status", "submitted_at", "id"]
    )
    op.create_index("ix_candidacies_status_lot", "candidacies", ["status", "lot_id"])
    op.create_index("ix_candidacies_status_declarer", "candidacies", ["status", "declarer_id"])
    op.create_index("ix_participants_names", "participants", ["last_name", "first_name", "id"])


def downgrade():
    op.drop_index("ix_participants_names", table_name="participants")
    op.drop_index("ix_candidacies_status_declarer", table_name="candidacies")
    op.drop_index("ix_candidacies_status_lot", table_name="candidacies")
    op.drop_index("ix_candidacies_status_submitted", table_name="candidacies")
