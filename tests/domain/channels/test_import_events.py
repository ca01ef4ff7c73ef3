"""An imported order's `order.created` (and its release from hold) names the connection it
came from, so nothing has to guess the shop from the reference's prefix: two shops of one
client whose names prefix each other ("shop", "shop-eu") are told apart."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from domain.channels.adapter import ChannelLine, ChannelOrderData, ChannelOrderState
from domain.channels.imports import ImportOutcome, import_order
from domain.channels.models import ChannelConnection
from domain.channels.release import map_and_release
from domain.orders.creation import create_order
from domain.orders.holds import place_hold, release_hold
from domain.orders.models import HoldReason
from domain.outbox.events import Topic
from tests.channel_factories import channel_world, row_id
from tests.factories_orders import order_command
from tests.shipping_factories import US_CUSTOMER

__all__ = ["channel_world"]

WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _order(channel_order_id: str, sku: str) -> ChannelOrderData:
    return ChannelOrderData(
        channel_order_id=channel_order_id,
        updated_at=WHEN,
        state=ChannelOrderState.OPEN,
        ship_to=US_CUSTOMER,
        lines=(ChannelLine(sku=sku, variant_id=None, quantity=1),),
    )


def _import(world, connection_id: uuid.UUID, data: ChannelOrderData) -> ImportOutcome:
    with world.uow() as uow:
        connection = uow.get(ChannelConnection, connection_id, lock=True)
        outcome = import_order(uow, connection, data).outcome
        uow.commit()
    return outcome


def _created_by_reference(world) -> dict[str, object]:
    return {
        str(event.payload["external_reference"]): event.payload["channel_connection_id"]
        for event in world.events(Topic.ORDER_CREATED.value)
    }


def _released(world) -> list[dict[str, object]]:
    """The payloads of order events telling a release from hold."""
    return [
        event.payload
        for topic in Topic
        for event in world.events(topic.value)
        if event.aggregate_type == "order" and event.payload.get("previous_status") == "ON_HOLD"
    ]


def test_order_created_names_the_connection_of_each_import_and_none_for_others(channel_world):
    # given: client A's shops "shop" and "shop-eu" (every "shop-eu-..." starts with "shop-")
    world = channel_world
    shop = row_id(world.connect(name="shop")["channelConnection"]["id"])
    shop_eu = row_id(world.connect(name="shop-eu")["channelConnection"]["id"])
    # when: each imports an order 1001, shop-eu one it cannot map yet, and the client makes
    # an order by hand whose reference looks like shop-eu's
    assert _import(world, shop, _order("1001", "SKU-1")) is ImportOutcome.IMPORTED
    assert _import(world, shop_eu, _order("1001", "SKU-2")) is ImportOutcome.IMPORTED
    assert _import(world, shop_eu, _order("1002", "EU-77")) is ImportOutcome.HELD
    command = replace(order_command("shop-eu-2002", (("SKU-1", 1),)),
                      client_id=world.tenant.clients["A"].id)  # fmt: skip
    with world.uow() as uow:
        create_order(uow, command)
        uow.commit()
    # then: each order.created says which shop, the hand-made one none (null, not missing)
    assert _created_by_reference(world) == {
        "shop-1001": str(shop),
        "shop-eu-1001": str(shop_eu),
        "shop-eu-1002": str(shop_eu),
        "shop-eu-2002": None,
    }


def test_the_release_of_a_held_import_names_its_connection(channel_world):
    # given: "shop-eu" imported an order held for an unmapped SKU; "shop" has none
    world = channel_world
    row_id(world.connect(name="shop")["channelConnection"]["id"])
    shop_eu = row_id(world.connect(name="shop-eu")["channelConnection"]["id"])
    assert _import(world, shop_eu, _order("1002", "EU-77")) is ImportOutcome.HELD
    # when: the SKU is mapped, which releases the order
    with world.uow() as uow:
        map_and_release(uow, shop_eu, "EU-77", world.products["SKU-1"])
        uow.commit()
    # then: the release (previous status ON_HOLD) names shop-eu, as its order.created did
    released = _released(world)
    assert [(p["external_reference"], p["channel_connection_id"]) for p in released] == [
        ("shop-eu-1002", str(shop_eu))
    ]


def test_an_order_released_from_a_hold_by_hand_names_no_connection(channel_world):
    # given: an order made by hand and held by the client
    world = channel_world
    command = replace(order_command("shop-eu-3003", (("SKU-1", 1),)),
                      client_id=world.tenant.clients["A"].id)  # fmt: skip
    with world.uow() as uow:
        order = create_order(uow, command).order
        hold, _ = place_hold(uow, order.id, HoldReason.CLIENT_REQUEST)
        uow.commit()
    # when
    with world.uow() as uow:
        release_hold(uow, hold.id)
        uow.commit()
    # then
    released = _released(world)
    assert [p["channel_connection_id"] for p in released] == [None]
