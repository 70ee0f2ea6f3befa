"""statement review: the AMOI validates a statement or proposes to refuse some of its lines,
the lot's buyer confirms or overturns each proposed refusal (issue 10; convention art. 4;
docs/domain.md §7)

Revision ID: 0015_statement_review
Revises: 0014_statements
Create Date: 2026-12-03 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_statement_review'
down_revision = '0014_statements'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hour_statements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_hour_statements_reviewed_by_id_users'), 'users', ['reviewed_by_id'], ['id'])

    with op.batch_alter_table('hour_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refusal_proposed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('refusal_proposed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('buyer_decision', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('buyer_comment', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('last_changed_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_hour_lines_status'), ['status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_hour_lines_refusal_proposed_by_id_users'), 'users', ['refusal_proposed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_hour_lines_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_hour_lines_last_changed_by_id_users'), 'users', ['last_changed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('hour_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hour_lines_last_changed_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_hour_lines_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_hour_lines_refusal_proposed_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_hour_lines_status'))
        batch_op.drop_column('last_changed_by_id')
        batch_op.drop_column('version')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('buyer_comment')
        batch_op.drop_column('buyer_decision')
        batch_op.drop_column('refusal_proposed_at')
        batch_op.drop_column('refusal_proposed_by_id')

    with op.batch_alter_table('hour_statements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hour_statements_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
