"""The one way stock changes: lock the levels, apply deltas, append the ledger row.

Levels are locked with SELECT ... FOR UPDATE in a fixed order (product, then
warehouse), so concurrent allocations queue on the rows instead of overselling
or deadlocking; SQLite gets the same effect from its database-wide write lock.
A CHECK constraint on the level (available >= 0) backs this up in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import case, insert, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.attributes import set_committed_value

from domain.errors import DomainError, DomainErrorCode
from domain.inventory.models import InventoryLevel, InventoryMovement, MovementKind
from domain.limits import check_stock_level
from domain.outbox.events import Topic, record
from domain.outbox.models import OutboxEvent
from persistence.base import new_id, utcnow
from persistence.deadlocks import is_deadlock
from persistence.new_rows import LastStep, send_last, staged_rows_json
from tenants.unit_of_work import TenantUnitOfWork

LevelKey = tuple[uuid.UUID, uuid.UUID]
"""(product_id, warehouse_id)"""


@dataclass(frozen=True)
class Reference:
    """What a movement was for: an order, an inbound shipment, a count..."""

    type: str
    id: uuid.UUID | None = None


def lock_levels(
    uow: TenantUnitOfWork,
    product_ids: Iterable[uuid.UUID],
    warehouse_ids: Iterable[uuid.UUID] | None = None,
) -> dict[LevelKey, InventoryLevel]:
    """The existing levels of these products (in these warehouses), locked until commit."""
    products = sorted(set(product_ids))
    if not products:
        return {}
    stmt = uow.select(InventoryLevel).where(InventoryLevel.product_id.in_(products))
    if warehouse_ids is not None:
        stmt = stmt.where(InventoryLevel.warehouse_id.in_(sorted(set(warehouse_ids))))
    stmt = stmt.order_by(InventoryLevel.product_id, InventoryLevel.warehouse_id).with_for_update()
    levels = uow.scalars(stmt.execution_options(populate_existing=True))
    return {(level.product_id, level.warehouse_id): level for level in levels}


def ensure_level(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    product_id: uuid.UUID,
    warehouse_id: uuid.UUID,
) -> InventoryLevel:
    """The level of a product in a warehouse, created empty if missing, locked until commit."""
    values = {
        "provider_id": uow.scope.provider_id,
        "product_id": product_id,
        "warehouse_id": warehouse_id,
        "client_id": client_id,
        "on_hand": 0,
        "allocated": 0,
        "unsellable": 0,
        "incoming": 0,
        "updated_at": utcnow(),
    }
    dialect = uow.session.get_bind().dialect.name
    if dialect == "postgresql":
        uow.execute(pg_insert(InventoryLevel).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        uow.execute(sqlite_insert(InventoryLevel).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - only the two supported databases
        uow.execute(insert(InventoryLevel).values(values))
    return lock_levels(uow, [product_id], [warehouse_id])[(product_id, warehouse_id)]


def post(
    uow: TenantUnitOfWork,
    level: InventoryLevel,
    kind: MovementKind,
    *,
    on_hand: int = 0,
    allocated: int = 0,
    unsellable: int = 0,
    incoming: int = 0,
    reason: str | None = None,
    note: str | None = None,
    reference: Reference | None = None,
) -> InventoryMovement:
    """Apply deltas to a locked level and append the ledger row; refuse to go negative, or
    past MAX_STOCK_LEVEL."""
    posting = Posting(
        level, kind, on_hand, allocated, unsellable, incoming, reason, note, reference
    )
    for bucket, value in _after(posting).items():
        setattr(level, bucket, value)
    return _append(uow, posting)


@dataclass(frozen=True)
class Posting:
    """One movement to post to a locked level."""

    level: InventoryLevel
    kind: MovementKind
    on_hand: int = 0
    allocated: int = 0
    unsellable: int = 0
    incoming: int = 0
    reason: str | None = None
    note: str | None = None
    reference: Reference | None = None


BUCKETS = ("on_hand", "allocated", "unsellable", "incoming")


def post_many(uow: TenantUnitOfWork, postings: list[Posting]) -> list[InventoryMovement]:
    """Post several movements at once: every check first, then one UPDATE per warehouse
    (the levels locked already), the ledger and outbox rows inserted with the next flush.

    All or nothing: a posting that would go negative refuses the lot before anything is
    written.
    """
    if any(inspect(posting.level).modified for posting in postings):
        uow.flush()  # a change made through `post` must reach the row before the deltas do
    after: dict[LevelKey, dict[str, int]] = {}
    deltas: dict[LevelKey, dict[str, int]] = {}
    for posting in postings:
        key = (posting.level.product_id, posting.level.warehouse_id)
        values = _after(posting, after.get(key))
        after[key] = values
        change = deltas.setdefault(key, dict.fromkeys(BUCKETS, 0))
        for bucket in BUCKETS:
            change[bucket] += getattr(posting, bucket)
    levels = {(p.level.product_id, p.level.warehouse_id): p.level for p in postings}
    _update_levels(uow, levels, deltas)
    movements = []
    for posting in postings:
        level = posting.level
        before = {bucket: getattr(level, bucket) for bucket in BUCKETS}
        for bucket in BUCKETS:
            set_committed_value(level, bucket, before[bucket] + getattr(posting, bucket))
        movements.append(_append(uow, posting))
    return movements


class StockMoved(Exception):
    """A reservation made from unlocked levels no longer fits: stock went elsewhere meanwhile.

    Nothing the transaction wrote may stand; the caller rolls back and retries with the
    levels locked before they are read.
    """


RESERVED = """wanted AS (
        SELECT * FROM unnest(CAST(%s AS uuid[]), CAST(%s AS uuid[]), CAST(%s AS int[]))
            AS w(product_id, warehouse_id, quantity)
    ),
    reserved AS (
        UPDATE inventory_levels AS l
        SET allocated = l.allocated + w.quantity, updated_at = %s
        FROM (
            SELECT product_id, warehouse_id FROM inventory_levels
            WHERE provider_id = %s
              AND (product_id, warehouse_id) IN (SELECT product_id, warehouse_id FROM wanted)
            ORDER BY product_id, warehouse_id
            FOR UPDATE
        ) AS locked, wanted AS w
        WHERE l.provider_id = %s
          AND l.product_id = locked.product_id AND l.warehouse_id = locked.warehouse_id
          AND w.product_id = l.product_id AND w.warehouse_id = l.warehouse_id
          AND l.on_hand - l.allocated - l.unsellable >= w.quantity
        RETURNING l.product_id, l.warehouse_id, l.on_hand, l.allocated, l.unsellable, l.incoming
    ),
    stock_events AS (
        INSERT INTO outbox_events ({columns})
        SELECT {values}
        FROM jsonb_populate_recordset(NULL::outbox_events, CAST(%s AS jsonb)) AS e
        JOIN unnest(CAST(%s AS uuid[]), CAST(%s AS int[])) AS later(id, quantity) USING (id)
        JOIN reserved AS r
          ON r.product_id = e.aggregate_id
         AND r.warehouse_id = CAST(e.payload ->> 'warehouse_id' AS uuid)
        RETURNING 1
    )"""
"""Allocate from levels read unlocked, on PostgreSQL, as the last step of the statement that
inserts the order's rows: the rows are locked in the order every other stock change locks
them (product, then warehouse), then each moves only if its available stock, as locked,
still covers the quantity; the stock.changed events get the balances as locked, each
without the allocations posted after it (`later`)."""

_BALANCES = """CAST(CAST(e.payload AS jsonb) || jsonb_build_object(
        'on_hand', r.on_hand, 'allocated', r.allocated - later.quantity,
        'unsellable', r.unsellable, 'incoming', r.incoming,
        'available', r.on_hand - r.allocated + later.quantity - r.unsellable) AS json)"""


def _reserved_sql() -> str:
    columns = [column.name for column in OutboxEvent.__table__.columns]
    values = [_BALANCES if name == "payload" else f"e.{name}" for name in columns]
    return RESERVED.format(columns=", ".join(columns), values=", ".join(values))


RESERVE_STEP = _reserved_sql()
RESERVED_LEVELS = (
    "SELECT product_id, warehouse_id, on_hand, allocated, unsellable, incoming FROM reserved"
)


def reserve(uow: TenantUnitOfWork, postings: list[Posting]) -> list[InventoryMovement]:
    """Post ALLOCATION movements to levels read without a lock (PostgreSQL only).

    The levels are locked and updated by one conditional statement, the last before the
    commit: the one inserting the transaction's new rows (persistence/new_rows.py), so the
    locks are held for that statement and the commit only. Until then the levels show the
    allocations on the balances as read; once it has run, as locked. That statement raises
    StockMoved, with some levels possibly changed, when one no longer has the stock, or
    when PostgreSQL stopped it to break a deadlock: roll back and retry.
    """
    totals: dict[LevelKey, int] = {}
    for posting in postings:
        assert posting.kind is MovementKind.ALLOCATION
        assert posting.allocated > 0
        assert (posting.on_hand, posting.unsellable, posting.incoming) == (0, 0, 0)
        key = (posting.level.product_id, posting.level.warehouse_id)
        totals[key] = totals.get(key, 0) + posting.allocated
    keys = sorted(totals)
    levels = {(p.level.product_id, p.level.warehouse_id): p.level for p in postings}
    movements, events, later = [], [], []
    remaining = dict(totals)
    for posting in postings:
        key = (posting.level.product_id, posting.level.warehouse_id)
        remaining[key] -= posting.allocated
        set_committed_value(posting.level, "allocated", posting.level.allocated + posting.allocated)
        movement = _movement(uow, posting)
        movements.append(movement)
        events.append(_stock_changed(uow, posting.level, posting, movement))
        later.append(remaining[key])
    now = utcnow()
    values = (
        [key[0] for key in keys],
        [key[1] for key in keys],
        [totals[key] for key in keys],
        now,
        uow.scope.provider_id,
        uow.scope.provider_id,
        staged_rows_json(uow.session, events),
        [event.id for event in events],
        later,
    )

    def done(rows: list[Any]) -> None:
        if len(rows) != len(keys):
            raise StockMoved(f"{len(keys) - len(rows)} of {len(keys)} levels no longer cover it")
        for row in rows:
            level = levels[(row.product_id, row.warehouse_id)]
            for bucket in BUCKETS:
                set_committed_value(level, bucket, getattr(row, bucket))  # as locked
            set_committed_value(level, "updated_at", now)
            uow.session.expire(level, ["change_seq"])

    send_last(uow.session, LastStep(RESERVE_STEP, RESERVED_LEVELS, values, done, _deadlocked))
    return movements


def _deadlocked(error: DBAPIError) -> None:
    # The caller's earlier rows (an order's reference) hold a lock that a writer holding
    # these levels waits for: PostgreSQL ended this transaction to break the cycle.
    if is_deadlock(error):
        raise StockMoved("the levels were held by a change waiting for this one") from error


def _update_levels(
    uow: TenantUnitOfWork,
    levels: dict[LevelKey, InventoryLevel],
    deltas: dict[LevelKey, dict[str, int]],
) -> None:
    # One statement per warehouse: each bucket moves by its product's delta (CASE).
    now = utcnow()
    for warehouse_id, keys in groupby(sorted(deltas, key=_warehouse_order), key=lambda k: k[1]):
        keys = list(keys)
        values = {}
        for bucket in BUCKETS:
            whens = {k[0]: deltas[k][bucket] for k in keys if deltas[k][bucket]}
            if whens:
                column = getattr(InventoryLevel, bucket)
                values[bucket] = column + case(whens, value=InventoryLevel.product_id, else_=0)
        if not values:
            continue
        with uow.session.no_autoflush:  # staged rows go in later, with the next flush
            uow.execute(
                uow.update(InventoryLevel)
                .where(
                    InventoryLevel.warehouse_id == warehouse_id,
                    InventoryLevel.product_id.in_(sorted(k[0] for k in keys)),
                )
                .values(**values, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        for key in keys:
            set_committed_value(levels[key], "updated_at", now)
            uow.session.expire(levels[key], ["change_seq"])


def _warehouse_order(key: LevelKey) -> tuple[str, str]:
    return (str(key[1]), str(key[0]))


def _after(posting: Posting, current: dict[str, int] | None = None) -> dict[str, int]:
    level = posting.level
    now = current or {bucket: getattr(level, bucket) for bucket in BUCKETS}
    after = {bucket: now[bucket] + getattr(posting, bucket) for bucket in BUCKETS}
    if min(after.values()) < 0 or after["on_hand"] - after["allocated"] - after["unsellable"] < 0:
        available = now["on_hand"] - now["allocated"] - now["unsellable"]
        raise DomainError(
            DomainErrorCode.INSUFFICIENT_STOCK,
            f"Not enough stock: {available} available, {now['on_hand']} on hand.",
            "quantity",
        )
    check_stock_level(after)
    return after


def _append(uow: TenantUnitOfWork, posting: Posting) -> InventoryMovement:
    movement = _movement(uow, posting)
    _stock_changed(uow, posting.level, posting, movement)
    return movement


def _movement(uow: TenantUnitOfWork, posting: Posting) -> InventoryMovement:
    level, reference = posting.level, posting.reference
    movement = InventoryMovement(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=level.client_id,
        product_id=level.product_id,
        warehouse_id=level.warehouse_id,
        kind=posting.kind,
        on_hand_delta=posting.on_hand,
        allocated_delta=posting.allocated,
        unsellable_delta=posting.unsellable,
        incoming_delta=posting.incoming,
        reason=posting.reason,
        note=posting.note,
        actor=uow.scope.actor,
        reference_type=reference.type if reference else None,
        reference_id=reference.id if reference else None,
    )
    uow.add(movement)
    return movement


def _stock_changed(
    uow: TenantUnitOfWork, level: InventoryLevel, posting: Posting, movement: InventoryMovement
) -> OutboxEvent:
    return record(
        uow,
        Topic.STOCK_CHANGED,
        aggregate_type="inventory_level",
        aggregate_id=level.product_id,
        client_id=level.client_id,
        payload={
            "product_id": str(level.product_id),
            "warehouse_id": str(level.warehouse_id),
            "client_id": str(level.client_id),
            "movement_id": str(movement.id),
            "kind": posting.kind.value,
            "reason": posting.reason,
            "on_hand": level.on_hand,
            "allocated": level.allocated,
            "unsellable": level.unsellable,
            "available": level.available,
            "incoming": level.incoming,
        },
    )
