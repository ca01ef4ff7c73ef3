"""Drop-ship suppliers: catalog links, supplier stock and its log, supplier fulfillment orders.

- ``supplier_products``: which supplier carries which client product (supplier SKU, unit
  cost, lead time, minimum quantity, active).
- ``supplier_stock`` (on hand, allocated) and its append-only ``supplier_stock_movements``;
  stock exists only for a linked product (foreign key to the link).
- ``fulfillment_orders``: served by a warehouse or a supplier, exactly one (``one_source``);
  SLA deadlines, acknowledgement, rejection and the exception reason.
- ``suppliers``: SLA hours and an archive time; ``webhook_*`` and ``outbox_events`` name
  the supplier an event or an endpoint belongs to; rate cards get drop-ship fees.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.billing.money
import persistence.base
from persistence.rls import enable_tenant_rls, grant_app_role

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TABLES = ("supplier_products", "supplier_stock", "supplier_stock_movements")
SUPPLIER_COLUMN_TABLES = (
    "fulfillment_order_lines",
    "outbox_events",
    "webhook_attempts",
    "webhook_deliveries",
)


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, persistence.base.UTCDateTime(timezone=True), nullable=nullable)


def _fk(table: str, columns: list[str], target: str, target_columns: list[str]) -> sa.Constraint:
    name = f"fk_{table}_{'_'.join(columns)}_{target}"
    return sa.ForeignKeyConstraint(
        columns, [f"{target}.{column}" for column in target_columns], name=op.f(name)
    )


def upgrade() -> None:
    op.create_table(
        "supplier_products",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_sku", sa.String(length=64), nullable=False),
        sa.Column("unit_cost", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("min_quantity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            persistence.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            persistence.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "lead_time_days >= 0", name=op.f("ck_supplier_products_lead_time_not_negative")
        ),
        sa.CheckConstraint(
            "min_quantity >= 1", name=op.f("ck_supplier_products_min_quantity_positive")
        ),
        sa.CheckConstraint(
            "unit_cost >= 0", name=op.f("ck_supplier_products_unit_cost_not_negative")
        ),
        _fk(
            "supplier_products",
            ["provider_id", "client_id"],
            "clients",
            ["provider_id", "id"],
        ),
        _fk(
            "supplier_products",
            ["provider_id", "product_id"],
            "products",
            ["provider_id", "id"],
        ),
        _fk(
            "supplier_products",
            ["provider_id", "supplier_id"],
            "suppliers",
            ["provider_id", "id"],
        ),
        _fk("supplier_products", ["provider_id"], "providers", ["id"]),
        sa.PrimaryKeyConstraint("provider_id", "id", name=op.f("pk_supplier_products")),
        sa.UniqueConstraint(
            "provider_id",
            "supplier_id",
            "product_id",
            name=op.f("uq_supplier_products_provider_id_supplier_id_product_id"),
        ),
    )
    op.create_index(
        "ix_supplier_products_client", "supplier_products", ["provider_id", "client_id"]
    )
    op.create_index(
        "ix_supplier_products_product", "supplier_products", ["provider_id", "product_id"]
    )

    op.create_table(
        "supplier_stock",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("allocated", sa.Integer(), nullable=False),
        _timestamp("updated_at"),
        sa.CheckConstraint("allocated >= 0", name=op.f("ck_supplier_stock_allocated_not_negative")),
        sa.CheckConstraint(
            "on_hand - allocated >= 0", name=op.f("ck_supplier_stock_available_not_negative")
        ),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_supplier_stock_on_hand_not_negative")),
        _fk("supplier_stock", ["provider_id", "client_id"], "clients", ["provider_id", "id"]),
        _fk(
            "supplier_stock",
            ["provider_id", "supplier_id", "product_id"],
            "supplier_products",
            ["provider_id", "supplier_id", "product_id"],
        ),
        _fk("supplier_stock", ["provider_id"], "providers", ["id"]),
        sa.PrimaryKeyConstraint(
            "provider_id", "supplier_id", "product_id", name=op.f("pk_supplier_stock")
        ),
    )
    op.create_index("ix_supplier_stock_product", "supplier_stock", ["provider_id", "product_id"])

    op.create_table(
        "supplier_stock_movements",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("supplier_id", sa.Uuid(), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "report",
                "allocation",
                "release",
                "shipment",
                name="suppliermovementkind",
                native_enum=False,
            ),
            nullable=False,
        ),
        sa.Column("on_hand_delta", sa.Integer(), nullable=False),
        sa.Column("allocated_delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reference_type", sa.String(length=32), nullable=True),
        sa.Column("reference_id", sa.Uuid(), nullable=True),
        _timestamp("created_at"),
        _fk(
            "supplier_stock_movements",
            ["provider_id", "client_id"],
            "clients",
            ["provider_id", "id"],
        ),
        _fk(
            "supplier_stock_movements",
            ["provider_id", "supplier_id", "product_id"],
            "supplier_stock",
            ["provider_id", "supplier_id", "product_id"],
        ),
        _fk("supplier_stock_movements", ["provider_id"], "providers", ["id"]),
        sa.PrimaryKeyConstraint("provider_id", "id", name=op.f("pk_supplier_stock_movements")),
    )
    op.create_index(
        "ix_supplier_stock_movements_client",
        "supplier_stock_movements",
        ["provider_id", "client_id", "created_at"],
    )
    op.create_index(
        "ix_supplier_stock_movements_stock",
        "supplier_stock_movements",
        ["provider_id", "supplier_id", "product_id", "created_at"],
    )

    with op.batch_alter_table("fulfillment_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplier_id", sa.Uuid(), nullable=True))
        batch_op.add_column(_timestamp("acknowledge_by", nullable=True))
        batch_op.add_column(_timestamp("ship_by", nullable=True))
        batch_op.add_column(_timestamp("acknowledged_at", nullable=True))
        batch_op.add_column(_timestamp("rejected_at", nullable=True))
        batch_op.add_column(
            sa.Column(
                "rejection_reason",
                sa.Enum(
                    "out_of_stock",
                    "cannot_ship_to_destination",
                    "discontinued",
                    "below_minimum_quantity",
                    "other",
                    name="rejectionreason",
                    native_enum=False,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("rejection_note", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column(
                "exception_reason",
                sa.Enum(
                    "dispatch_failed",
                    "acknowledge_overdue",
                    "ship_overdue",
                    name="exceptionreason",
                    native_enum=False,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(_timestamp("overdue_at", nullable=True))
        batch_op.alter_column("warehouse_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.create_index(
            "ix_fulfillment_orders_supplier_status", ["provider_id", "supplier_id", "status"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_fulfillment_orders_provider_id_supplier_id_suppliers"),
            "suppliers",
            ["provider_id", "supplier_id"],
            ["provider_id", "id"],
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_fulfillment_orders_one_source"),
            "(warehouse_id IS NULL) <> (supplier_id IS NULL)",
        )

    for table in SUPPLIER_COLUMN_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("supplier_id", sa.Uuid(), nullable=True))

    with op.batch_alter_table("rate_cards", schema=None) as batch_op:
        for column in ("drop_ship_per_order", "drop_ship_per_unit"):
            batch_op.add_column(
                sa.Column(
                    column,
                    domain.billing.money.ExactDecimal(precision=28, scale=10),
                    nullable=True,
                )
            )

    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acknowledge_within_hours", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ship_within_hours", sa.Integer(), nullable=True))
        batch_op.add_column(_timestamp("archived_at", nullable=True))

    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplier_id", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_webhook_endpoints_supplier", ["provider_id", "supplier_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_webhook_endpoints_provider_id_supplier_id_suppliers"),
            "suppliers",
            ["provider_id", "supplier_id"],
            ["provider_id", "id"],
        )

    for table in NEW_TABLES:
        enable_tenant_rls(table)
    grant_app_role()


def downgrade() -> None:
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_webhook_endpoints_provider_id_supplier_id_suppliers"),
            type_="foreignkey",
        )
        batch_op.drop_index("ix_webhook_endpoints_supplier")
        batch_op.drop_column("supplier_id")

    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
        batch_op.drop_column("ship_within_hours")
        batch_op.drop_column("acknowledge_within_hours")

    with op.batch_alter_table("rate_cards", schema=None) as batch_op:
        batch_op.drop_column("drop_ship_per_unit")
        batch_op.drop_column("drop_ship_per_order")

    for table in SUPPLIER_COLUMN_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("supplier_id")

    op.execute(
        "DELETE FROM fulfillment_order_lines WHERE fulfillment_order_id IN "
        "(SELECT id FROM fulfillment_orders WHERE supplier_id IS NOT NULL)"
    )
    op.execute("DELETE FROM fulfillment_orders WHERE supplier_id IS NOT NULL")
    with op.batch_alter_table("fulfillment_orders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_fulfillment_orders_one_source"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_fulfillment_orders_provider_id_supplier_id_suppliers"),
            type_="foreignkey",
        )
        batch_op.drop_index("ix_fulfillment_orders_supplier_status")
        batch_op.alter_column("warehouse_id", existing_type=sa.Uuid(), nullable=False)
        for column in (
            "overdue_at",
            "exception_reason",
            "rejection_note",
            "rejection_reason",
            "rejected_at",
            "acknowledged_at",
            "ship_by",
            "acknowledge_by",
            "supplier_id",
        ):
            batch_op.drop_column(column)

    op.drop_table("supplier_stock_movements")
    op.drop_table("supplier_stock")
    op.drop_table("supplier_products")
