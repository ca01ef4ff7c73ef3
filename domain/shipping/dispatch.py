"""Dispatch's rules, one transaction each: pin a quote, record a shipment, note a failure,
or ship with a local carrier (rate, label and record at once).

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

from sqlalchemy.dialects import postgresql, sqlite

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
from persistence.base import new_id, utcnow
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
    # the attempt is all this transaction locks, so it may lock it alone
    attempt = _locked_attempt(uow, plan.fulfillment_order_id)
    if attempt.status is DispatchStatus.QUOTED and attempt.quote:
        return Quote.from_json(attempt.quote)
    quote = new_quote(plan, choice, attempt.generation)
    attempt.status = DispatchStatus.QUOTED
    attempt.quote = quote.to_json()
    attempt.idempotency_key = quote.idempotency_key
    attempt.carrier_account_id = quote.account_id
    attempt.explanation = choice.explain()
    attempt.last_error = None
    uow.flush()
    return quote


def new_quote(plan: Plan, choice: RateChoice, generation: int) -> Quote:
    """The exact request the chosen rate is bought with, keyed by the attempt's generation."""
    assert plan.parcel is not None
    assert plan.ship_from is not None
    assert plan.ship_to is not None
    return Quote(
        account_id=plan.account_of(choice.chosen.carrier),
        rate=choice.chosen,
        parcel=plan.parcel,
        ship_from=plan.ship_from,
        ship_to=plan.ship_to,
        label_format=plan.label_format,
        idempotency_key=idempotency_key(plan.fulfillment_order_id, generation),
    )


def ship_locally(uow: TenantUnitOfWork, plan: Plan) -> Shipment | None:
    """Rate-shop, buy and record in the caller's one transaction: for a plan whose carriers
    are all local (`Plan.local`) and nothing pinned yet.

    Nothing is pinned first, because nothing leaves the process before the commit: a crash
    rolls back the label with everything else, and the next run makes it again. The rows
    are locked only after the rating and the label are made (see `record_shipment`); the
    attempt is written last, SHIPPED with its quote. None when it cannot be recorded.
    """
    choice = choose(plan)
    quote = new_quote(plan, choice, plan.generation)
    label = plan.carriers[quote.account_id].buy_label(
        quote.rate,
        quote.parcel,
        quote.ship_from,
        quote.ship_to,
        quote.idempotency_key,
        quote.label_format,
    )
    return record_shipment(
        uow, plan.fulfillment_order_id, quote, label, supplier=plan.supplier, choice=choice
    )


def record_shipment(
    uow: TenantUnitOfWork,
    fo_id: uuid.UUID,
    quote: Quote,
    label: Label,
    *,
    supplier: bool | None = None,
    choice: RateChoice | None = None,
) -> Shipment | None:
    """Write the shipment and ship the fulfillment order; None if it is recorded already.

    Also None when the fulfillment order can no longer ship (cancelled or held since
    packing): the label stays pinned, and a release dispatches it again with the same key.
    `supplier` says whose stock ships when the caller knows (else it is read). With the
    `choice` (`ship_locally`), the attempt is written SHIPPED with the quote in one insert;
    otherwise the pinned attempt is marked SHIPPED. Every row is staged for one flush.
    """
    if supplier is None:
        supplier = labels.is_supplier_work(uow, fo_id)
    ship = labels.ship_by_label if supplier else mark_shipped
    try:
        fo, _ = ship(uow, fo_id, label.carrier, label.tracking_number)
    except UserFacingError as error:
        log.info("bought label for %s not recorded: %s", fo_id, error.message)
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
    change = Change(
        "shipFulfillmentOrder",
        {"fulfillmentOrderId": str(fo.id), "carrier": label.carrier, "service": label.service},
        "Shipment",
        shipment.id,
    )
    audit(uow.session, uow.scope.provider_id, Actor.system(DISPATCH_TASK), change)  # flushes
    # last: after levels, order, fulfillment order
    if choice is None:
        _attempt_shipped(uow, fo_id)
    else:
        _attempt_shipped_with(uow, fo, quote, choice)
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


def _attempt_shipped(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> None:
    uow.execute(
        uow.update(DispatchAttempt)
        .where(DispatchAttempt.fulfillment_order_id == fo_id)
        .values(status=DispatchStatus.SHIPPED, last_error=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _attempt_shipped_with(
    uow: TenantUnitOfWork, fo: FulfillmentOrder, quote: Quote, choice: RateChoice
) -> None:
    # The attempt in one statement: made SHIPPED with its quote, or an existing one (an
    # operator's retry left it PENDING, with its generation) brought there, counted.
    dialect = postgresql if uow.session.get_bind().dialect.name == "postgresql" else sqlite
    shipped = {
        "status": DispatchStatus.SHIPPED,
        "idempotency_key": quote.idempotency_key,
        "carrier_account_id": quote.account_id,
        "quote": quote.to_json(),
        "explanation": choice.explain(),
        "last_error": None,
        "updated_at": utcnow(),
    }
    stmt = dialect.insert(DispatchAttempt).values(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=fo.client_id,
        order_id=fo.order_id,
        fulfillment_order_id=fo.id,
        generation=0,
        attempts=1,
        **shipped,
    )
    uow.execute(
        stmt.on_conflict_do_update(
            index_elements=["provider_id", "fulfillment_order_id"],
            set_={**shipped, "attempts": DispatchAttempt.attempts + 1},
        )
    )


def _locked_attempt(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> DispatchAttempt:
    return uow.scalars(
        uow.select(DispatchAttempt)
        .where(DispatchAttempt.fulfillment_order_id == fo_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
