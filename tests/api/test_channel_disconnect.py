"""disconnectChannelConnection: nothing flows through a disconnected connection, its orders
and history stay, its address is free again, Shopify's fulfillment service is deleted;
only the provider and the owning client may do it."""

from __future__ import annotations

from sqlalchemy import select

from domain.channels.models import ChannelConnection
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentOrder
from domain.outbox.events import Topic
from services.channel_imports import check_connection, poll_connection
from services.channel_syncs import note_stock_change, push_stock, report_shipment
from tests.channel_factories import ChannelWorld, channel_world, row_id, shopify_world

__all__ = ["channel_world", "shopify_world"]

DISCONNECT = """mutation($id: ID!) { disconnectChannelConnection(input: {id: $id}) {
  channelConnection { id shopUrl disconnectedAt importOrders syncFulfillments syncInventory
                      counts { imported } }
  shopReleased message userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdateChannelConnectionInput!) { updateChannelConnection(input: $input) {
  userErrors { field code } } }"""
CHECK = """mutation($id: ID!) { checkChannelConnection(input: {id: $id}) {
  reachable userErrors { field code } } }"""
RESYNC = """mutation($id: ID!) { resyncChannel(input: {id: $id, fullStockPush: true}) {
  userErrors { field code } } }"""


def disconnect(world: ChannelWorld, connection: str, key: str | None = None) -> dict:
    answer = world.gql(DISCONNECT, {"id": connection}, key=key or world.tenant.key)
    return answer["data"]["disconnectChannelConnection"]


def test_a_disconnected_shop_imports_and_syncs_nothing_and_keeps_its_orders(channel_world):
    # given a WooCommerce connection with an order imported by webhook
    world = channel_world
    made = world.connect(apiSecret="cs_TOPSECRET_VALUE")
    connection = made["channelConnection"]
    connection_id = row_id(connection["id"])
    path, secret = connection["webhookPath"], made["webhookSecret"]
    first = world.shop.place_order([("SKU-1", 1)])
    assert world.post_webhook(path, *world.shop.webhook(first, secret)).status_code == 200
    # when the provider disconnects it
    answer = disconnect(world, connection["id"])
    # then it says so, with every switch off, its counts kept and no secret in the answer
    gone = answer["channelConnection"]
    assert answer["userErrors"] == []
    assert answer["shopReleased"] is True
    assert answer["message"] is None
    assert gone["disconnectedAt"] is not None
    assert (gone["importOrders"], gone["syncFulfillments"], gone["syncInventory"]) == (
        False, False, False,
    )  # fmt: skip
    assert gone["counts"] == {"imported": 1}
    assert "TOPSECRET" not in str(answer)
    assert secret not in str(answer)
    stored = world.connection(connection_id)
    assert "TOPSECRET" not in stored.credentials
    assert stored.webhook_secret is None
    # and nothing flows: webhooks are refused, polls, reports and pushes call no shop
    calls = len(world.shop.calls)
    later = world.shop.place_order([("SKU-1", 1)])
    assert world.post_webhook(path, *world.shop.webhook(later, secret)).status_code == 401
    assert poll_connection(world.uow, connection_id).imported == 0
    [order] = world.orders()
    with world.uow() as uow:
        fo_id = uow.session.scalars(
            select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == order.id)
        ).one()
        start_picking(uow, fo_id)
        mark_packed(uow, fo_id)
        mark_shipped(uow, fo_id, "UPS", "1ZGONE")
        level = ledger.ensure_level(
            uow, world.tenant.clients["A"].id, world.products["SKU-1"], world.warehouses["WH-A"]
        )
        ledger.post(uow, level, MovementKind.RECEIPT, on_hand=5)
        uow.commit()
    [shipped] = world.events(Topic.FULFILLMENT_SHIPPED.value)
    assert report_shipment(world.uow, shipped.id) is False
    woken = [
        c
        for e in world.events(Topic.STOCK_CHANGED.value)
        for c in note_stock_change(world.uow, e.id)
    ]
    assert woken == []
    assert push_stock(world.uow, connection_id) is False
    assert len(world.shop.calls) == calls
    # and its order and channel order stay, and it is still listed
    assert len(world.orders()) == 1
    assert [r.channel_order_id for r in world.channel_orders()] == [str(first["id"])]
    listed = world.gql(
        "{ channelConnections { edges { node { id disconnectedAt } } } }", key=world.tenant.key
    )["data"]["channelConnections"]["edges"]
    assert [e["node"]["id"] for e in listed] == [connection["id"]]


