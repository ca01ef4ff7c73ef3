"""A connection that works again sends what its shop refused meanwhile, once: new credentials
(updateChannelConnection), or a check that succeeds after the shop refused the connection,
send again every shipment report the shop has not had (those the redelivery sweep gave up
on too) and push all of its stock, through the outbox and the usual actors; never a report
the shop had, or one it refused for good. End to end against the fake shops."""

from __future__ import annotations

import contextlib
import uuid

import dramatiq
import pytest
from sqlalchemy import delete, select

from domain.channels.adapter import ChannelError
from domain.channels.models import ChannelStockPush
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentOrder
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent, ProcessedEvent
from persistence.base import utcnow
from services.channel_imports import poll_connection
from services.channel_syncs import shipments_to_send_again
from tenants.unit_of_work import TenantUnitOfWork
from tests.channel_factories import ChannelWorld, channel_world, shopify_world
from tests.factories import global_id, make_tenant
from tests.services.test_channel_shopify import registered, ship
from tests.sql_statements import every_statement, verbs
from tests.workers.stub_queues import drain
from tests.workers.test_channel_refusals import REPORTS, WINDOW, shopify, world
from tests.workers.test_channels import processed, shipped_event
from workers import channels as actors
from workers import redelivery
from workers.relay import publish_pending
from workers.routing import Route

__all__ = ["channel_world", "shopify", "shopify_world", "world"]

SYNCS = Route("sync_channel", frozenset({Topic.CHANNEL_SYNC_REQUESTED.value}), actors.QUEUE)
UPDATE = """mutation($input: UpdateChannelConnectionInput!) {
  updateChannelConnection(input: $input) {
    channelConnection { id lastError } userErrors { field code message } } }"""
CHECK = """mutation($id: ID!) { checkChannelConnection(input: {id: $id}) {
  reachable message userErrors { code } } }"""


def broker() -> dramatiq.Broker:
    """The stub broker the actors send to, emptied."""
    stub = dramatiq.get_broker()
    drain(stub, actors.QUEUE)
    return stub


def publish(world: ChannelWorld, stub: dramatiq.Broker) -> None:
    """The relay: pending shipment and sync events to their channel actors."""
    publish_pending(world.db.session_factory, stub, routes=[REPORTS, SYNCS])


def work(stub: dramatiq.Broker) -> list[str]:
    """Run the channel queue's messages, and those they send, until none is left (refusals
    and retries are Dramatiq's business); the actors run, in order."""
    ran = []
    while messages := drain(stub, actors.QUEUE):
        for message in messages:
            ran.append(message.actor_name)
            with contextlib.suppress(dramatiq.Retry, ChannelError):
                getattr(actors, message.actor_name)(*message.args)
    return ran


def sweep(world: ChannelWorld, stub: dramatiq.Broker, rounds: int) -> None:
    """`rounds` sweeps, each a window after the last, running what each re-sends."""
    original = redelivery.clock
    try:
        for round_ in range(1, rounds + 1):
            later = utcnow() + WINDOW * 2 * round_
            redelivery.clock = lambda later=later: later
            redelivery.sweep_provider(str(world.tenant.provider_id), stub, [REPORTS])
            work(stub)
    finally:
        redelivery.clock = original


def event(world: ChannelWorld, event_id: str) -> OutboxEvent:
    [found] = [e for e in world.events(Topic.FULFILLMENT_SHIPPED.value) if str(e.id) == event_id]
    return found


def save_credentials(world: ChannelWorld, connection_id: uuid.UUID, **credentials: str):
    answer = world.gql(
        UPDATE,
        {"input": {"id": global_id("ChannelConnection", connection_id), **credentials}},
        key=world.tenant.key,
    )["data"]["updateChannelConnection"]
    assert answer["userErrors"] == []
    return answer


def refused_report(
    world: ChannelWorld, *, secret: str = "cs_rotated", given_up: bool = False
) -> tuple[uuid.UUID, str, dramatiq.Broker]:
    """A shipped order whose report the shop refused (its key changed to `secret` in the
    shop); with `given_up`, the sweep tried its 6 times too and gave up. The connection's
    id, the shipment event's id and the broker."""
    connection_id, event_id = shipped_event(world)
    world.shop.consumer_secret = secret
    stub = broker()
    publish(world, stub)
    work(stub)
    if given_up:
        sweep(world, stub, rounds=7)
    return connection_id, event_id, stub


def shop_stock(world: ChannelWorld) -> dict[str, int]:
    return {p["sku"]: p["stock_quantity"] for p in world.shop.products.values()}


