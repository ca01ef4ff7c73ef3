"""The sales-channel actors: a shop that fails for a while is retried with its own delay, one
that refuses is recorded and not retried, and every failure reaches the provider's endpoint
as a webhook that names no credential."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import select

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from domain.channels.adapter import PermanentChannelError
from domain.channels.models import ChannelStockPush
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentOrder
from domain.outbox.consumption import first_time
from domain.outbox.events import Topic
from services.channel_imports import poll_connection
from tests.channel_factories import ChannelWorld, channel_world, row_id
from tests.factories_webhooks import make_endpoint, make_event
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.sql_statements import every_statement, verbs
from workers import channels as actors
from workers import runtime
from workers import webhooks as webhook_actors

__all__ = ["channel_world"]

SECRET = "cs_fake"
"""The fake shop's consumer secret: the connection's apiSecret."""


@pytest.fixture
def world(channel_world, monkeypatch) -> ChannelWorld:
    """The channel world with the actors running against its database."""
    monkeypatch.setattr(runtime, "_session_factory", channel_world.db.session_factory)
    return channel_world


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def shipped_event(world: ChannelWorld) -> tuple[uuid.UUID, str]:
    """A connection, an order imported from the shop and shipped: the connection and the
    `fulfillment_order.shipped` event's id."""
    made = world.connect()
    assert made["userErrors"] == []
    connection_id = row_id(made["channelConnection"]["id"])
    world.shop.place_order([("SKU-1", 1)])
    poll_connection(world.uow, connection_id)
    [order] = world.orders()
    with world.uow() as uow:
        fo_id = uow.session.scalars(
            select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == order.id)
        ).one()
        start_picking(uow, fo_id)
        mark_packed(uow, fo_id)
        mark_shipped(uow, fo_id, "UPS", "1ZRETRY")
        uow.commit()
    [event] = world.events(Topic.FULFILLMENT_SHIPPED.value)
    return connection_id, str(event.id)


def processed(world: ChannelWorld, event_id: str, consumer: str) -> bool:
    """Whether `consumer` has marked the event (marking it again answers False)."""
    with world.uow() as uow:
        fresh = first_time(uow, uuid.UUID(event_id), consumer)
        uow.rollback()
    return not fresh


def test_every_channel_actor_sets_its_retries_backoff_and_time_limit():
    for actor in (
        actors.poll_channel,
        actors.sync_channel,
        actors.report_channel_shipment,
        actors.note_channel_stock,
        actors.push_channel_stock,
    ):
        options = actor.options
        assert options["max_retries"] == 8, actor
        assert (options["min_backoff"], options["max_backoff"]) == (2_000, 300_000), actor
        assert options["time_limit"] == 120_000, actor
        assert PermanentChannelError in options["throws"], actor
        assert actor.queue_name == "channels", actor


def test_a_throttled_shipment_report_is_retried_after_the_shops_delay(world):
    # given a shipped order, and a shop that answers the next update 429, Retry-After 7
    connection_id, event_id = shipped_event(world)
    provider = str(world.tenant.provider_id)
    world.shop.add_fault(remaining=1, status=429, retry_after="7", path="/orders/")
    # when the actor runs
    with pytest.raises(dramatiq.Retry) as retry:
        actors.report_channel_shipment(provider, event_id)
    # then it asks Dramatiq to try again in 7 s; the failure is shown, the event not done
    assert retry.value.delay == 7_000
    assert "429" in (world.connection(connection_id).last_error or "")
    assert not processed(world, event_id, "report_channel_shipment")
    # when the retry runs
    actors.report_channel_shipment(provider, event_id)
    # then the shop has the tracking once, and the event is done
    [shop_order] = world.shop.orders.values()
    assert shop_order["status"] == "completed"
    assert world.connection(connection_id).shipments_reported == 1
    assert processed(world, event_id, "report_channel_shipment")


