"""Dispatch's rules, one transaction each: pin a quote, record a shipment, note a failure.

`services.dispatch` runs them around the carrier calls (its docstring says why that is
crash-safe).

Locks: a transaction that locks the dispatch attempt with other rows takes them in one
order, inventory levels (recording a shipment only), the order, the fulfillment order,
then the attempt (see `planning.lock_for_dispatch`); otherwise recording a shipment and
noting a failure of the same fulfillment order at once could deadlock on PostgreSQL.
"""

from __future__ import annotations

import logging
import uuid

from domain.audit.trail import Actor, Change
from domain.audit.trail import record as audit
from domain.orders.fulfillment import mark_exception, mark_shipped
from domain.orders.models import FulfillmentOrder, FulfillmentStatus
from domain.outbox.events import Topic
from domain.shipping.carriers.base import (
    CarrierError,
    Label,
)
from domain.shipping.events import record_shipment_event
from domain.shipping.models import DispatchAttempt, DispatchStatus, Shipment
from domain.shipping.planning import Plan, ensure_attempt, lock_for_dispatch
from domain.shipping.quotes import Quote, idempotency_key
from domain.shipping.rating import RateChoice, shop_rates
from domain.suppliers import labels
from persistence.base import new_id
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork

log = logging.getLogger("crossdock.shipping.dispatch")

ERROR_MAX = 1000
GAVE_UP = "DISPATCH_FAILED"
"""The exception code of a dispatch whose retries ran out on errors other than a carrier's."""
DISPATCH_TASK = "dispatch"
"""How the audit trail names this system task: a bought label and a given-up dispatch are
user-visible changes made by no caller."""


def choose(plan: Plan) -> RateChoice:
    """Rate-shop the plan's carriers by the client's rule."""
    assert plan.parcel is not None
    assert plan.ship_from is not None
    assert plan.ship_to is not None
    return shop_rates(
        list(plan.carriers.values()),
        plan.parcel,
        plan.ship_from,
        plan.ship_to,
        plan.rule,
        service_level=plan.service_level,
        currency=plan.currency,
    )


def pin_quote(uow: TenantUnitOfWork, plan: Plan, choice: RateChoice) -> Quote:
    """Pin the chosen rate and its key on the attempt; if another worker pinned one, theirs."""
    assert plan.parcel is not None
    assert plan.ship_from is not None
    assert plan.ship_to is not None
    # the attempt is all this transaction locks, so it may lock it alone
    attempt = _locked_attempt(uow, plan.fulfillment_order_id)
    if attempt.status is DispatchStatus.QUOTED and attempt.quote:
        return Quote.from_json(attempt.quote)
    quote = Quote(
        account_id=plan.account_of(choice.chosen.carrier),
        rate=choice.chosen,
        parcel=plan.parcel,
        ship_from=plan.ship_from,
        ship_to=plan.ship_to,
        label_format=plan.label_format,
        idempotency_key=idempotency_key(plan.fulfillment_order_id, attempt.generation),
    )
    attempt.status = DispatchStatus.QUOTED
    attempt.quote = quote.to_json()
    attempt.idempotency_key = quote.idempotency_key
    attempt.carrier_account_id = quote.account_id
    attempt.explanation = choice.explain()
    attempt.last_error = None
    uow.flush()
    return quote