def test_a_report_the_sweep_gave_up_on_reaches_the_shop_once_new_credentials_are_saved(world):
    # given a shipped order, and the merchant's API key revoked in the shop meanwhile;
    # when the report is refused (401), and the sweep tries its 6 times and gives up
    connection_id, event_id, stub = refused_report(world, given_up=True)
    given_up = event(world, event_id)
    assert given_up.settled_at is not None
    assert given_up.redeliveries == 6
    assert not processed(world, event_id, "report_channel_shipment")
    assert "401" in (world.connection(connection_id).last_error or "")
    [shop_order_id] = world.shop.orders
    assert world.shop.orders[shop_order_id]["status"] != "completed"
    calls = len(world.shop.calls)
    # when the merchant saves the new key
    answer = save_credentials(world, connection_id, apiSecret="cs_rotated")
    # then the request itself called no shop, and the error stays shown until work succeeds
    assert len(world.shop.calls) == calls
    assert "401" in answer["channelConnection"]["lastError"]
    # when the relay and the workers run
    publish(world, stub)
    ran = work(stub)
    # then the shop has the tracking once, all stock is pushed, and the error is gone
    assert {"report_channel_shipment", "push_channel_stock"} <= set(ran)
    assert world.shop.orders[shop_order_id]["status"] == "completed"
    assert len(world.shop.notes[shop_order_id]) == 1
    assert shop_stock(world) == {"SKU-1": 9, "SKU-2": 0}
    assert processed(world, event_id, "report_channel_shipment")
    connection = world.connection(connection_id)
    assert (connection.shipments_reported, connection.last_error) == (1, None)
    # and saving the credentials again, or the sweep passing, sends no report again
    save_credentials(world, connection_id, apiSecret="cs_rotated")
    publish(world, stub)
    work(stub)
    sweep(world, stub, rounds=2)
    assert len(world.shop.notes[shop_order_id]) == 1
    assert world.shop.count("PUT", "/orders/") == 1 + 1 + 6  # refused 7 times, then once


def test_a_report_the_shop_had_is_not_sent_again_when_its_mark_was_lost(world):
    # given a report the shop took, whose processed mark was lost (a crash before it)
    connection_id, event_id = shipped_event(world)
    stub = broker()
    publish(world, stub)
    work(stub)
    [shop_order_id] = world.shop.orders
    assert len(world.shop.notes[shop_order_id]) == 1
    with world.uow() as uow:
        uow.session.execute(
            delete(ProcessedEvent).where(ProcessedEvent.event_id == uuid.UUID(event_id))
        )
        uow.commit()
    puts = world.shop.count("PUT", "/orders/")
    # when the credentials are saved again and the workers run
    save_credentials(world, connection_id, apiKey="ck_fake", apiSecret="cs_fake")
    publish(world, stub)
    ran = work(stub)
    # then the shop is not told twice: the order's row says it was reported
    assert "report_channel_shipment" not in ran
    assert world.shop.count("PUT", "/orders/") == puts
    assert len(world.shop.notes[shop_order_id]) == 1
    assert world.connection(connection_id).shipments_reported == 1


def test_a_report_refused_for_good_is_not_sent_again_by_new_credentials(world):
    # given a report the shop refused for good (the order deleted in the shop: 404)
    connection_id, event_id = shipped_event(world)
    world.shop.orders.clear()
    stub = broker()
    publish(world, stub)
    work(stub)
    assert processed(world, event_id, "report_channel_shipment")
    puts = world.shop.count("PUT", "/orders/")
    # when new credentials are saved and the workers run
    save_credentials(world, connection_id, apiSecret="cs_fake")
    publish(world, stub)
    ran = work(stub)
    # then no report is sent (the stock is still pushed)
    assert "report_channel_shipment" not in ran
    assert world.shop.count("PUT", "/orders/") == puts
    assert shop_stock(world)["SKU-1"] == 9


def test_a_report_sent_again_and_lost_by_the_broker_is_sent_by_the_sweep(world):
    # given a report refused for the credentials, given up on by the sweep
    connection_id, event_id, stub = refused_report(world, given_up=True)
    # when new credentials are saved, but the broker loses the report the sync sent
    save_credentials(world, connection_id, apiSecret="cs_rotated")
    publish(world, stub)
    [sync] = drain(stub, actors.QUEUE)
    actors.sync_channel(*sync.args)
    lost = [m for m in drain(stub, actors.QUEUE) if m.actor_name == "report_channel_shipment"]
    assert [m.args[1] for m in lost] == [[event_id]]
    # then the event is the sweep's again: a window later it is sent, and reaches the shop
    assert event(world, event_id).settled_at is None
    sweep(world, stub, rounds=1)
    [shop_order_id] = world.shop.orders
    assert world.shop.orders[shop_order_id]["status"] == "completed"
    assert len(world.shop.notes[shop_order_id]) == 1
    assert processed(world, event_id, "report_channel_shipment")


