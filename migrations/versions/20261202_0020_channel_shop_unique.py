"""One live connection per shop: a channel connection's disconnection time, and a unique
index on (provider, kind, shop address) over the connections not disconnected.

Shop addresses are normalised first as the domain now does (scheme and host in lower
case, no trailing slash). Where a provider already had one shop connected more than once
(it imported every order twice, or into the wrong client), the oldest connection stays;
the others are disconnected, with every switch off, so nothing flows through them.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 01:00:00.000000
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from alembic import op

import persistence.base

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "uq_channel_connections_shop"
LIVE = "disconnected_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("channel_connections", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disconnected_at", persistence.base.UTCDateTime(timezone=True), nullable=True)
        )
    _disconnect_duplicates()
    with op.batch_alter_table("channel_connections", schema=None) as batch_op:
        batch_op.create_index(
            INDEX,
            ["provider_id", "kind", "shop_url"],
            unique=True,
            postgresql_where=sa.text(LIVE),
            sqlite_where=sa.text(LIVE),
        )


def downgrade() -> None:
    with op.batch_alter_table("channel_connections", schema=None) as batch_op:
        batch_op.drop_index(INDEX, postgresql_where=sa.text(LIVE), sqlite_where=sa.text(LIVE))
        batch_op.drop_column("disconnected_at")


def shop_address(url: str) -> str:
    """The domain's normalisation of a shop URL (domain.channels.connections), as of 0020."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, "")).rstrip("/")


def _disconnect_duplicates() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:  # the owner is subject to its own forced row-level security
        op.execute("ALTER TABLE channel_connections NO FORCE ROW LEVEL SECURITY")
    rows = bind.execute(
        sa.text(
            "SELECT provider_id, id, kind, shop_url FROM channel_connections "
            "ORDER BY created_at, id"
        )
    ).all()
    seen = set()
    now = datetime.now(UTC)
    stamp = sa.bindparam("now", type_=persistence.base.UTCDateTime(timezone=True))
    for provider_id, row_id, kind, shop_url in rows:
        address = shop_address(shop_url)
        key = (provider_id, kind, address)
        changes = {"p": provider_id, "i": row_id, "url": address}
        if key in seen:
            bind.execute(
                sa.text(
                    "UPDATE channel_connections SET shop_url = :url, disconnected_at = :now, "
                    "import_orders = :off, sync_fulfillments = :off, sync_inventory = :off "
                    "WHERE provider_id = :p AND id = :i"
                ).bindparams(stamp),
                {**changes, "now": now, "off": False},
            )
        else:
            seen.add(key)
            if address != shop_url:
                bind.execute(
                    sa.text(
                        "UPDATE channel_connections SET shop_url = :url "
                        "WHERE provider_id = :p AND id = :i"
                    ),
                    changes,
                )
    if postgres:
        op.execute("ALTER TABLE channel_connections FORCE ROW LEVEL SECURITY")