def test_a_refused_shipment_report_is_recorded_and_done(world):
    # given a shipped order whose shop order was deleted (WooCommerce answers 404)
    connection_id, event_id = shipped_event(world)
    world.shop.orders.clear()
    # when the actor runs, it is not retried: the event is done
    actors.report_channel_shipment(str(world.tenant.provider_id), event_id)
    assert processed(world, event_id, "report_channel_shipment")
    # then the error is the connection's last, and the provider is told it will not work
    assert "report shipment" in (world.connection(connection_id).last_error or "")
    assert "404" in (world.connection(connection_id).last_error or "")
    [failed] = world.events(Topic.CHANNEL_SYNC_FAILED.value)
    assert (failed.payload["work"], failed.payload["transient"]) == ("report shipment", False)


def test_a_stock_push_to_a_shop_that_is_down_is_retried(world):
    # given a connection with a dirty product, and a shop that is down
    made = world.connect()
    connection_id = row_id(made["channelConnection"]["id"])
    provider = str(world.tenant.provider_id)
    world.gql(
        """mutation($id: ID!) { resyncChannel(input: {id: $id, fullStockPush: true}) {
        userErrors { code } } }""",
        {"id": made["channelConnection"]["id"]},
        key=world.tenant.key,
    )
    world.shop.down()
    # when the push runs
    with pytest.raises(dramatiq.Retry) as retry:
        actors.push_channel_stock(provider, str(connection_id))
    # then Dramatiq backs off by its own schedule (no Retry-After) and nothing is lost
    assert retry.value.delay is None
    assert "stock push" in (world.connection(connection_id).last_error or "")
    world.shop.up()
    actors.push_channel_stock(provider, str(connection_id))
    assert world.shop.count("POST", "/products/batch") == 1
    assert world.connection(connection_id).stock_pushes == 1


def test_sync_and_import_failures_reach_the_providers_endpoint_without_credentials(
    world, receiver, monkeypatch
):
    # given the provider's endpoint for channel failures, and a connection
    _, receiver.secret = make_endpoint(
        world.db,
        world.tenant,
        receiver.url,
        topics=(Topic.CHANNEL_SYNC_FAILED, Topic.CHANNEL_IMPORT_FAILED),
    )
    made = world.connect()
    connection_id = row_id(made["channelConnection"]["id"])
    path, secret = made["channelConnection"]["webhookPath"], made["webhookSecret"]
    # when a poll finds the shop down, and the shop sends an order with no address
    world.shop.down()
    with pytest.raises(dramatiq.Retry):
        actors.poll_channel(str(world.tenant.provider_id), str(connection_id))
    world.shop.up()
    bad = world.shop.place_order([("SKU-1", 1)], shipping={})
    world.post_webhook(path, *world.shop.webhook(bad, secret))
    # and the webhook actor handles the events
    monkeypatch.setattr(webhook_actors, "schedule", lambda *args, **kwargs: None)
    events = [
        *world.events(Topic.CHANNEL_SYNC_FAILED.value),
        *world.events(Topic.CHANNEL_IMPORT_FAILED.value),
    ]
    for event in events:
        webhook_actors.deliver_event_webhooks(str(world.tenant.provider_id), str(event.id))
    # then the endpoint heard both, with what failed, and never a credential
    heard = {message.body["topic"]: message.body for message in receiver.received}
    assert set(heard) == {"channel.sync_failed", "channel.import_failed"}
    assert heard["channel.sync_failed"]["data"]["work"] == "poll"
    assert "503" in heard["channel.sync_failed"]["data"]["message"]
    imported = heard["channel.import_failed"]["data"]
    assert imported["channel_order_id"] == str(bad["id"])
    assert imported["connection_id"] == str(connection_id)
    text = json.dumps([m.body for m in receiver.received])
    for credential in (world.shop.consumer_key, SECRET, secret):
        assert credential not in text


def test_an_unreadable_request_listed_at_every_poll_is_told_once(world):
    # given an order with a line the shop cannot state, polled three times
    made = world.connect()
    connection_id = row_id(made["channelConnection"]["id"])
    bad = world.shop.place_order([("SKU-1", 1)])
    world.shop.orders[bad["id"]]["line_items"][0]["quantity"] = "lots"
    for _ in range(3):
        world.gql(
            """mutation($id: ID!) { resyncChannel(input: {id: $id,
            ordersSince: "2020-01-01T00:00:00Z"}) { userErrors { code } } }""",
            {"id": made["channelConnection"]["id"]},
            key=world.tenant.key,
        )
        poll_connection(world.uow, connection_id)
    # then one failed import, told to the provider once
    [row] = world.channel_orders()
    assert "Unreadable" in (row.error or "")
    assert len(world.events(Topic.CHANNEL_IMPORT_FAILED.value)) == 1


