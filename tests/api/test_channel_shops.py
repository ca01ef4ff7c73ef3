"""One live connection per shop in a provider, whichever client: a second connection of
the same kind to the same shop (in any spelling of its address) is refused, by the domain
with ALREADY_CONNECTED naming nothing of the other, and by a unique index beneath it."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from domain.channels.models import ChannelConnection, ChannelKind
from persistence.base import new_id, utcnow
from tests.channel_factories import channel_world, row_id
from tests.factories import global_id
from tests.factories_orders import make_order_world

__all__ = ["channel_world"]

UPDATE = """mutation($input: UpdateChannelConnectionInput!) { updateChannelConnection(input: $input) {
  channelConnection { shopUrl } userErrors { field code message } } }"""


def test_the_same_shop_is_refused_for_any_client_in_any_spelling(channel_world):
    # given A's connection to the shop
    world = channel_world
    first = world.connect()
    assert first["userErrors"] == []
    url = world.shop_url
    shouting = url.replace("http://", "HTTP://") + "/"
    # when B (by the provider's key and by its own) and A again connect it under other names
    attempts = {
        "B by the provider": world.connect(client="B", name="b-shop", shopUrl=url),
        "B by its key": world.connect(
            key=world.tenant.clients["B"].key, name="b-shop", shopUrl=shouting
        ),
        "A again": world.connect(name="second", shopUrl=url + "/"),
    }
    # then each is refused on shopUrl, naming neither A nor its connection
    for who, answer in attempts.items():
        assert answer["channelConnection"] is None, who
        [error] = answer["userErrors"]
        assert (error["field"], error["code"]) == (["shopUrl"], "ALREADY_CONNECTED"), who
        for told in ("Client A", '"A"', "woo", str(row_id(first["channelConnection"]["id"]))):
            assert told not in error["message"], (who, told)
    listed = world.gql("{ channelConnections { edges { node { id } } } }", key=world.tenant.key)
    assert len(listed["data"]["channelConnections"]["edges"]) == 1


def test_addresses_are_kept_with_scheme_and_host_in_lower_case(channel_world):
    world = channel_world
    made = world.connect(shopUrl=world.shop_url.replace("http://", "HTTP://") + "/")
    assert made["channelConnection"]["shopUrl"] == world.shop_url


def test_moving_a_connection_to_a_connected_shop_is_refused(channel_world):
    # given A's shop, and B's connection to another shop
    world = channel_world
    world.connect()
    b = world.connect(client="B", name="b-shop")["channelConnection"]
    # when B's connection is pointed at A's shop, then at its own address again
    moved = world.gql(
        UPDATE, {"input": {"id": b["id"], "shopUrl": world.shop_url}}, key=world.tenant.key
    )["data"]["updateChannelConnection"]
    kept = world.gql(
        UPDATE, {"input": {"id": b["id"], "shopUrl": b["shopUrl"] + "/"}}, key=world.tenant.key
    )["data"]["updateChannelConnection"]
    # then
    assert moved["channelConnection"] is None
    assert [e["code"] for e in moved["userErrors"]] == ["ALREADY_CONNECTED"]
    assert kept == {"channelConnection": {"shopUrl": b["shopUrl"]}, "userErrors": []}


def test_another_kind_or_another_provider_may_connect_the_same_address(channel_world):
    world = channel_world
    world.connect()
    shopify = world.connect(kind="SHOPIFY", name="shopify", shopUrl=world.shop_url)
    assert shopify["userErrors"] == []
    other = make_order_world(world.db, "Elsewhere")
    elsewhere = world.gql(
        """mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input)
        { userErrors { code } } }""",
        {"input": {
            "kind": "WOOCOMMERCE", "name": "woo", "shopUrl": world.shop_url,
            "clientId": other.tenant.clients["A"].global_id,
            "warehouseId": global_id("Warehouse", other.warehouses["WH-A"]),
            "apiKey": "ck", "apiSecret": "cs",
        }},
        key=other.tenant.key,
    )  # fmt: skip
    assert elsewhere["data"]["createChannelConnection"]["userErrors"] == []


def test_the_index_refuses_a_second_live_connection_and_not_a_disconnected_one(channel_world):
    # given A's live connection to the shop
    world = channel_world
    first = world.connection(row_id(world.connect()["channelConnection"]["id"]))

    def another(name: str, disconnected: bool) -> None:
        with world.uow() as uow:
            uow.add(
                ChannelConnection(
                    provider_id=world.tenant.provider_id,
                    id=new_id(),
                    client_id=world.tenant.clients["B"].id,
                    kind=ChannelKind.WOOCOMMERCE,
                    name=name,
                    shop_url=first.shop_url,
                    warehouse_id=first.warehouse_id,
                    settings={},
                    credentials="{}",
                    disconnected_at=utcnow() if disconnected else None,
                )
            )
            uow.commit()

    # when rows bypassing the domain are written: then only the disconnected one is taken
    another("old", disconnected=True)
    with pytest.raises(IntegrityError):
        another("twin", disconnected=False)
