"""An order held for unmapped channel SKUs names them as data (`OrderHold.unmappedSkus`):
at import, narrowed by each mapping, in a refused release's payload, empty for other
reasons and once released; no other tenant or client reads them."""

from __future__ import annotations

from typing import Any

from domain.outbox.events import Topic
from tests.channel_factories import ChannelWorld, channel_world, row_id
from tests.factories import global_id, make_tenant

__all__ = ["channel_world"]

HOLDS = """query($id: ID!) { node(id: $id) { ... on Order { status
  holds { id reason note unmappedSkus releasedAt } } } }"""
RELEASE = """mutation($id: ID!) { releaseOrderHold(input: {id: $id}) {
  hold { unmappedSkus releasedAt } order { status } unmappedSkus
  userErrors { field code message } } }"""
MAP = """mutation($input: SetChannelSkuMappingInput!) { setChannelSkuMapping(input: $input) {
  userErrors { code } } }"""
PLACE = """mutation($id: ID!) { placeOrderHold(input: {id: $id, reason: FRAUD_RISK,
  note: "Unmapped channel SKUs: X"}) { hold { id reason unmappedSkus } userErrors { code } } }"""
HOLD_NODE = """query($id: ID!) { node(id: $id) { ... on OrderHold { unmappedSkus } } }"""


def held_order(world: ChannelWorld) -> tuple[str, str]:
    """An imported order with one mapped and two unmapped lines: its id and its hold's."""
    made = world.connect()
    assert made["userErrors"] == []
    path, secret = made["channelConnection"]["webhookPath"], made["webhookSecret"]
    placed = world.shop.place_order([("SKU-1", 1), ("SHOP-LANTERN", 3), ("SHOP-TENT", 1)])
    world.post_webhook(path, *world.shop.webhook(placed, secret))
    [order] = world.orders()
    [hold] = world.holds(order.id)
    return global_id("Order", order.id), global_id("OrderHold", hold.id)


def holds_of(world: ChannelWorld, order_id: str, key: str | None = None) -> dict[str, Any]:
    answer = world.gql(HOLDS, {"id": order_id}, key=key or world.tenant.key)
    return answer["data"]["node"]


def map_sku(world: ChannelWorld, channel_sku: str, product: str) -> None:
    connection_id = world.gql(
        "{ channelConnections { edges { node { id } } } }", key=world.tenant.key
    )["data"]["channelConnections"]["edges"][0]["node"]["id"]
    mapping = {
        "connectionId": connection_id,
        "channelSku": channel_sku,
        "productId": global_id("Product", world.products[product]),
    }
    answer = world.gql(MAP, {"input": mapping}, key=world.tenant.key)
    assert answer["data"]["setChannelSkuMapping"]["userErrors"] == []


def test_a_held_import_names_its_unmapped_skus_and_a_mapping_narrows_them(channel_world):
    world = channel_world
    # given an order whose shop SKUs SHOP-LANTERN and SHOP-TENT map to no product
    order_id, _ = held_order(world)
    # then its hold lists them as data, and the note still says so for people
    order = holds_of(world, order_id)
    [hold] = order["holds"]
    assert order["status"] == "ON_HOLD"
    assert (hold["reason"], hold["unmappedSkus"]) == ("UNMAPPED_SKU", ["SHOP-LANTERN", "SHOP-TENT"])
    assert hold["note"] == "Unmapped channel SKUs: SHOP-LANTERN, SHOP-TENT"
    # when one of them is mapped
    map_sku(world, "SHOP-LANTERN", "SKU-2")
    # then the order still waits, and its hold names only the other
    order = holds_of(world, order_id)
    assert order["status"] == "ON_HOLD"
    assert order["holds"][0]["unmappedSkus"] == ["SHOP-TENT"]
    assert order["holds"][0]["releasedAt"] is None
    # when the last is mapped, the order is released and its hold names none
    map_sku(world, "SHOP-TENT", "SKU-1")
    order = holds_of(world, order_id)
    assert order["status"] == "ALLOCATED"
    assert order["holds"][0]["unmappedSkus"] == []
    assert order["holds"][0]["releasedAt"] is not None


