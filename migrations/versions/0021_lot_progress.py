"""lot_progress: each lot's progress as last computed, read by the home pages, the
dashboard and the follow-up work queue; a covering index of the validated hours (issue 12;
docs/domain.md §7.4)

Revision ID: 0021_lot_progress
Revises: 0019_reports
Create Date: 2026-12-04 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_lot_progress'
down_revision = '0019_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lot_progress',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=40), nullable=False),
    sa.Column('planned', sa.Integer(), nullable=False),
    sa.Column('validated', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('projection', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('behind', sa.Boolean(), nullable=False),
    sa.Column('silent', sa.Boolean(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_progress_lot_id_lots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lot_id', name=op.f('pk_lot_progress'))
    )
    with op.batch_alter_table('lot_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_progress_basis'), ['basis'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_progress_flagged'), ['flagged'], unique=False)
    with op.batch_alter_table('hour_lines', schema=None) as batch_op:
        batch_op.create_index('ix_hour_lines_counted', ['placement_id', 'status', 'month', 'hours', 'training_hours'], unique=False)


def downgrade():
    with op.batch_alter_table('hour_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_hour_lines_counted')
    with op.batch_alter_table('lot_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_progress_flagged'))
        batch_op.drop_index(batch_op.f('ix_lot_progress_basis'))
    op.drop_table('lot_progress')
