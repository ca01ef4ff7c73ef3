"""A shop that refuses a shipment report or a stock push for good hears it once: the refusal
is recorded and told once, and neither the redelivery sweep nor the next poll sends it
again; throttling and outages are still retried (the sweep re-sends what was not done), and
so is work refused with the connection itself (credentials), told once, until it is fixed."""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from crossdock.broker import make_broker
from domain.channels.adapter import PermanentChannelError
from domain.channels.models import ChannelStockPush
from domain.outbox.events import Topic
from persistence.base import utcnow
from services.channel_imports import poll_connection
from tests.channel_factories import ChannelWorld, channel_world, row_id, shopify_world
from tests.services.test_channel_shopify import registered, ship
from tests.workers.stub_queues import drain
from tests.workers.test_channels import processed, shipped_event
from workers import channels as actors
from workers import redelivery, runtime
from workers.relay import publish_pending
from workers.routing import Route

__all__ = ["channel_world", "shopify_world"]

REPORTS = Route(
    "report_channel_shipment",
    frozenset({Topic.FULFILLMENT_SHIPPED.value}),
    actors.QUEUE,
    batched=True,
)
WINDOW = timedelta(minutes=10)


@pytest.fixture
def world(channel_world, monkeypatch) -> ChannelWorld:
    """The WooCommerce world with the actors and the sweep on its database."""
    return _on_database(channel_world, monkeypatch)


@pytest.fixture
def shopify(shopify_world, monkeypatch) -> ChannelWorld:
    """The Shopify world with the actors and the sweep on its database."""
    return _on_database(shopify_world, monkeypatch)


def _on_database(world: ChannelWorld, monkeypatch) -> ChannelWorld:
    monkeypatch.setattr(runtime, "_session_factory", world.db.session_factory)
    runtime.configure_redelivery_window(WINDOW)
    return world


def deliver_then_sweep(world: ChannelWorld, event_id: str) -> list[dramatiq.Message]:
    """Publish the shipment, run the report its message asks for (a refusal or a retry is
    the actor's business), then sweep past the window; the messages the sweep re-sent."""
    broker = make_broker(None)
    publish_pending(world.db.session_factory, broker, routes=[REPORTS])
    [message] = drain(broker, actors.QUEUE)
    assert message.args[1] in ([event_id], event_id)
    with contextlib.suppress(dramatiq.Retry, PermanentChannelError):  # Dramatiq's business
        actors.report_channel_shipment(*message.args)
    later = utcnow() + WINDOW * 2
    original = redelivery.clock
    redelivery.clock = lambda: later
    try:
        redelivery.sweep_provider(str(world.tenant.provider_id), broker, [REPORTS])
    finally:
        redelivery.clock = original
    return drain(broker, actors.QUEUE)


@pytest.mark.parametrize(
    "refusal",
    [
        pytest.param(None, id="order-gone-404"),
        pytest.param({"status": 422}, id="already-fulfilled-422"),
        pytest.param({"status": 400}, id="bad-request-400"),
    ],
)
def test_a_shipment_report_refused_for_good_is_told_once_and_never_sent_again(world, refusal):
    # given a shipped order whose shop refuses the report for good
    connection_id, event_id = shipped_event(world)
    if refusal is None:
        world.shop.orders.clear()
    else:
        world.shop.add_fault(remaining=5, path="/orders/", **refusal)
    # when the report runs once, then the redelivery sweep passes its window
    resent = deliver_then_sweep(world, event_id)
    # then the shop was asked once, the event is done, and nothing is sent again
    assert world.shop.count("PUT", "/orders/") == 1
    assert processed(world, event_id, "report_channel_shipment")
    assert resent == []
    # and the refusal is the connection's last error, told once as not transient
    assert "report shipment" in (world.connection(connection_id).last_error or "")
    [failed] = world.events(Topic.CHANNEL_SYNC_FAILED.value)
    assert (failed.payload["work"], failed.payload["transient"]) == ("report shipment", False)
    assert world.connection(connection_id).shipments_reported == 0


def test_a_shipment_report_shopify_refuses_as_not_fulfillable_is_not_sent_again(shopify):
    # given a shipped order whose fulfillment order was closed in Shopify meanwhile
    connection_id = registered(shopify)
    shopify.shop.place_order([("SKU-1", 1)])
    poll_connection(shopify.uow, connection_id)
    [order] = shopify.orders()
    ship(shopify, order.id, "1ZSHOP")
    [event] = shopify.events(Topic.FULFILLMENT_SHIPPED.value)
    event_id = str(event.id)
    for fulfillment_order in shopify.shop.fulfillment_orders.values():
        fulfillment_order["status"] = "CLOSED"
    # when the report runs, then the sweep passes its window
    resent = deliver_then_sweep(shopify, event_id)
    # then Shopify's refusal is recorded once and the report is not sent again
    assert resent == []
    assert processed(shopify, event_id, "report_channel_shipment")
    assert "not fulfillable" in (shopify.connection(connection_id).last_error or "")
    assert len(shopify.events(Topic.CHANNEL_SYNC_FAILED.value)) == 1
    assert shopify.shop.fulfillments == []


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({"status": 429, "retry_after": "1"}, id="throttled-429"),
        pytest.param({"status": 503}, id="down-503"),
    ],
)
def test_a_shipment_report_that_failed_for_a_while_is_sent_again_by_the_sweep(world, fault):
    # given a shipped order, and a shop failing the next update for a while
    connection_id, event_id = shipped_event(world)
    world.shop.add_fault(remaining=1, path="/orders/", **fault)
    # when the report fails once (its retry lost by the broker) and the sweep passes
    resent = deliver_then_sweep(world, event_id)
    # then the event is not done, and the sweep sends it again with its id
    assert not processed(world, event_id, "report_channel_shipment")
    assert [m.args[1] for m in resent] in ([[event_id]], [event_id])
    # when the re-sent message runs, the shop has the tracking once
    actors.report_channel_shipment(*resent[0].args)
    assert processed(world, event_id, "report_channel_shipment")
    assert world.connection(connection_id).shipments_reported == 1
    assert [o["status"] for o in world.shop.orders.values()] == ["completed"]


