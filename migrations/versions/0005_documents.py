"""documents a public accountant accepts: Chorus Pro references on quotes; what an
invoice prints frozen on it (due date, terms, VAT, billed party, Chorus references)

Revision ID: 0005_documents
Revises: 0004_money
Create Date: 2026-11-26 10:00:00

"""

from datetime import timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005_documents"
down_revision = "0004_money"
branch_labels = None
depends_on = None

# The payment period of the invoices issued before this revision (CCP art. R2192-10),
# written here rather than imported: a migration must not change when the rules do.
PAYMENT_PERIOD_DAYS = 30


def _text(name, length=None):
    kind = sa.String(length=length) if length else sa.Text()
    return sa.Column(name, kind, nullable=False, server_default="")


def upgrade():
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.add_column(_text("chorus_siret", 14))
        batch_op.add_column(_text("service_code", 100))
        batch_op.add_column(_text("commitment_number", 50))

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.add_column(_text("payment_terms"))
        batch_op.add_column(_text("subject", 300))
        batch_op.add_column(
            sa.Column(
                "vat_rate", sa.Numeric(precision=5, scale=2), nullable=False, server_default="0"
            )
        )
        batch_op.add_column(
            sa.Column(
                "vat_amount",
                sa.Numeric(precision=12, scale=2),
                nullable=False,
                server_default="0",
            )
        )
        batch_op.add_column(_text("billed_address"))
        batch_op.add_column(_text("billed_siret", 14))
        batch_op.add_column(_text("service_code", 100))
        batch_op.add_column(_text("commitment_number", 50))

    # Invoices already issued get the due date they would have had; their billed party's
    # address and SIRET were not recorded and stay empty rather than guessed.
    invoices = sa.table(
        "invoices",
        sa.column("id", sa.Integer()),
        sa.column("issue_date", sa.Date()),
        sa.column("due_date", sa.Date()),
    )
    connection = op.get_bind()
    for invoice_id, issued in connection.execute(sa.select(invoices.c.id, invoices.c.issue_date)):
        connection.execute(
            invoices.update()
            .where(invoices.c.id == invoice_id)
            .values(due_date=issued + timedelta(days=PAYMENT_PERIOD_DAYS))
        )


def downgrade():
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        for name in (
            "commitment_number",
            "service_code",
            "billed_siret",
            "billed_address",
            "vat_amount",
            "vat_rate",
            "subject",
            "payment_terms",
            "due_date",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("quotes", schema=None) as batch_op:
        for name in ("commitment_number", "service_code", "chorus_siret"):
            batch_op.drop_column(name)
