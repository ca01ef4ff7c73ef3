"""Charges carry the billing month they are invoiced in, stamped at insert.

An invoice is then one aggregate over its client's charges of its month (index
``ix_charges_client_period_type``), never an UPDATE of every charge it covers; the
charge's invoice is the one of its client and month. ``invoice_id`` goes.

Backfill: a charge already on an invoice takes the invoice's month (a voided invoice's
charges were released, as below); any other its service date's month, or, when the
client's invoice of that month or a later one is already issued, paid or void, the month
after the latest such invoice (where the next run would have put it).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 02:30:00.000000
"""

# ruff: noqa: S608 - every statement here is built from this file's own constants

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CLOSED = "('issued', 'paid', 'void')"
_BACKFILLED = ("charges", "invoices")
_MONTH = {
    "postgresql": "CAST(date_trunc('month', {0}) AS date)",
    "sqlite": "date({0}, 'start of month')",
}
_NEXT_MONTH = {
    "postgresql": "CAST({0} + INTERVAL '1 month' AS date)",
    "sqlite": "date({0}, '+1 month')",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    month, next_month = _MONTH[dialect], _NEXT_MONTH[dialect]
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("billing_period", sa.Date(), nullable=True))
    if dialect == "postgresql":  # the owner is subject to its own forced row-level security
        for table in _BACKFILLED:
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(
        "UPDATE charges SET billing_period = (SELECT i.period_start FROM invoices i"
        " WHERE i.provider_id = charges.provider_id AND i.id = charges.invoice_id"
        " AND i.status <> 'void') WHERE invoice_id IS NOT NULL"
    )
    latest_closed = (
        "(SELECT max(i.period_start) FROM invoices i WHERE i.provider_id = charges.provider_id"
        f" AND i.client_id = charges.client_id AND i.status IN {_CLOSED})"
    )
    op.execute(
        f"UPDATE charges SET billing_period = {month.format('service_date')}"
        " WHERE billing_period IS NULL"
    )
    op.execute(
        f"UPDATE charges SET billing_period = {next_month.format(latest_closed)}"
        f" WHERE invoice_id IS NULL AND billing_period <= {latest_closed}"
    )
    if dialect == "postgresql":
        for table in _BACKFILLED:
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.alter_column("billing_period", existing_type=sa.Date(), nullable=False)
        batch_op.drop_index("ix_charges_invoice_type")
        batch_op.drop_constraint("fk_charges_provider_id_invoice_id_invoices", type_="foreignkey")
        batch_op.drop_column("invoice_id")
        batch_op.create_index(
            "ix_charges_client_period_type",
            ["provider_id", "client_id", "billing_period", "charge_type"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invoice_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE charges SET invoice_id = (SELECT i.id FROM invoices i"
        " WHERE i.provider_id = charges.provider_id AND i.client_id = charges.client_id"
        " AND i.period_start = charges.billing_period AND i.status <> 'void')"
    )
    with op.batch_alter_table("charges", schema=None) as batch_op:
        batch_op.drop_index("ix_charges_client_period_type")
        batch_op.drop_column("billing_period")
        batch_op.create_foreign_key(
            "fk_charges_provider_id_invoice_id_invoices",
            "invoices",
            ["provider_id", "invoice_id"],
            ["provider_id", "id"],
        )
        batch_op.create_index(
            "ix_charges_invoice_type", ["provider_id", "invoice_id", "charge_type"], unique=False
        )
