"""Dispatch a packed fulfillment order: rate-shop, pin the quote, buy the label, record it once.

Crash-safety: three short transactions around the carrier calls, none held open while a
carrier answers. (1) plan: read, count the attempt. (2) pin: the chosen rate, the exact
request and the idempotency key are committed before anything is bought. (3) record: the
shipment is written with `mark_shipped`, guarded by UNIQUE(fulfillment order). A worker
killed between the purchase and (3) runs again from the pinned quote with the same key,
so the carrier answers with the label it already sold, and (3) happens once.

Carriers that answer without a remote call (the rate table) need no pin: nothing leaves
the process before the commit, so planning, rating, the label and the record are one
transaction (`ship_locally`), which rolls back whole on a crash. It is also the one that
read the event, and it marks the event processed: a label in one transaction.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from enum import StrEnum

from domain.outbox.consumption import first_time
from domain.shipping.accounts import close_carrier
from domain.shipping.carriers.base import (
    CarrierError,
    PermanentCarrierError,
    TransientCarrierError,
)
from domain.shipping.dispatch import (
    choose,
    give_up_on,
    note_failure,
    pin_quote,
    record_shipment,
    ship_locally,
)
from domain.shipping.planning import Plan, count_attempt, read_plan
from domain.shipping.quotes import Quote
from domain.shipping.rating import RateChoice
from domain.shipping.triggers import dispatch_targets, fulfillment_orders_to_dispatch
from tenants.unit_of_work import TenantUnitOfWork, UnitFactory

log = logging.getLogger("crossdock.shipping.dispatch")

Finish = Callable[[TenantUnitOfWork], None]
"""Work done in the transaction that ends a dispatch (marking the event processed)."""


class Outcome(StrEnum):
    """How one run of dispatch ended."""

    SHIPPED = "shipped"
    NOTHING_TO_DO = "nothing_to_do"
    EXCEPTION = "exception"


def dispatch_event(
    new_unit: UnitFactory,
    event_id: uuid.UUID,
    *,
    last_try: bool = False,
    consumer: str | None = None,
) -> dict[uuid.UUID, Outcome]:
    """Ship each fulfillment order an event names; redelivery ships nothing twice.

    A transient carrier error propagates (for a retry) unless this is the `last_try`.
    With a `consumer`, the event is marked processed by it in the transaction that ends
    the work: the last fulfillment order's (recorded, failed or found done), or the
    reading one when the event names none.
    """

    def finish(uow: TenantUnitOfWork) -> None:
        if consumer is not None:
            first_time(uow, event_id, consumer)

    reading = new_unit()
    with reading:
        targets = dispatch_targets(reading, event_id)
        if not targets and consumer is not None:
            finish(reading)
            reading.commit()
        outcomes = {}
        for n, fo_id in enumerate(targets, start=1):
            last = n == len(targets)
            outcomes[fo_id] = dispatch(
                new_unit,
                fo_id,
                last_try=last_try,
                finish=finish if last else None,
                unit=reading if n == 1 else None,  # the first goes on in the reading one
            )
            log.info("dispatch of %s: %s", fo_id, outcomes[fo_id].value)
    return outcomes


def give_up_event(
    new_unit: UnitFactory, event_id: uuid.UUID, tries: int
) -> dict[uuid.UUID, Outcome]:
    """The last retry of an event's dispatch failed: show its still-packed orders in EXCEPTION."""
    with new_unit() as uow:
        targets = fulfillment_orders_to_dispatch(uow, event_id)
    return {fo_id: give_up(new_unit, fo_id, tries) for fo_id in targets}


def dispatch(
    new_unit: UnitFactory,
    fo_id: uuid.UUID,
    *,
    last_try: bool = False,
    finish: Finish | None = None,
    unit: TenantUnitOfWork | None = None,
) -> Outcome:
    """Ship one packed fulfillment order. Transient carrier errors propagate for a retry,
    except on the `last_try`, when they put the order in EXCEPTION like permanent ones.
    `finish` runs in the transaction that ends the work (not when it will be retried).
    The first transaction runs in `unit` when given (open, not yet committed), and closes it.
    """
    try:
        with unit if unit is not None else new_unit() as uow:
            plan = read_plan(uow, fo_id)
            if plan is not None and plan.local and plan.quote is None:
                return _ship_locally(uow, plan, finish)
            if plan is not None:
                plan = count_attempt(uow, plan)
            elif finish is not None:
                finish(uow)
            uow.commit()
    except PermanentCarrierError as error:
        return fail(new_unit, fo_id, error, permanent=True, finish=finish)
    except TransientCarrierError as error:  # a local carrier's, while shipping locally
        fail(new_unit, fo_id, error, permanent=last_try, finish=finish if last_try else None)
        if last_try:
            return Outcome.EXCEPTION
        raise
    if plan is None:
        return Outcome.NOTHING_TO_DO
    try:
        quote = plan.quote or pin(new_unit, plan, choose(plan))
        carrier = plan.carriers[quote.account_id]
        label = carrier.buy_label(
            quote.rate,
            quote.parcel,
            quote.ship_from,
            quote.ship_to,
            quote.idempotency_key,
            quote.label_format,
        )
    except PermanentCarrierError as error:
        return fail(new_unit, fo_id, error, permanent=True, finish=finish)
    except TransientCarrierError as error:
        fail(new_unit, fo_id, error, permanent=last_try, finish=finish if last_try else None)
        if last_try:
            return Outcome.EXCEPTION
        raise
    finally:
        for carrier in plan.carriers.values():
            close_carrier(carrier)
    with new_unit() as uow:
        recorded = record_shipment(uow, fo_id, quote, label, supplier=plan.supplier)
        if finish is not None:
            finish(uow)
        uow.commit()
    return Outcome.SHIPPED if recorded else Outcome.NOTHING_TO_DO


def _ship_locally(uow: TenantUnitOfWork, plan: Plan, finish: Finish | None) -> Outcome:
    # Carrier errors propagate to `dispatch`, which notes them in a transaction of their own.
    try:
        recorded = ship_locally(uow, plan)
    finally:
        for carrier in plan.carriers.values():
            close_carrier(carrier)
    if finish is not None:
        finish(uow)
    uow.commit()
    return Outcome.SHIPPED if recorded else Outcome.NOTHING_TO_DO


def pin(new_unit: UnitFactory, plan: Plan, choice: RateChoice) -> Quote:
    """Commit the chosen rate and its key; if another worker pinned one first, use theirs."""
    with new_unit() as uow:
        quote = pin_quote(uow, plan, choice)
        uow.commit()
        return quote


def fail(
    new_unit: UnitFactory,
    fo_id: uuid.UUID,
    error: CarrierError,
    *,
    permanent: bool,
    finish: Finish | None = None,
) -> Outcome:
    """Note the error; a permanent one puts the fulfillment order and order in EXCEPTION."""
    with new_unit() as uow:
        noted = note_failure(uow, fo_id, error, permanent=permanent)
        if finish is not None:
            finish(uow)
        uow.commit()
    if not noted:
        return Outcome.NOTHING_TO_DO
    return Outcome.EXCEPTION if permanent else Outcome.NOTHING_TO_DO


def give_up(new_unit: UnitFactory, fo_id: uuid.UUID, tries: int) -> Outcome:
    """Dispatch kept failing without a carrier's answer: show a still-packed order in EXCEPTION."""
    with new_unit() as uow:
        gave_up = give_up_on(uow, fo_id, tries)
        uow.commit()
    return Outcome.EXCEPTION if gave_up else Outcome.NOTHING_TO_DO
