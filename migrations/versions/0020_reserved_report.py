"""reserved report: the SIAE's commitments of support on a reserved market and the actions
done against them, for the reserved market's annual report (annexe 2; docs/domain.md §9.1)

Revision ID: 0020_reserved_report
Revises: 0019_reports
Create Date: 2026-12-04 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_reserved_report'
down_revision = '0019_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('market_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('target', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('last_changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_support_commitments_created_by_id_users')),
    sa.ForeignKeyConstraint(['last_changed_by_id'], ['users.id'], name=op.f('fk_support_commitments_last_changed_by_id_users')),
    sa.ForeignKeyConstraint(['market_id'], ['markets.id'], name=op.f('fk_support_commitments_market_id_markets')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_support_commitments_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_commitments'))
    )
    with op.batch_alter_table('support_commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_commitments_market_id'), ['market_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_commitments_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('support_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('last_changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['commitment_id'], ['support_commitments.id'], name=op.f('fk_support_actions_commitment_id_support_commitments')),
    sa.ForeignKeyConstraint(['last_changed_by_id'], ['users.id'], name=op.f('fk_support_actions_last_changed_by_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_support_actions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_actions'))
    )
    with op.batch_alter_table('support_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_actions_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_actions_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('support_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_actions_day'))
        batch_op.drop_index(batch_op.f('ix_support_actions_commitment_id'))
    op.drop_table('support_actions')
    with op.batch_alter_table('support_commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_commitments_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_support_commitments_market_id'))
    op.drop_table('support_commitments')
