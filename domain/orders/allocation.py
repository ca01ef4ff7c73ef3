"""Reserving stock for routed order lines: post ALLOCATION, open or grow fulfillment orders."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from domain.inventory import ledger
from domain.inventory.models import InventoryLevel, MovementKind
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderLine,
)
from domain.orders.planning import Pick
from persistence.base import new_id
from tenants.unit_of_work import TenantUnitOfWork

Levels = dict[ledger.LevelKey, InventoryLevel]


def allocate_picks(
    uow: TenantUnitOfWork,
    order: Order,
    lines: Sequence[OrderLine],
    levels: Levels,
    picks: Sequence[Pick],
    *,
    new_order: bool = False,
    locked: bool = True,
) -> int:
    """Reserve the decided `picks` in their warehouses' `levels`; units reserved.

    A `new_order` has no fulfillment orders yet, so none are looked for. Levels not
    `locked` (a new order on PostgreSQL) are locked and checked by the reserving statement
    itself, which raises ledger.StockMoved when one no longer has the stock.
    """
    if not picks:
        return 0
    by_id = {line.id: line for line in lines}
    warehouse_ids = {p.warehouse_id for p in picks}
    if new_order:
        targets = _new_fulfillment(uow, order, warehouse_ids, {})
        existing: dict[tuple[uuid.UUID, uuid.UUID], FulfillmentOrderLine] = {}
    else:
        targets = _open_fulfillment(uow, order, warehouse_ids)
        existing = _fulfillment_lines(uow, [fo.id for fo in targets.values()])
    reference = ledger.Reference("order", order.id)
    (ledger.post_many if locked else ledger.reserve)(
        uow,
        [
            ledger.Posting(
                levels[(pick.product_id, pick.warehouse_id)],
                MovementKind.ALLOCATION,
                allocated=pick.quantity,
                reason="order",
                reference=reference,
            )
            for pick in picks
        ],
    )
    for pick in picks:
        by_id[pick.line_id].allocated_quantity += pick.quantity
        _add_to_fulfillment(uow.session, targets[pick.warehouse_id], pick, existing)
    return sum(pick.quantity for pick in picks)


def _open_fulfillment(
    uow: TenantUnitOfWork, order: Order, warehouse_ids: set[uuid.UUID]
) -> dict[uuid.UUID, FulfillmentOrder]:
    # A fulfillment order not yet picked can grow; one already started gets a sibling.
    found = {
        fo.warehouse_id: fo
        for fo in uow.scalars(
            uow.select(FulfillmentOrder)
            .where(
                FulfillmentOrder.order_id == order.id,
                FulfillmentOrder.warehouse_id.in_(warehouse_ids),
                FulfillmentOrder.status == FulfillmentStatus.ALLOCATED,
            )
            .with_for_update()
        )
    }
    return _new_fulfillment(uow, order, warehouse_ids, found)


def _new_fulfillment(
    uow: TenantUnitOfWork,
    order: Order,
    warehouse_ids: set[uuid.UUID],
    found: dict[uuid.UUID, FulfillmentOrder],
) -> dict[uuid.UUID, FulfillmentOrder]:
    for warehouse_id in sorted(warehouse_ids - found.keys()):
        fo = FulfillmentOrder(
            provider_id=order.provider_id,
            id=new_id(),
            client_id=order.client_id,
            order_id=order.id,
            warehouse_id=warehouse_id,
            status=FulfillmentStatus.ALLOCATED,
        )
        uow.add(fo)
        found[warehouse_id] = fo
    return found


def _fulfillment_lines(
    uow: TenantUnitOfWork, fulfillment_ids: list[uuid.UUID]
) -> dict[tuple[uuid.UUID, uuid.UUID], FulfillmentOrderLine]:
    rows = uow.scalars(
        uow.select(FulfillmentOrderLine).where(
            FulfillmentOrderLine.fulfillment_order_id.in_(fulfillment_ids)
        )
    )
    return {(row.fulfillment_order_id, row.order_line_id): row for row in rows}


def _add_to_fulfillment(
    session: Session,
    fo: FulfillmentOrder,
    pick: Pick,
    existing: dict[tuple[uuid.UUID, uuid.UUID], FulfillmentOrderLine],
) -> None:
    line = existing.get((fo.id, pick.line_id))
    if line is not None:
        line.quantity += pick.quantity
        return
    line = FulfillmentOrderLine(
        provider_id=fo.provider_id,
        id=new_id(),
        client_id=fo.client_id,
        fulfillment_order_id=fo.id,
        order_line_id=pick.line_id,
        product_id=pick.product_id,
        quantity=pick.quantity,
    )
    session.add(line)
    existing[(fo.id, pick.line_id)] = line