def test_a_batch_of_stock_changes_wakes_each_shop_once_however_often_it_comes(world, monkeypatch):
    # given a connection, and five receipts at its warehouse (SKU-1 three times, SKU-2 twice)
    connection_id = row_id(world.connect()["channelConnection"]["id"])
    client_id = world.tenant.clients["A"].id
    before = len(world.events(Topic.STOCK_CHANGED.value))
    with world.uow() as uow:
        for sku in ("SKU-1", "SKU-2", "SKU-1", "SKU-2", "SKU-1"):
            level = ledger.ensure_level(
                uow, client_id, world.products[sku], world.warehouses["WH-A"]
            )
            ledger.post(uow, level, MovementKind.RECEIPT, on_hand=5)
        uow.commit()
    events = [str(e.id) for e in world.events(Topic.STOCK_CHANGED.value)[before:]]
    assert len(events) == 5
    woken: list[tuple] = []
    monkeypatch.setattr(
        actors.push_channel_stock,
        "send_with_options",
        lambda args, delay: woken.append(args),
    )
    provider = str(world.tenant.provider_id)
    # when the batch comes, again (at-least-once), and one event alone
    actors.note_channel_stock(provider, events)
    actors.note_channel_stock(provider, events)
    actors.note_channel_stock(provider, events[0])
    # then one push is woken, every event is marked, both products are dirty once
    assert woken == [(provider, str(connection_id))]
    assert all(processed(world, e, "note_channel_stock") for e in events)
    with world.uow() as uow:
        rows = uow.session.execute(
            select(ChannelStockPush.product_id, ChannelStockPush.dirty_since).where(
                ChannelStockPush.connection_id == connection_id
            )
        ).all()
    assert sorted(product for product, _ in rows) == sorted(
        [world.products["SKU-1"], world.products["SKU-2"]]
    )
    assert all(dirty is not None for _, dirty in rows)


def test_a_batch_with_an_unreadable_stock_change_still_wakes_the_shops_of_the_others(
    world, monkeypatch
):
    # given a connection, a receipt at its warehouse, and a stock event naming no product
    connection_id = row_id(world.connect()["channelConnection"]["id"])
    client_id = world.tenant.clients["A"].id
    before = len(world.events(Topic.STOCK_CHANGED.value))
    with world.uow() as uow:
        level = ledger.ensure_level(
            uow, client_id, world.products["SKU-1"], world.warehouses["WH-A"]
        )
        ledger.post(uow, level, MovementKind.RECEIPT, on_hand=5)
        uow.commit()
    [good] = [str(e.id) for e in world.events(Topic.STOCK_CHANGED.value)[before:]]
    unreadable = str(
        make_event(world.db, world.tenant, Topic.STOCK_CHANGED, payload={"client_id": "?"})
    )
    woken: list[tuple] = []
    monkeypatch.setattr(
        actors.push_channel_stock, "send_with_options", lambda args, delay: woken.append(args)
    )
    provider = str(world.tenant.provider_id)
    # when the batch's transaction fails on the unreadable event
    with pytest.raises(ValueError):
        actors.note_channel_stock(provider, [unreadable, good])
    # then the good change is noted and its shop's push woken; the bad one is left for a retry
    assert woken == [(provider, str(connection_id))]
    assert processed(world, good, "note_channel_stock")
    assert not processed(world, unreadable, "note_channel_stock")


