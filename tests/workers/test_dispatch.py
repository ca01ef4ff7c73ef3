"""The dispatch actor: one label and one shipment per fulfillment order, whatever happens."""

from __future__ import annotations

import uuid
from decimal import Decimal

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.broker import MessageProxy
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Retries

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from domain.orders.models import FulfillmentStatus, OrderStatus
from domain.orders.ship_to import update_ship_to
from domain.outbox.events import Topic
from domain.shipping.models import CarrierKind, DispatchAttempt
from domain.shipping.settings import SettingsChanges, set_shipping_settings
from domain.shipping.triggers import retry_dispatch
from services import dispatch as dispatch_module
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories_orders import run
from tests.fakes.aggregator_server import fake_aggregator_server
from tests.shipping_factories import (
    BAD_ZIP,
    US_CUSTOMER,
    detached,
    fake_aggregator,
    fault,
    make_shipping_world,
)
from tests.workers.stub_queues import drain
from workers import dispatch as actors
from workers import runtime
from workers.routing import routes_for

__all__ = ["fake_aggregator", "fake_aggregator_server"]


@pytest.fixture
def world(database, monkeypatch):
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    return make_shipping_world(database)


def packed_event(world) -> str:
    return str(world.events(Topic.FULFILLMENT_PACKED)[-1].id)


def attempt_of(world, fo_id) -> DispatchAttempt:
    with TenantUnitOfWork(world.db.session_factory, world.tenant.scope) as uow:
        rows = uow.session.query(DispatchAttempt).filter_by(fulfillment_order_id=fo_id)
        return detached(uow, rows)[0]


def test_the_actors_are_routed_their_topics():
    assert "dispatch_fulfillment" in routes_for(Topic.FULFILLMENT_PACKED.value)
    assert "dispatch_fulfillment" in routes_for(Topic.ORDER_RELEASED.value)
    assert "pack_for_automatic_dispatch" in routes_for(Topic.ORDER_ALLOCATED.value)


def test_a_packed_order_ships_with_the_rate_table_carrier(world):
    # given
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    fo_id = world.packed()
    # when
    actors.dispatch_fulfillment(world.provider, packed_event(world))
    # then
    status, order_status, tracking = world.state(fo_id)
    assert (status, order_status) == (FulfillmentStatus.SHIPPED, OrderStatus.SHIPPED)
    [shipment] = world.shipments()
    assert tracking == shipment.tracking_number
    assert tracking.startswith("CD")
    assert shipment.label_content.startswith(b"^XA")
    [created] = world.events(Topic.SHIPMENT_CREATED)
    assert Decimal(created.payload["cost"]) == shipment.cost
    assert set(created.payload) >= {"shipment_id", "order_id", "fulfillment_order_id",
                                    "client_id", "carrier", "service", "currency"}  # fmt: skip


def test_the_same_message_twice_buys_once_and_ships_once(world, fake_aggregator):
    # given
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    world.packed()
    event = packed_event(world)
    # when: at-least-once delivery hands the actor the event twice
    actors.dispatch_fulfillment(world.provider, event)
    actors.dispatch_fulfillment(world.provider, event)
    # then
    assert len(world.shipments()) == 1
    assert fake_aggregator.fake.purchases == 1
    assert len(world.events(Topic.SHIPMENT_CREATED)) == 1


def test_a_crash_after_the_purchase_rebuys_with_the_same_key_and_records_once(
    world, fake_aggregator, monkeypatch
):
    # given: the first run buys, then dies before recording
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    fo_id = world.packed()
    event = packed_event(world)

    def crash(*args, **kwargs):
        raise SystemExit("killed")

    with monkeypatch.context() as patch:
        patch.setattr(dispatch_module, "record_shipment", crash)
        with pytest.raises(SystemExit):
            actors.dispatch_fulfillment(world.provider, event)
    assert fake_aggregator.fake.purchases == 1
    assert world.shipments() == []
    # when: the message comes again
    actors.dispatch_fulfillment(world.provider, event)
    # then
    assert fake_aggregator.fake.purchases == 1
    assert fake_aggregator.fake.replays == 1
    assert len(world.shipments()) == 1
    assert world.state(fo_id)[0] is FulfillmentStatus.SHIPPED


def _crash_before_pin(patch):
    def crash(plan):
        raise SystemExit("killed")

    patch.setattr(dispatch_module, "choose", crash)


def _crash_after_pin(patch):
    real_pin = dispatch_module.pin

    def pin_then_crash(*args, **kwargs):
        real_pin(*args, **kwargs)
        raise SystemExit("killed")

    patch.setattr(dispatch_module, "pin", pin_then_crash)


@pytest.mark.parametrize("crash", [_crash_before_pin, _crash_after_pin])
def test_a_crash_before_the_purchase_buys_once_when_the_message_comes_again(
    world, fake_aggregator, monkeypatch, crash
):
    # given: the first run dies after planning, or after pinning the quote
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    fo_id = world.packed()
    event = packed_event(world)
    with monkeypatch.context() as patch:
        crash(patch)
        with pytest.raises(SystemExit):
            actors.dispatch_fulfillment(world.provider, event)
    assert fake_aggregator.fake.purchases == 0
    # when
    actors.dispatch_fulfillment(world.provider, event)
    actors.dispatch_fulfillment(world.provider, event)
    # then
    assert fake_aggregator.fake.purchases == 1
    assert len(world.shipments()) == 1
    assert world.state(fo_id)[0] is FulfillmentStatus.SHIPPED


