"""reminders: the log of the monthly statement reminders, one per organisation and day
(idempotence of ``flask send-reminders`` and of the AMOI's page) (issue 10; docs/domain.md §7)

Revision ID: 0016_reminders
Revises: 0015_statement_review
Create Date: 2026-12-03 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_reminders'
down_revision = '0015_statement_review'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statement_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('months', sa.String(length=400), nullable=False),
    sa.Column('late_count', sa.Integer(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_statement_reminders_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_statement_reminders_sent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_reminders')),
    sa.UniqueConstraint('organisation_id', 'sent_on', name=op.f('uq_statement_reminders_organisation_id'))
    )
    with op.batch_alter_table('statement_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_reminders_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('statement_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_reminders_organisation_id'))

    op.drop_table('statement_reminders')