def test_a_batch_of_stock_changes_no_shop_shows_costs_what_one_does(world):
    # given eleven stock changes at one warehouse and no connection
    client_id = world.tenant.clients["A"].id
    before = len(world.events(Topic.STOCK_CHANGED.value))
    with world.uow() as uow:
        for _ in range(11):
            level = ledger.ensure_level(
                uow, client_id, world.products["SKU-1"], world.warehouses["WH-A"]
            )
            ledger.post(uow, level, MovementKind.RECEIPT, on_hand=1)
        uow.commit()
    events = [str(e.id) for e in world.events(Topic.STOCK_CHANGED.value)[before:]]
    assert len(events) == 11
    provider = str(world.tenant.provider_id)
    # when
    with every_statement(world.db.engine) as one:
        actors.note_channel_stock(provider, events[:1])
    with every_statement(world.db.engine) as ten:
        actors.note_channel_stock(provider, events[1:])
    # then: the events, their marks, the connections of the one warehouse
    assert len(ten) == len(one), "\n".join(verbs(ten))
    assert all(processed(world, e, "note_channel_stock") for e in events)


def shipped_elsewhere(world: ChannelWorld, count: int) -> list[str]:
    """`count` `fulfillment_order.shipped` events of orders no shop sent; their ids."""
    return [
        str(
            make_event(
                world.db,
                world.tenant,
                Topic.FULFILLMENT_SHIPPED,
                payload={"order_id": str(uuid.uuid4()), "fulfillment_order_id": str(uuid.uuid4())},
            )
        )
        for _ in range(count)
    ]


def test_a_batch_of_shipments_no_shop_sent_costs_what_one_does(world):
    # given eleven shipments of orders entered by hand or by API
    events = shipped_elsewhere(world, 11)
    provider = str(world.tenant.provider_id)
    # when
    with every_statement(world.db.engine) as one:
        actors.report_channel_shipment(provider, events[:1])
    with every_statement(world.db.engine) as ten:
        actors.report_channel_shipment(provider, events[1:])
    # then: the events, the channel orders among theirs, the marks (and the tenant setting)
    most = 4 if world.db.backend == "postgresql" else 3
    assert len(one) <= most, "\n".join(verbs(one))
    assert len(ten) == len(one), "\n".join(verbs(ten))
    assert all(processed(world, e, "report_channel_shipment") for e in events)


def test_a_batch_of_shipments_tells_the_shop_once_however_often_it_comes(world):
    # given a shipment of a shop's order between two of orders no shop sent
    connection_id, from_shop = shipped_event(world)
    first, last = shipped_elsewhere(world, 2)
    batch = [first, from_shop, last]
    provider = str(world.tenant.provider_id)
    # when the batch comes twice (at-least-once), then the shop's event alone
    actors.report_channel_shipment(provider, batch)
    with every_statement(world.db.engine) as again:
        actors.report_channel_shipment(provider, batch)
    actors.report_channel_shipment(provider, from_shop)
    # then the shop heard once, every event is marked, and the redelivery only read
    assert world.shop.count("PUT", "/orders/") == 1
    assert world.connection(connection_id).shipments_reported == 1
    assert all(processed(world, e, "report_channel_shipment") for e in batch)
    assert not [s for s in again if not s.lstrip().upper().startswith(("SELECT", "INSERT"))]
    assert [o["status"] for o in world.shop.orders.values()] == ["completed"]


def test_a_batch_with_an_unreadable_shipment_reports_the_others_and_leaves_it_unmarked(world):
    # given a shop's shipment, one of an order no shop sent, and one without its order
    connection_id, from_shop = shipped_event(world)
    [elsewhere] = shipped_elsewhere(world, 1)
    unreadable = str(
        make_event(world.db, world.tenant, Topic.FULFILLMENT_SHIPPED, payload={"order_id": "?"})
    )
    batch = [elsewhere, unreadable, from_shop]
    provider = str(world.tenant.provider_id)
    # when the batch's transaction fails on the unreadable event
    with pytest.raises(ValueError):
        actors.report_channel_shipment(provider, batch)
    # then the others are done once, and the bad one is left for a retry or the sweep
    assert world.shop.count("PUT", "/orders/") == 1
    assert processed(world, elsewhere, "report_channel_shipment")
    assert processed(world, from_shop, "report_channel_shipment")
    assert not processed(world, unreadable, "report_channel_shipment")
    # when the message comes again
    with pytest.raises(ValueError):
        actors.report_channel_shipment(provider, batch)
    # then nothing is told twice
    assert world.shop.count("PUT", "/orders/") == 1
    assert world.connection(connection_id).shipments_reported == 1
