"""Supplier SLAs: fulfillment orders past their acknowledge or ship deadline go to EXCEPTION.

The sweep is idempotent: a fulfillment order already flagged for a deadline is not
flagged again for it, so a repeated or doubled run records nothing new.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, or_, true

from domain.orders import events
from domain.orders.models import ExceptionReason, FulfillmentOrder, FulfillmentStatus
from domain.orders.status import lock_order, refresh_status
from domain.outbox.events import Topic
from tenants.unit_of_work import TenantUnitOfWork

BATCH = 200
"""Fulfillment orders flagged per transaction."""


def overdue_ids(
    uow: TenantUnitOfWork,
    now: datetime,
    after: uuid.UUID | None = None,
    limit: int = BATCH,
) -> list[uuid.UUID]:
    """Ids above `after` of supplier fulfillment orders that missed a deadline, not yet flagged."""
    late_ack = and_(
        FulfillmentOrder.status == FulfillmentStatus.ALLOCATED,
        FulfillmentOrder.acknowledged_at.is_(None),
        FulfillmentOrder.acknowledge_by < now,
    )
    late_ship = and_(
        FulfillmentOrder.status.in_([FulfillmentStatus.ALLOCATED, FulfillmentStatus.EXCEPTION]),
        FulfillmentOrder.ship_by < now,
        or_(
            FulfillmentOrder.exception_reason.is_(None),
            FulfillmentOrder.exception_reason != ExceptionReason.SHIP_OVERDUE,
        ),
    )
    stmt = (
        uow.select(FulfillmentOrder, FulfillmentOrder.id)
        .where(
            FulfillmentOrder.supplier_id.is_not(None),
            FulfillmentOrder.rejected_at.is_(None),
            or_(late_ack, late_ship),
        )
        .where(FulfillmentOrder.id > after if after else true())
        .order_by(FulfillmentOrder.id)
        .limit(limit)
    )
    return list(uow.scalars(stmt))


def flag_overdue(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, now: datetime) -> bool:
    """Put one late supplier fulfillment order (and so its order) in EXCEPTION; whether it was.

    Re-checked under the order's lock: the supplier may have acted since it was listed.
    """
    found = uow.get(FulfillmentOrder, fulfillment_id)
    if found is None:
        return False
    order = lock_order(uow, found.order_id)
    fo = uow.get(FulfillmentOrder, fulfillment_id, lock=True)
    assert order is not None
    assert fo is not None
    reason = _missed(fo, now)
    if reason is None:
        return False
    fo.status = FulfillmentStatus.EXCEPTION
    fo.exception_reason = reason
    fo.overdue_at = now
    fo.updated_at = now
    events.fulfillment_changed(uow, fo, Topic.FULFILLMENT_OVERDUE)
    events.order_exception(uow, order, fo, _explain(reason), reason.name)
    refresh_status(uow, order)
    return True


def _missed(fo: FulfillmentOrder, now: datetime) -> ExceptionReason | None:
    if fo.rejected_at is not None:
        return None
    if fo.status not in (FulfillmentStatus.ALLOCATED, FulfillmentStatus.EXCEPTION):
        return None
    if fo.ship_by is not None and fo.ship_by < now:
        if fo.exception_reason is not ExceptionReason.SHIP_OVERDUE:
            return ExceptionReason.SHIP_OVERDUE
        return None
    late_ack = fo.acknowledged_at is None and fo.acknowledge_by is not None
    if late_ack and fo.acknowledge_by < now and fo.status is FulfillmentStatus.ALLOCATED:  # type: ignore[operator]
        return ExceptionReason.ACKNOWLEDGE_OVERDUE
    return None


def _explain(reason: ExceptionReason) -> str:
    if reason is ExceptionReason.ACKNOWLEDGE_OVERDUE:
        return "The supplier did not acknowledge the fulfillment order in time."
    return "The supplier did not ship the fulfillment order in time."
