"""Cancelling an order: every reservation goes back to stock, its fulfillment orders stop."""

from __future__ import annotations

import uuid

from domain.errors import DomainError, DomainErrorCode, not_found
from domain.inventory import ledger
from domain.inventory.models import InventoryLevel, MovementKind
from domain.orders.backorders import allocate_backorders
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderLine,
)
from domain.orders.states import CANCELLABLE, SHIPPED_OR_LATER, check_order
from domain.orders.status import lock_order, refresh_status
from domain.suppliers.assignment import release_supplier_lines
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork


def cancel_order(uow: TenantUnitOfWork, order_id: uuid.UUID) -> Order:
    """Cancel an order that has not shipped and pass its stock to waiting orders; idempotent."""
    products = uow.scalars(
        uow.select(OrderLine, OrderLine.product_id).where(OrderLine.order_id == order_id)
    ).all()
    # An order's products never change, so these are all the levels it can hold stock in.
    # (An order held for unmapped channel SKUs has no lines, and so no levels, yet.)
    levels = ledger.lock_levels(uow, products) if products else {}
    order = lock_order(uow, order_id)
    if order is None:
        raise not_found("order", "id")
    if order.cancelled_at is not None:
        return order
    fulfillment = list(
        uow.scalars(
            uow.select(FulfillmentOrder)
            .where(FulfillmentOrder.order_id == order.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    shipped = [fo for fo in fulfillment if fo.status in SHIPPED_OR_LATER]
    if shipped:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"An order that is {order.status.name} with a fulfillment order "
            f"{shipped[0].status.name} cannot be cancelled.",
            "id",
        )
    check_order(order.status, CANCELLABLE, "be cancelled")
    live = {fo.id: fo for fo in fulfillment if fo.status is not FulfillmentStatus.CANCELLED}
    _release(uow, order, dict(live), levels)
    for fo in live.values():
        fo.status = FulfillmentStatus.CANCELLED
    for line in uow.scalars(uow.select(OrderLine).where(OrderLine.order_id == order.id)):
        line.allocated_quantity = 0
    order.cancelled_at = utcnow()
    refresh_status(uow, order)
    # The levels are locked already, so waiting orders can take the freed units now.
    if products:
        allocate_backorders(uow, products)
    return order


def _release(
    uow: TenantUnitOfWork,
    order: Order,
    live: dict[uuid.UUID, FulfillmentOrder],
    levels: dict[ledger.LevelKey, InventoryLevel],
) -> None:
    for fo in [fo for fo in live.values() if fo.supplier_id is not None]:
        live.pop(fo.id)
        if fo.rejected_at is None:  # a refusal gave its units back to the supplier already
            release_supplier_lines(uow, fo, "order cancelled")
    if not live:
        return
    reserved: dict[ledger.LevelKey, int] = {}
    for line in uow.scalars(
        uow.select(FulfillmentOrderLine).where(FulfillmentOrderLine.fulfillment_order_id.in_(live))
    ):
        key = (line.product_id, live[line.fulfillment_order_id].warehouse_id)
        reserved[key] = reserved.get(key, 0) + line.quantity
    for key in sorted(reserved):
        ledger.post(
            uow,
            levels[key],
            MovementKind.RELEASE,
            allocated=-reserved[key],
            reason="order cancelled",
            reference=ledger.Reference("order", order.id),
        )