def test_saving_credentials_while_the_broker_is_down_loses_nothing(world, monkeypatch):
    # given a report refused for the credentials
    connection_id, event_id, stub = refused_report(world)
    # when the credentials are saved while the broker refuses every message
    save_credentials(world, connection_id, apiSecret="cs_rotated")

    def refuse(*_args, **_kwargs):
        raise ConnectionError("broker down")

    with monkeypatch.context() as down:
        down.setattr(stub, "enqueue", refuse)
        with pytest.raises(ConnectionError):
            publish(world, stub)
    # then the request is kept in the outbox, and sent once the broker is back
    publish(world, stub)
    work(stub)
    [shop_order_id] = world.shop.orders
    assert len(world.shop.notes[shop_order_id]) == 1
    assert processed(world, event_id, "report_channel_shipment")


def test_changing_only_a_switch_sends_nothing_again(world):
    # given a report refused for the credentials
    connection_id, _, _ = refused_report(world)
    syncs = len(world.events(Topic.CHANNEL_SYNC_REQUESTED.value))
    # when the connection is renamed and a switch flipped, credentials untouched
    save_credentials(world, connection_id, name="woo-shop", importOrders=False)
    # then no sync is asked for
    assert len(world.events(Topic.CHANNEL_SYNC_REQUESTED.value)) == syncs


def test_a_check_after_a_missing_scope_is_granted_sends_the_kept_report_once(shopify):
    # given a shipped Shopify request whose report is denied for a missing scope
    connection_id = registered(shopify)
    shopify.shop.place_order([("SKU-1", 1)])
    stub = broker()
    publish(shopify, stub)
    work(stub)  # the first check's sync: the request imported, stock pushed
    [order] = shopify.orders()
    ship(shopify, order.id, "1ZCHECK")
    [shipped] = shopify.events(Topic.FULFILLMENT_SHIPPED.value)
    shopify.shop.deny("fulfillmentCreate")
    publish(shopify, stub)
    work(stub)
    sweep(shopify, stub, rounds=7)
    assert shopify.shop.fulfillments == []
    assert not processed(shopify, str(shipped.id), "report_channel_shipment")
    # when the merchant grants the scope and checks the connection
    shopify.shop.allow("fulfillmentCreate")
    gid = global_id("ChannelConnection", connection_id)
    answer = shopify.gql(CHECK, {"id": gid}, key=shopify.tenant.key)
    assert answer["data"]["checkChannelConnection"]["reachable"] is True
    publish(shopify, stub)
    work(stub)
    # then Shopify has the fulfillment once
    assert [f["trackingInfo"] for f in shopify.shop.fulfillments] == [
        [{"company": "UPS", "number": "1ZCHECK"}]
    ]
    assert processed(shopify, str(shipped.id), "report_channel_shipment")
    # and a check of a connection working all along starts nothing again
    syncs = len(shopify.events(Topic.CHANNEL_SYNC_REQUESTED.value))
    shopify.gql(CHECK, {"id": gid}, key=shopify.tenant.key)
    assert len(shopify.events(Topic.CHANNEL_SYNC_REQUESTED.value)) == syncs


def test_new_credentials_push_stock_a_refusal_left_dirty_and_all_the_rest(shopify):
    # given a registered shop whose stock pushes are refused (the token revoked)
    connection_id = registered(shopify)
    stub = broker()
    shopify.shop.access_token = "shpat_new"
    publish(shopify, stub)
    work(stub)
    with shopify.uow() as uow:
        dirty = uow.session.scalars(
            select(ChannelStockPush).where(ChannelStockPush.dirty_since.is_not(None))
        ).all()
    assert len(dirty) == 2
    assert shopify.shop.stock_of("SKU-1") is None
    # when the new token is saved and the workers run
    save_credentials(shopify, connection_id, apiKey="shpat_new")
    publish(shopify, stub)
    work(stub)
    # then the shop shows the warehouse's stock
    assert shopify.shop.stock_of("SKU-1") == 10
    assert shopify.connection(connection_id).last_error is None


