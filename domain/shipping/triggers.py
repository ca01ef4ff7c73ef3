"""What starts a dispatch: a packed parcel, a released hold, automatic dispatch, a retry."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists

from domain.catalog.models import Warehouse, WarehouseKind
from domain.errors import DomainError, DomainErrorCode, not_found
from domain.orders.fulfillment import Step, mark_packed, start_picking
from domain.orders.models import FulfillmentOrder, FulfillmentStatus, Order, OrderStatus
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from domain.shipping.accounts import enabled_accounts
from domain.shipping.models import CarrierAccount, DispatchAttempt, DispatchStatus
from domain.shipping.planning import lock_for_dispatch
from domain.shipping.settings import settings_for
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork


def fulfillment_orders_to_dispatch(uow: TenantUnitOfWork, event_id: uuid.UUID) -> list[uuid.UUID]:
    """The fulfillment orders an outbox event asks to dispatch (packed, or released from hold)."""
    event = uow.scalar(uow.select(OutboxEvent).where(OutboxEvent.id == event_id))
    if event is None:
        return []
    if event.topic == Topic.FULFILLMENT_PACKED:
        return _dispatchable(uow, [uuid.UUID(event.payload["fulfillment_order_id"])])
    if event.topic == Topic.ORDER_RELEASED:
        order_id = uuid.UUID(event.payload["order_id"])
        return _of_order(uow, order_id, FulfillmentStatus.PACKED, suppliers=True)
    return []


def dispatch_targets(uow: TenantUnitOfWork, event_id: uuid.UUID) -> list[uuid.UUID]:
    """The fulfillment orders dispatch plans for an event: the packed one as its event names
    it (the plan checks where it ships from), or those of a released order, as above."""
    event = uow.scalar(uow.select(OutboxEvent).where(OutboxEvent.id == event_id))
    if event is not None and event.topic == Topic.FULFILLMENT_PACKED:
        return [uuid.UUID(event.payload["fulfillment_order_id"])]
    if event is not None and event.topic == Topic.ORDER_RELEASED:
        order_id = uuid.UUID(event.payload["order_id"])
        return _of_order(uow, order_id, FulfillmentStatus.PACKED, suppliers=True)
    return []


def _dispatchable(
    uow: TenantUnitOfWork, fo_ids: list[uuid.UUID], *, suppliers: bool = True
) -> list[uuid.UUID]:
    # A merchant ships what its own location packed by hand and reports the tracking; a
    # supplier's fulfillment order is PACKED only when the supplier asked for a label.
    served = Warehouse.kind == WarehouseKind.WAREHOUSE
    if suppliers:
        served = served | FulfillmentOrder.supplier_id.is_not(None)
    return list(
        uow.scalars(
            uow.select(FulfillmentOrder, FulfillmentOrder.id)
            .outerjoin(
                Warehouse,
                (Warehouse.provider_id == FulfillmentOrder.provider_id)
                & (Warehouse.id == FulfillmentOrder.warehouse_id),
            )
            .where(FulfillmentOrder.id.in_(fo_ids), served)
            .order_by(FulfillmentOrder.id)
        )
    )


def packed_without_attempt(
    uow: TenantUnitOfWork, before: datetime, since: datetime, limit: int
) -> list[uuid.UUID]:
    """Fulfillment orders packed (last changed) between `since` and `before` that dispatch
    never started: at a provider's warehouse (or a supplier's, awaiting its label), no
    attempt, not on hold, their client ships with an enabled carrier."""
    fo = FulfillmentOrder
    no_attempt = ~exists().where(
        DispatchAttempt.provider_id == fo.provider_id,
        DispatchAttempt.fulfillment_order_id == fo.id,
    )
    not_held = ~exists().where(
        Order.provider_id == fo.provider_id,
        Order.id == fo.order_id,
        Order.status == OrderStatus.ON_HOLD,
    )
    carrier = exists().where(
        CarrierAccount.provider_id == fo.provider_id,
        CarrierAccount.client_id == fo.client_id,
        CarrierAccount.enabled.is_(True),
    )
    at_warehouse = exists().where(  # a merchant's own location ships by hand
        Warehouse.provider_id == fo.provider_id,
        Warehouse.id == fo.warehouse_id,
        Warehouse.kind == WarehouseKind.WAREHOUSE,
    )
    stmt = (
        uow.select(fo, fo.id)
        .where(
            fo.status == FulfillmentStatus.PACKED,
            fo.updated_at <= before,
            fo.updated_at >= since,
            no_attempt,
            not_held,
            carrier,
            at_warehouse | fo.supplier_id.is_not(None),  # a supplier's waits for its label
        )
        .order_by(fo.updated_at)
        .limit(limit)
    )
    return list(uow.scalars(stmt))


def pack_automatically(uow: TenantUnitOfWork, event_id: uuid.UUID) -> list[uuid.UUID]:
    """For a client with automatic dispatch: pick and pack an allocated order's parcels at once.

    Packing records `fulfillment_order.packed`, which dispatches them as if a warehouse
    had scanned them. Only the provider's warehouses are packed: a merchant location's
    part waits for the client's own hands. Parcels already picked or packed are left
    alone, so a redelivered event does nothing; a hold stops it.
    """
    event = uow.scalar(uow.select(OutboxEvent).where(OutboxEvent.id == event_id))
    if event is None or event.topic != Topic.ORDER_ALLOCATED or event.client_id is None:
        return []
    settings = settings_for(uow, event.client_id)
    if not settings.automatic_dispatch or not enabled_accounts(uow, event.client_id):
        return []
    packed = []
    order_id = uuid.UUID(event.payload["order_id"])
    for fo_id in _of_order(uow, order_id, FulfillmentStatus.ALLOCATED, suppliers=False):
        try:
            with uow.session.begin_nested():
                start_picking(uow, fo_id)
                mark_packed(uow, fo_id)
        except UserFacingError:  # held or cancelled meanwhile: a person decides
            continue
        packed.append(fo_id)
    return packed


def retry_dispatch(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> Step:
    """An operator retries a fulfillment order in EXCEPTION (e.g. after fixing the address).

    After a carrier's refusal the next attempt gets a fresh idempotency key: the refused
    request bought nothing, and the corrected one differs from it. After dispatch gave up
    on other errors, the pinned quote and key stay, since a label may have been bought.
    """
    if not uow.scope.is_provider:
        raise not_found("fulfillment order", "id")
    locked = lock_for_dispatch(uow, fo_id)  # the order and it before the attempt
    if locked is None:
        raise not_found("fulfillment order", "id")
    fo, _ = locked
    if fo.status is not FulfillmentStatus.EXCEPTION:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"Only a fulfillment order in EXCEPTION can be retried; this one is {fo.status.name}.",
            "id",
        )
    attempt = uow.scalar(
        uow.select(DispatchAttempt)
        .where(DispatchAttempt.fulfillment_order_id == fo_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if attempt is not None and attempt.status is not DispatchStatus.FAILED:
        attempt.exception_reason = None
        attempt.exception_code = None
    elif attempt is not None:
        attempt.generation += 1
        attempt.status = DispatchStatus.PENDING
        attempt.quote = None
        attempt.idempotency_key = None
        attempt.carrier_account_id = None
        attempt.exception_reason = None
        attempt.exception_code = None
    return mark_packed(uow, fo_id)  # records fulfillment_order.packed: dispatch again


def _of_order(
    uow: TenantUnitOfWork, order_id: uuid.UUID, status: FulfillmentStatus, *, suppliers: bool
) -> list[uuid.UUID]:
    return _dispatchable(
        uow,
        list(
            uow.scalars(
                uow.select(FulfillmentOrder, FulfillmentOrder.id).where(
                    FulfillmentOrder.order_id == order_id, FulfillmentOrder.status == status
                )
            )
        ),
        suppliers=suppliers,
    )