def record_shipment(
    uow: TenantUnitOfWork, fo_id: uuid.UUID, quote: Quote, label: Label
) -> Shipment | None:
    """Write the shipment and ship the fulfillment order; None if it is recorded already.

    Also None when the fulfillment order can no longer ship (cancelled or held since
    packing): the label stays pinned, and a release dispatches it again with the same key.
    """
    if _shipment_of(uow, fo_id) is not None:
        return None
    ship = labels.ship_by_label if labels.is_supplier_work(uow, fo_id) else mark_shipped
    try:
        fo, _ = ship(uow, fo_id, label.carrier, label.tracking_number)
    except UserFacingError as error:
        log.warning("bought label for %s not recorded: %s", fo_id, error.message)
        uow.session.rollback()
        return None
    shipment = Shipment(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=fo.client_id,
        order_id=fo.order_id,
        fulfillment_order_id=fo.id,
        carrier_account_id=quote.account_id,
        carrier=label.carrier,
        service=label.service,
        tracking_number=label.tracking_number,
        carrier_reference=label.carrier_reference,
        cost=label.cost,
        currency=label.currency,
        label_format=label.label_format,
        label_content=label.content,
        idempotency_key=quote.idempotency_key,
    )
    uow.add(shipment)
    attempt = _locked_attempt(uow, fo_id)  # last: after levels, order, fulfillment
    attempt.status = DispatchStatus.SHIPPED
    attempt.last_error = None
    record_shipment_event(
        uow,
        Topic.SHIPMENT_CREATED,
        shipment,
        {
            "service": shipment.service,
            "tracking_number": shipment.tracking_number,
            "cost": str(shipment.cost),
            "currency": shipment.currency,
        },
    )
    uow.flush()
    change = Change(
        "shipFulfillmentOrder",
        {"fulfillmentOrderId": str(fo.id), "carrier": label.carrier, "service": label.service},
        "Shipment",
        shipment.id,
    )
    audit(uow.session, uow.scope.provider_id, Actor.system(DISPATCH_TASK), change)
    return shipment


def note_failure(
    uow: TenantUnitOfWork, fo_id: uuid.UUID, error: CarrierError, *, permanent: bool
) -> bool:
    """Note a carrier error on the attempt; a permanent one puts a packed fulfillment order
    and its order in EXCEPTION. False when there is no such fulfillment order."""
    reason = f"{error.carrier}: {error.message}" if error.carrier else error.message
    locked = lock_for_dispatch(uow, fo_id)  # before the attempt
    if locked is None:
        return False
    fo, _ = locked
    attempt = ensure_attempt(uow, fo)
    attempt.last_error = reason[:ERROR_MAX]
    if permanent and fo.status is FulfillmentStatus.PACKED:
        code = getattr(error, "code", None) or "CARRIER_ERROR"
        attempt.status = DispatchStatus.FAILED
        attempt.exception_reason = reason[:ERROR_MAX]
        attempt.exception_code = code[:64]
        _exception(uow, fo, reason[:ERROR_MAX], code)
        _audit_exception(uow, fo_id, code)
    return True


def give_up_on(uow: TenantUnitOfWork, fo_id: uuid.UUID, tries: int) -> bool:
    """Dispatch kept failing without a carrier's answer: put a still-packed order in EXCEPTION.

    Otherwise it would stay PACKED with nothing left to dispatch it. The pinned quote and
    its key stay: a label may have been bought, so an operator's retry must reuse them.
    False when the fulfillment order is gone or no longer packed.
    """
    reason = f"Dispatch failed {tries} times without a carrier's answer; retry it."
    locked = lock_for_dispatch(uow, fo_id)  # before the attempt
    if locked is None or locked[0].status is not FulfillmentStatus.PACKED:
        return False
    fo, _ = locked
    attempt = ensure_attempt(uow, fo)
    attempt.exception_reason = attempt.last_error = reason
    attempt.exception_code = GAVE_UP
    _exception(uow, fo, reason, GAVE_UP)
    _audit_exception(uow, fo_id, GAVE_UP)
    return True


def _exception(uow: TenantUnitOfWork, fo: FulfillmentOrder, reason: str, code: str) -> None:
    if fo.supplier_id is not None:
        labels.label_failed(uow, fo.id, reason, code)
    else:
        mark_exception(uow, fo.id, reason, code)


def _audit_exception(uow: TenantUnitOfWork, fo_id: uuid.UUID, code: str) -> None:
    change = Change("markDispatchException", {"code": code}, "FulfillmentOrder", fo_id)
    audit(uow.session, uow.scope.provider_id, Actor.system(DISPATCH_TASK), change)


def _locked_attempt(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> DispatchAttempt:
    return uow.scalars(
        uow.select(DispatchAttempt)
        .where(DispatchAttempt.fulfillment_order_id == fo_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _shipment_of(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> Shipment | None:
    return uow.scalar(uow.select(Shipment).where(Shipment.fulfillment_order_id == fo_id))