def test_another_provider_finds_and_rearms_nothing_of_the_connection(world):
    # given a report refused for the credentials, given up on by the sweep
    connection_id, event_id, _ = refused_report(world, given_up=True)
    other = make_tenant(world.db, "Elsewhere")
    # when another provider asks for the connection's missing reports by its id
    with TenantUnitOfWork.operator(world.db.session_factory, other.provider_id) as uow:
        found = shipments_to_send_again(uow, connection_id, "report_channel_shipment")
        uow.commit()
    # then it finds none, and the event stays as the sweep left it
    assert found == []
    assert event(world, event_id).settled_at is not None
    # while its own provider finds exactly that one
    with world.uow() as uow:
        found = shipments_to_send_again(uow, connection_id, "report_channel_shipment")
        uow.rollback()
    assert found == [uuid.UUID(event_id)]


def test_a_report_that_goes_through_again_sends_the_ones_kept_before_it(world):
    # given a report refused for the credentials (the key disabled in the shop), given up on
    connection_id, event_id, stub = refused_report(world, secret="cs_disabled", given_up=True)
    assert not processed(world, event_id, "report_channel_shipment")
    # when the merchant enables the key again in the shop (nothing changes in Crossdock),
    # and the next order ships
    world.shop.consumer_secret = "cs_fake"
    world.shop.place_order([("SKU-1", 1)])
    poll_connection(world.uow, connection_id)
    newest = world.orders()[-1]
    with world.uow() as uow:
        fo_id = uow.session.scalars(
            select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == newest.id)
        ).one()
        start_picking(uow, fo_id)
        mark_packed(uow, fo_id)
        mark_shipped(uow, fo_id, "UPS", "1ZNEXT")
        uow.commit()
    publish(world, stub)
    work(stub)
    publish(world, stub)  # the sync its success asked for
    work(stub)
    # then its report going through sends the one kept before it: each order once
    assert [o["status"] for o in world.shop.orders.values()] == ["completed", "completed"]
    assert sorted(len(notes) for notes in world.shop.notes.values()) == [1, 1]
    assert processed(world, event_id, "report_channel_shipment")
    assert world.connection(connection_id).shipments_reported == 2
    # and the next report, nothing kept any more, asks for nothing again
    syncs = len(world.events(Topic.CHANNEL_SYNC_REQUESTED.value))
    sweep(world, stub, rounds=1)
    assert len(world.events(Topic.CHANNEL_SYNC_REQUESTED.value)) == syncs


def ship_order(world: ChannelWorld, order_id: uuid.UUID, tracking: str) -> None:
    """Pick, pack and ship an order's one fulfillment order."""
    with world.uow() as uow:
        fo_id = uow.session.scalars(
            select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == order_id)
        ).one()
        start_picking(uow, fo_id)
        mark_packed(uow, fo_id)
        mark_shipped(uow, fo_id, "UPS", tracking)
        uow.commit()


def sync_statements(world: ChannelWorld, stub: dramatiq.Broker, connection_id) -> list[str]:
    """Save the credentials, then run the sync it asks for; its statements (the reports it
    sends are left queued)."""
    save_credentials(world, connection_id, apiSecret="cs_fake")
    publish(world, stub)
    [sync] = [m for m in drain(stub, actors.QUEUE) if m.actor_name == "sync_channel"]
    with every_statement(world.db.engine) as statements:
        actors.sync_channel(*sync.args)
    return statements


def test_sending_four_missing_reports_again_costs_what_one_does(world):
    # given four orders of the shop, one shipped and its report refused (the key disabled)
    connection_id, _ = shipped_event(world)
    for _ in range(3):
        world.shop.place_order([("SKU-1", 1)])
    poll_connection(world.uow, connection_id)
    world.shop.consumer_secret = "cs_disabled"
    stub = broker()
    publish(world, stub)
    work(stub)
    # when the sync of saved credentials finds it
    one = sync_statements(world, stub, connection_id)
    # and, the three others shipped and refused, the next sync finds all four
    for n, order in enumerate(world.orders()[1:]):
        ship_order(world, order.id, f"1ZMORE{n}")
    publish(world, stub)
    work(stub)
    four = sync_statements(world, stub, connection_id)
    # then both read and hand back their reports in as many statements
    assert len(four) == len(one), "\n".join(verbs(four))
    reports = [m for m in drain(stub, actors.QUEUE) if m.actor_name == "report_channel_shipment"]
    assert [len(m.args[1]) for m in reports] == [4]