def test_retries_running_out_show_the_order_in_exception_and_a_retry_buys_no_second_label(
    world, fake_aggregator, monkeypatch
):
    # given: the last try buys the label, then fails on something other than the carrier
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    fo_id = world.packed()
    event = packed_event(world)
    broker = actors.dispatch_fulfillment.broker
    message = actors.dispatch_fulfillment.message(world.provider, event)
    message.options["retries"] = actors.MAX_RETRIES
    with monkeypatch.context() as patch:
        patch.setattr(dispatch_module, "record_shipment", _raise(RuntimeError("database gone")))
        with pytest.raises(RuntimeError) as failure:
            actors.dispatch_fulfillment(world.provider, event)
    assert fake_aggregator.fake.purchases == 1
    # when: Dramatiq's retry middleware gives the message up and the gave-up actor runs
    broker.declare_queue("dispatch")
    drain(broker, "dispatch")
    Retries().after_process_message(broker, MessageProxy(message), exception=failure.value)
    [gave_up] = [m for m in drain(broker, "dispatch") if m.actor_name == "dispatch_gave_up"]
    actors.dispatch_gave_up(*gave_up.args)
    # then: the order waits for an operator, not packed with nobody to dispatch it
    assert world.state(fo_id)[:2] == (FulfillmentStatus.EXCEPTION, OrderStatus.EXCEPTION)
    assert attempt_of(world, fo_id).exception_code == "DISPATCH_FAILED"
    # when: the operator retries
    run(world.db, world.tenant.scope, retry_dispatch, fo_id)
    actors.dispatch_fulfillment(world.provider, packed_event(world))
    # then: the label already bought is the one recorded
    assert fake_aggregator.fake.purchases == 1
    assert len(world.shipments()) == 1
    assert world.state(fo_id)[0] is FulfillmentStatus.SHIPPED


def _raise(error: Exception):
    def fail(*args, **kwargs):
        raise error

    return fail


def test_a_refused_address_puts_the_order_in_exception_until_fixed_and_retried(
    world, fake_aggregator
):
    # given
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    fo_id = world.packed(ship_to=BAD_ZIP)
    # when
    actors.dispatch_fulfillment(world.provider, packed_event(world))
    # then
    assert world.state(fo_id)[:2] == (FulfillmentStatus.EXCEPTION, OrderStatus.EXCEPTION)
    attempt = attempt_of(world, fo_id)
    assert "ZIP" in attempt.exception_reason
    assert attempt.exception_code
    [exception] = world.events(Topic.ORDER_EXCEPTION)
    assert exception.payload["reason"] == attempt.exception_reason
    # when: the address is fixed and the operator retries
    order_id = exception.payload["order_id"]
    run(world.db, world.tenant.scope, update_ship_to, uuid.UUID(order_id), US_CUSTOMER)
    run(world.db, world.tenant.scope, retry_dispatch, fo_id)
    actors.dispatch_fulfillment(world.provider, packed_event(world))
    # then
    assert world.state(fo_id)[:2] == (FulfillmentStatus.SHIPPED, OrderStatus.SHIPPED)
    assert fake_aggregator.fake.purchases == 1


@pytest.mark.parametrize(
    ("spec", "expected_delay"),
    [({"status": 503}, None), ({"status": 429, "retry_after": "3"}, 3000)],
)
def test_a_transient_error_is_retried_then_ships(world, fake_aggregator, spec, expected_delay):
    # given
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    fo_id = world.packed()
    fault(fake_aggregator, count=1, path="/v2/shipments/", **spec)
    event = packed_event(world)
    # when
    with pytest.raises(dramatiq.Retry) as retry:
        actors.dispatch_fulfillment(world.provider, event)
    assert world.state(fo_id)[0] is FulfillmentStatus.PACKED
    assert attempt_of(world, fo_id).last_error
    actors.dispatch_fulfillment(world.provider, event)
    # then
    if expected_delay is not None:
        assert retry.value.delay == expected_delay
    assert world.state(fo_id)[0] is FulfillmentStatus.SHIPPED
    assert fake_aggregator.fake.purchases == 1


def test_a_transient_error_on_the_last_try_becomes_an_exception(
    world, fake_aggregator, monkeypatch
):
    # given
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    fo_id = world.packed()
    fault(fake_aggregator, count=1, status=502)
    monkeypatch.setattr(actors, "retries_so_far", lambda: actors.MAX_RETRIES)
    # when
    actors.dispatch_fulfillment(world.provider, packed_event(world))
    # then
    assert world.state(fo_id)[0] is FulfillmentStatus.EXCEPTION
    assert "502" in attempt_of(world, fo_id).exception_reason


def test_a_client_without_carrier_accounts_ships_by_hand(world):
    fo_id = world.packed()
    actors.dispatch_fulfillment(world.provider, packed_event(world))
    assert world.state(fo_id)[0] is FulfillmentStatus.PACKED
    assert world.shipments() == []


def test_automatic_dispatch_packs_an_allocated_order(world):
    # given
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    client = world.tenant.clients["A"].id
    run(world.db, world.tenant.scope, set_shipping_settings, client,
        SettingsChanges(automatic_dispatch=True))  # fmt: skip
    fo_id = world.order()
    [allocated] = world.events(Topic.ORDER_ALLOCATED)
    # when: the allocation event, then the packed event it leads to (each twice)
    actors.pack_for_automatic_dispatch(world.provider, str(allocated.id))
    actors.pack_for_automatic_dispatch(world.provider, str(allocated.id))
    actors.dispatch_fulfillment(world.provider, packed_event(world))
    # then
    assert len(world.events(Topic.FULFILLMENT_PACKED)) == 1
    assert world.state(fo_id)[0] is FulfillmentStatus.SHIPPED
