"""directory of structures: commune, postal code and trades of an organisation

Revision ID: 0012_directory
Revises: 0011_people (0008_audit_object_index before i9-people was merged)
Create Date: 2026-12-03 07:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_directory"
down_revision = "0011_people"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("commune", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("postal_code", sa.String(length=5), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("trades", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("trades")
        batch_op.drop_column("postal_code")
        batch_op.drop_column("commune")
