"""The ledger invariant: every inventory level equals the sums of its movements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from crossdock.database import make_engine
from domain.inventory.models import InventoryLevel, InventoryMovement
from tests.conftest import TestDatabase

BUCKETS = ("on_hand", "allocated", "unsellable", "incoming")


def ledger_mismatches(connection: Any) -> list[tuple[Any, ...]]:
    """Levels whose buckets differ from their movements' sums: (key, level, ledger)."""
    m = InventoryMovement
    sums = (
        select(
            m.provider_id,
            m.product_id,
            m.warehouse_id,
            *(func.coalesce(func.sum(getattr(m, f"{b}_delta")), 0).label(b) for b in BUCKETS),
        )
        .group_by(m.provider_id, m.product_id, m.warehouse_id)
        .subquery()
    )
    level = InventoryLevel
    stmt = select(
        level.provider_id,
        level.product_id,
        level.warehouse_id,
        *(getattr(level, b) for b in BUCKETS),
        *(func.coalesce(getattr(sums.c, b), 0) for b in BUCKETS),
    ).outerjoin(
        sums,
        (sums.c.provider_id == level.provider_id)
        & (sums.c.product_id == level.product_id)
        & (sums.c.warehouse_id == level.warehouse_id),
    )
    wrong = []
    for row in connection.execute(stmt):
        key, stored, summed = tuple(row[:3]), tuple(row[3:7]), tuple(row[7:])
        if stored != summed:
            wrong.append(
                (
                    key,
                    dict(zip(BUCKETS, stored, strict=True)),
                    dict(zip(BUCKETS, summed, strict=True)),
                )
            )
    return wrong


def assert_levels_match_ledger(target: TestDatabase | Engine | Session) -> int:
    """Fail unless every level equals its ledger sums; how many levels were checked.

    Give a TestDatabase (read as the owner, so every tenant is checked), an engine, or
    a session (checks what that session sees, inside its transaction).
    """
    if isinstance(target, Session):
        return _check(target)
    engine = make_engine(target.admin_url) if isinstance(target, TestDatabase) else target
    try:
        with engine.connect() as connection:
            return _check(connection)
    finally:
        if isinstance(target, TestDatabase):
            engine.dispose()


def _check(connection: Any) -> int:
    wrong = ledger_mismatches(connection)
    assert not wrong, f"levels differ from the ledger: {wrong}"
    checked = connection.execute(select(func.count()).select_from(InventoryLevel)).scalar_one()
    return int(checked)
