"""reports: annual and final reports of the operations, the territory and the reserved
markets, their frozen figures and the AMOI's text (issue 12; docs/domain.md §9)

Revision ID: 0019_reports
Revises: 0018_followup
Create Date: 2026-12-03 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_reports'
down_revision = '0018_followup'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('operation_id', sa.Integer(), nullable=True),
    sa.Column('market_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('pathways', sa.Text(), nullable=False),
    sa.Column('company_relation', sa.Text(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('delivered_by_id', sa.Integer(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('last_changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reports_created_by_id_users')),
    sa.ForeignKeyConstraint(['delivered_by_id'], ['users.id'], name=op.f('fk_reports_delivered_by_id_users')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_reports_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['last_changed_by_id'], ['users.id'], name=op.f('fk_reports_last_changed_by_id_users')),
    sa.ForeignKeyConstraint(['market_id'], ['markets.id'], name=op.f('fk_reports_market_id_markets')),
    sa.ForeignKeyConstraint(['operation_id'], ['operations.id'], name=op.f('fk_reports_operation_id_operations')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['reports.id'], name=op.f('fk_reports_supersedes_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_market_id'), ['market_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_operation_id'), ['operation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_year'), ['year'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_year'))
        batch_op.drop_index(batch_op.f('ix_reports_status'))
        batch_op.drop_index(batch_op.f('ix_reports_operation_id'))
        batch_op.drop_index(batch_op.f('ix_reports_market_id'))
        batch_op.drop_index(batch_op.f('ix_reports_kind'))
    op.drop_table('reports')
