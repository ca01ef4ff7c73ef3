"""An order hold's unmapped channel SKUs as a list (`order_holds.unmapped_skus`), empty for
every reason but UNMAPPED_SKU.

Existing UNMAPPED_SKU holds get the SKUs their note named ("Unmapped channel SKUs: a, b",
as imports wrote it up to 0020); a note cut at its 500 characters loses its last, possibly
partial, SKU. Other holds, and notes written otherwise, keep an empty list.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOTE_PREFIX = "Unmapped channel SKUs: "
"""How imports began an UNMAPPED_SKU hold's note (domain.channels.imports), as of 0020."""
NOTE_MAX = 500


def upgrade() -> None:
    with op.batch_alter_table("order_holds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unmapped_skus", sa.JSON(), nullable=False, server_default="[]")
        )
    _fill_from_notes()
    with op.batch_alter_table("order_holds", schema=None) as batch_op:
        batch_op.alter_column("unmapped_skus", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("order_holds", schema=None) as batch_op:
        batch_op.drop_column("unmapped_skus")


def skus_in_note(note: str) -> list[str]:
    """The SKUs an import's note named, in order, each once; none for another note."""
    if not note.startswith(NOTE_PREFIX):
        return []
    named = [sku.strip() for sku in note[len(NOTE_PREFIX) :].split(", ")]
    if len(note) >= NOTE_MAX:  # cut when written: the last one may be part of a SKU
        named = named[:-1]
    return list(dict.fromkeys(sku for sku in named if sku))


def _fill_from_notes() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:  # the owner is subject to its own forced row-level security
        op.execute("ALTER TABLE order_holds NO FORCE ROW LEVEL SECURITY")
    rows = bind.execute(
        sa.text(
            "SELECT provider_id, id, note FROM order_holds "
            "WHERE reason = 'unmapped_sku' AND note IS NOT NULL"
        )
    ).all()
    skus = sa.bindparam("skus", type_=sa.JSON())
    for provider_id, hold_id, note in rows:
        found = skus_in_note(note)
        if found:
            bind.execute(
                sa.text(
                    "UPDATE order_holds SET unmapped_skus = :skus "
                    "WHERE provider_id = :p AND id = :i"
                ).bindparams(skus),
                {"skus": found, "p": provider_id, "i": hold_id},
            )
    if postgres:
        op.execute("ALTER TABLE order_holds FORCE ROW LEVEL SECURITY")