def test_a_refused_release_names_the_skus_still_missing_and_changes_nothing(channel_world):
    world = channel_world
    # given a held import, one of its two unknown SKUs mapped since
    order_id, hold_id = held_order(world)
    map_sku(world, "SHOP-TENT", "SKU-1")
    # when the client releases it by hand
    client_key = world.tenant.clients["A"].key
    answer = world.gql(RELEASE, {"id": hold_id}, key=client_key)["data"]["releaseOrderHold"]
    # then it is refused with UNMAPPED_SKU, the missing SKU given as data
    assert [e["code"] for e in answer["userErrors"]] == ["UNMAPPED_SKU"]
    assert answer["unmappedSkus"] == ["SHOP-LANTERN"]
    assert (answer["hold"], answer["order"]) == (None, None)
    # and nothing changed
    order = holds_of(world, order_id)
    assert order["status"] == "ON_HOLD"
    assert order["holds"][0]["unmappedSkus"] == ["SHOP-LANTERN"]
    assert order["holds"][0]["releasedAt"] is None
    # when mapped and released again, the release answers with no SKU missing
    map_sku(world, "SHOP-LANTERN", "SKU-2")
    again = world.gql(RELEASE, {"id": hold_id}, key=client_key)["data"]["releaseOrderHold"]
    assert (again["userErrors"], again["unmappedSkus"]) == ([], [])
    assert again["hold"]["unmappedSkus"] == []


def test_a_hold_for_another_reason_lists_no_skus_whatever_its_note(channel_world):
    world = channel_world
    # given an order of the shop imported whole
    made = world.connect()
    path, secret = made["channelConnection"]["webhookPath"], made["webhookSecret"]
    world.post_webhook(path, *world.shop.webhook(world.shop.place_order([("SKU-1", 1)]), secret))
    [order] = world.orders()
    # when the provider holds it by hand with a note that looks like an import's
    answer = world.gql(PLACE, {"id": global_id("Order", order.id)}, key=world.tenant.key)
    # then the hold names no SKU, nor does the order.held event
    hold = answer["data"]["placeOrderHold"]["hold"]
    assert (hold["reason"], hold["unmappedSkus"]) == ("FRAUD_RISK", [])
    [held] = world.events(Topic.ORDER_HELD.value)
    assert held.payload["holds"] == [
        {"hold_id": str(row_id(hold["id"])), "reason": "FRAUD_RISK", "unmapped_skus": []}
    ]


def test_no_other_tenant_or_client_reads_a_holds_unmapped_skus(channel_world):
    world = channel_world
    # given client A's held import
    order_id, hold_id = held_order(world)
    other = make_tenant(world.db, name="Southwind")
    # when another provider, and client B of the same provider, ask for the hold and order
    for key in (other.key, world.tenant.clients["B"].key):
        hold = world.gql(HOLD_NODE, {"id": hold_id}, key=key)
        order = world.gql(HOLDS, {"id": order_id}, key=key)
        # then each answers as for an id that does not exist
        assert hold["data"]["node"] is None, hold
        assert order["data"]["node"] is None, order
        refused = world.gql(RELEASE, {"id": hold_id}, key=key)["data"]["releaseOrderHold"]
        assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
        assert refused["unmappedSkus"] == []
    # and the owner still reads them
    own = world.gql(HOLD_NODE, {"id": hold_id}, key=world.tenant.clients["A"].key)
    assert own["data"]["node"] == {"unmappedSkus": ["SHOP-LANTERN", "SHOP-TENT"]}


def test_the_order_held_event_names_the_holds_with_their_unmapped_skus(channel_world):
    world = channel_world
    # given a held import
    order_id, hold_id = held_order(world)
    # then its order.held event names the hold, its reason and its SKUs
    [held] = world.events(Topic.ORDER_HELD.value)
    assert held.payload["order_id"] == str(row_id(order_id))
    assert held.payload["holds"] == [
        {
            "hold_id": str(row_id(hold_id)),
            "reason": "UNMAPPED_SKU",
            "unmapped_skus": ["SHOP-LANTERN", "SHOP-TENT"],
        }
    ]
