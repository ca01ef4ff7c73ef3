"""Routing: merchant locations, tags, per-client routing rule sets and routing decisions.

- ``warehouses`` gains ``kind`` (the provider's WAREHOUSE or a client's MERCHANT_LOCATION)
  and ``client_id`` (the owning client of a merchant location; null for the provider's).
- ``products.tags`` and ``orders.tags``: labels routing rules match on.
- ``routing_rule_sets``: one row per saved version of a client's ordered rules.
- ``routing_decisions``: each decision made for an order (creation, re-route, override)
  with its explanation.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.base
from persistence.rls import enable_tenant_rls, grant_app_role

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "routing_rule_sets",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id", "client_id"],
            ["clients.provider_id", "clients.id"],
            name=op.f("fk_routing_rule_sets_provider_id_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_routing_rule_sets_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("provider_id", "id", name=op.f("pk_routing_rule_sets")),
        sa.UniqueConstraint(
            "provider_id",
            "client_id",
            "version",
            name=op.f("uq_routing_rule_sets_provider_id_client_id_version"),
        ),
    )
    op.create_table(
        "routing_decisions",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("creation", "reroute", "override", name="decisionkind", native_enum=False),
            nullable=False,
        ),
        sa.Column("rule_set_version", sa.Integer(), nullable=False),
        sa.Column("rule_name", sa.String(length=100), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("fulfillment_order_id", sa.Uuid(), nullable=True),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("created_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id", "client_id"],
            ["clients.provider_id", "clients.id"],
            name=op.f("fk_routing_decisions_provider_id_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id", "order_id"],
            ["orders.provider_id", "orders.id"],
            name=op.f("fk_routing_decisions_provider_id_order_id_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_routing_decisions_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("provider_id", "id", name=op.f("pk_routing_decisions")),
    )
    with op.batch_alter_table("routing_decisions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_routing_decisions_order", ["provider_id", "order_id", "created_at"], unique=False
        )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tags", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum("warehouse", "merchant_location", name="warehousekind", native_enum=False),
                server_default="warehouse",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("client_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_warehouses_provider_id_client_id_clients"),
            "clients",
            ["provider_id", "client_id"],
            ["provider_id", "id"],
        )
    enable_tenant_rls("routing_rule_sets")
    enable_tenant_rls("routing_decisions")
    grant_app_role()


def downgrade() -> None:
    with op.batch_alter_table("warehouses", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_warehouses_provider_id_client_id_clients"), type_="foreignkey"
        )
        batch_op.drop_column("client_id")
        batch_op.drop_column("kind")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("tags")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("tags")
    with op.batch_alter_table("routing_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_routing_decisions_order")
    op.drop_table("routing_decisions")
    op.drop_table("routing_rule_sets")
