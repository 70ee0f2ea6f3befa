"""lot_progress: each lot's progress as last computed, read by the home pages, the
dashboard and the follow-up work queue; the validated hours rolled up per lot × month and
lot × year × person for the dashboard; a covering index of the validated hours (issue 12;
docs/domain.md §7.4)

Revision ID: 0021_lot_progress
Revises: 0020_reserved_report
Create Date: 2026-12-04 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_lot_progress'
down_revision = '0020_reserved_report'
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
    op.create_table('lot_month_hours',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('training_hours', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_month_hours_lot_id_lots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lot_id', 'month', name=op.f('pk_lot_month_hours'))
    )
    with op.batch_alter_table('lot_month_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_month_hours_month'), ['month'], unique=False)
    op.create_table('lot_year_people',
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('training_hours', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_year_people_lot_id_lots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_lot_year_people_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lot_id', 'year', 'participant_id', name=op.f('pk_lot_year_people'))
    )
    with op.batch_alter_table('lot_year_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_year_people_year'), ['year'], unique=False)
    with op.batch_alter_table('hour_lines', schema=None) as batch_op:
        batch_op.create_index('ix_hour_lines_counted', ['placement_id', 'status', 'month', 'hours', 'training_hours'], unique=False)


def downgrade():
    with op.batch_alter_table('hour_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_hour_lines_counted')
    with op.batch_alter_table('lot_year_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_year_people_year'))
    op.drop_table('lot_year_people')
    with op.batch_alter_table('lot_month_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_month_hours_month'))
    op.drop_table('lot_month_hours')
    with op.batch_alter_table('lot_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_progress_flagged'))
        batch_op.drop_index(batch_op.f('ix_lot_progress_basis'))
    op.drop_table('lot_progress')