def dirty_connection(world: ChannelWorld) -> uuid.UUID:
    """A connection whose every product is dirty (a full stock push asked)."""
    made = world.connect()
    world.gql(
        """mutation($id: ID!) { resyncChannel(input: {id: $id, fullStockPush: true}) {
        userErrors { code } } }""",
        {"id": made["channelConnection"]["id"]},
        key=world.tenant.key,
    )
    return row_id(made["channelConnection"]["id"])


def dirty_count(world: ChannelWorld, connection_id: uuid.UUID) -> int:
    with world.uow() as uow:
        rows = uow.session.scalars(
            uow.select(ChannelStockPush).where(
                ChannelStockPush.connection_id == connection_id,
                ChannelStockPush.dirty_since.is_not(None),
            )
        ).all()
        return len(rows)


def test_a_stock_push_refused_for_good_is_told_once_and_not_sent_by_the_next_poll(world):
    # given dirty stock, and a shop that refuses the update (400)
    connection_id = dirty_connection(world)
    provider = str(world.tenant.provider_id)
    world.shop.add_fault(remaining=5, status=400, path="/products/batch")
    # when the push runs, then the periodic poll's push runs too
    actors.push_channel_stock(provider, str(connection_id))
    actors.push_channel_stock(provider, str(connection_id))
    # then the shop was asked once, the products are not dirty, and it was told once
    assert world.shop.count("POST", "/products/batch") == 1
    assert dirty_count(world, connection_id) == 0
    assert "stock push" in (world.connection(connection_id).last_error or "")
    [failed] = world.events(Topic.CHANNEL_SYNC_FAILED.value)
    assert (failed.payload["work"], failed.payload["transient"]) == ("stock push", False)
    assert world.connection(connection_id).stock_pushes == 0


def test_a_stock_push_to_a_throttling_shop_stays_dirty_for_the_retry(world):
    # given dirty stock, and a shop that throttles the update
    connection_id = dirty_connection(world)
    provider = str(world.tenant.provider_id)
    world.shop.add_fault(remaining=1, status=429, retry_after="3", path="/products/batch")
    # when the push runs
    with pytest.raises(dramatiq.Retry):
        actors.push_channel_stock(provider, str(connection_id))
    # then its products stay dirty, and the retry sends them
    assert dirty_count(world, connection_id) == 2
    actors.push_channel_stock(provider, str(connection_id))
    assert dirty_count(world, connection_id) == 0
    assert world.connection(connection_id).stock_pushes == 1


def test_a_report_refused_for_bad_credentials_is_told_once_and_sent_once_they_are_fixed(world):
    # given a shipped order, and a shop refusing the connection's key (401) for a while
    connection_id, event_id = shipped_event(world)
    world.shop.add_fault(remaining=2, status=401, path="/orders/")
    # when the report runs, then the sweep passes its window
    resent = deliver_then_sweep(world, event_id)
    # then the report is still wanted: not done, sent again by the sweep, told once
    assert not processed(world, event_id, "report_channel_shipment")
    assert [m.args[1] for m in resent] in ([[event_id]], [event_id])
    with contextlib.suppress(PermanentChannelError):
        actors.report_channel_shipment(*resent[0].args)
    [failed] = world.events(Topic.CHANNEL_SYNC_FAILED.value)
    assert "401" in failed.payload["message"]
    # when the key works again and the sweep's next message comes
    actors.report_channel_shipment(*resent[0].args)
    # then the shop has the tracking once, and the event is done
    assert processed(world, event_id, "report_channel_shipment")
    assert world.connection(connection_id).shipments_reported == 1
    assert world.connection(connection_id).last_error is None


def test_a_stock_push_refused_for_bad_credentials_stays_dirty_and_is_told_once(world):
    # given dirty stock, and a shop refusing the connection's key (401) twice
    connection_id = dirty_connection(world)
    provider = str(world.tenant.provider_id)
    world.shop.add_fault(remaining=2, status=401, path="/products")
    # when the push and the poll's next push run
    for _ in range(2):
        with pytest.raises(PermanentChannelError):
            actors.push_channel_stock(provider, str(connection_id))
    # then the products stay dirty, and the provider was told once
    assert dirty_count(world, connection_id) == 2
    assert len(world.events(Topic.CHANNEL_SYNC_FAILED.value)) == 1
    # when the key works again, the next push sends them
    actors.push_channel_stock(provider, str(connection_id))
    assert dirty_count(world, connection_id) == 0
    assert world.connection(connection_id).stock_pushes == 1