def test_a_disconnected_connection_takes_no_changes_and_frees_its_shop(channel_world):
    # given a disconnected connection
    world = channel_world
    connection = world.connect()["channelConnection"]
    disconnect(world, connection["id"])
    # when it is changed, checked or resynced, disconnected again, and its shop connected anew
    refusals = [
        world.gql(UPDATE, {"input": {"id": connection["id"], "syncInventory": True}},
                  key=world.tenant.key)["data"]["updateChannelConnection"]["userErrors"],
        world.gql(CHECK, {"id": connection["id"]}, key=world.tenant.key)["data"][
            "checkChannelConnection"]["userErrors"],
        world.gql(RESYNC, {"id": connection["id"]}, key=world.tenant.key)["data"][
            "resyncChannel"]["userErrors"],
    ]  # fmt: skip
    again = disconnect(world, connection["id"])
    same_name = world.connect(shopUrl=world.shop_url)
    anew = world.connect(name="woo-2", shopUrl=world.shop_url)
    # then
    assert refusals == [[{"field": ["id"], "code": "ARCHIVED"}]] * 3
    assert again["userErrors"] == []
    assert again["channelConnection"]["disconnectedAt"]
    assert [e["code"] for e in same_name["userErrors"]] == ["DUPLICATE"]  # names prefix references
    assert anew["userErrors"] == []
    assert anew["channelConnection"]["shopUrl"] == world.shop_url
    assert world.connection(row_id(connection["id"])).import_orders is False


def test_only_the_provider_and_the_owning_client_may_disconnect(channel_world):
    world = channel_world
    a = world.connect()["channelConnection"]["id"]
    b = world.connect(client="B", name="b-shop")["channelConnection"]["id"]
    by_b = disconnect(world, a, key=world.tenant.clients["B"].key)
    by_a = disconnect(world, a, key=world.tenant.clients["A"].key)
    by_other_type = disconnect(world, world.tenant.clients["A"].global_id)
    assert by_b == {
        "channelConnection": None, "shopReleased": None, "message": None,
        "userErrors": [{"field": ["id"], "code": "NOT_FOUND", "message": by_b["userErrors"][0]["message"]}],
    }  # fmt: skip
    assert world.connection(row_id(b)).disconnected_at is None
    assert by_a["channelConnection"]["disconnectedAt"] is not None
    assert [e["code"] for e in by_other_type["userErrors"]] == ["INVALID_ID"]


def test_disconnecting_a_shopify_shop_deletes_crossdocks_fulfillment_service(shopify_world):
    # given a registered Shopify connection (its fulfillment service and location)
    world = shopify_world
    connection = world.connect()["channelConnection"]
    check_connection(world.uow, row_id(connection["id"]))
    assert len(world.shop.services) == 1
    # when
    answer = disconnect(world, connection["id"])
    # then the shop no longer has it
    assert (answer["shopReleased"], answer["userErrors"]) == (True, [])
    assert world.shop.services == []
    assert world.shop.count("POST", "/graphql.json") >= 2


def test_a_shop_that_cannot_be_reached_does_not_keep_the_connection(shopify_world):
    world = shopify_world
    connection = world.connect()["channelConnection"]
    check_connection(world.uow, row_id(connection["id"]))
    world.shop.down()
    answer = disconnect(world, connection["id"])
    assert answer["shopReleased"] is False
    assert "503" in (answer["message"] or "")
    assert answer["channelConnection"]["disconnectedAt"] is not None
    with world.uow() as uow:
        row = uow.get(ChannelConnection, row_id(connection["id"]))
        assert row is not None
        assert row.disconnected_at is not None
