"""Shopify's top-level GraphQL errors told apart by `extensions.code`, against the fake shop:
a scope the app lacks (ACCESS_DENIED) or a frozen shop (SHOP_INACTIVE) refuses the
connection, so the work is kept for when it is fixed, as after a 401; Shopify's own failure
and throttling are retried; anything else refuses the call for good."""

from __future__ import annotations

import contextlib

import dramatiq
import pytest

from adapters.channels.shopify import ShopifyChannel
from domain.channels.adapter import (
    ChannelAccessError,
    PermanentChannelError,
    TransientChannelError,
)
from domain.outbox.events import Topic
from services.channel_imports import poll_connection
from tests.channel_factories import ChannelWorld, shopify_world
from tests.services.test_channel_shopify import registered, ship
from tests.workers.test_channel_refusals import deliver_then_sweep, dirty_count, shopify
from tests.workers.test_channels import processed
from workers import channels as actors

__all__ = ["shopify", "shopify_world"]


def shipped(world: ChannelWorld):
    """A registered connection, a request imported and shipped: the connection and the
    `fulfillment_order.shipped` event's id."""
    connection_id = registered(world)
    world.shop.place_order([("SKU-1", 1)])
    poll_connection(world.uow, connection_id)
    [order] = world.orders()
    ship(world, order.id, "1ZSCOPE")
    [event] = world.events(Topic.FULFILLMENT_SHIPPED.value)
    return connection_id, str(event.id)


@pytest.mark.parametrize(
    ("code", "raised"),
    [
        pytest.param("ACCESS_DENIED", ChannelAccessError, id="missing-scope"),
        pytest.param("SHOP_INACTIVE", ChannelAccessError, id="frozen-shop"),
        pytest.param("INTERNAL_SERVER_ERROR", TransientChannelError, id="shopify-failed"),
        pytest.param("MAX_COST_EXCEEDED", PermanentChannelError, id="query-too-costly"),
    ],
)
def test_a_top_level_error_is_classified_by_its_code(shopify, code, raised):
    # given a shop answering the orders' query with a top-level error of `code`
    registered(shopify)
    shopify.shop.deny("assignedFulfillmentOrders", code)
    adapter = ShopifyChannel(shopify.shop_url, "shpat_fake", "shpss_fake", max_wait=0.5)
    # when polled
    with pytest.raises(raised) as refused:
        adapter.orders_since(None)
    # then the error is of the kind its code says, with Shopify's words and no credential
    assert type(refused.value) is raised
    assert "shpat_fake" not in refused.value.message
    if code == "ACCESS_DENIED":
        assert "read_assigned_fulfillment_orders" in refused.value.message


def test_a_throttled_answer_without_its_cost_is_waited_out_or_handed_back(shopify):
    # given a shop answering THROTTLED once, without the cost extension
    registered(shopify)
    throttled = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}
    shopify.shop.add_fault(remaining=1, status=200, body=throttled)
    patient = ShopifyChannel(shopify.shop_url, "shpat_fake", "shpss_fake", max_wait=5)
    # then a patient adapter waits and gets the answer
    assert patient.orders_since(None).orders == ()
    assert patient.waited > 0
    # and an impatient one hands it back as transient, for the actor to retry
    shopify.shop.add_fault(remaining=1, status=200, body=throttled)
    hasty = ShopifyChannel(shopify.shop_url, "shpat_fake", "shpss_fake", max_wait=0.1)
    with pytest.raises(TransientChannelError):
        hasty.orders_since(None)


def test_a_report_denied_for_a_missing_scope_is_kept_and_sent_once_it_is_granted(shopify):
    # given a shipped request, and an app lacking write_fulfillments
    connection_id, event_id = shipped(shopify)
    shopify.shop.deny("fulfillmentCreate")
    # when the report runs, then the sweep passes its window
    resent = deliver_then_sweep(shopify, event_id)
    # then the report is still wanted: not done, sent again by the sweep
    assert not processed(shopify, event_id, "report_channel_shipment")
    assert [m.args[1] for m in resent] in ([[event_id]], [event_id])
    assert shopify.shop.fulfillments == []
    # and the connection shows the missing scope, told once to the provider
    assert "write_fulfillments" in (shopify.connection(connection_id).last_error or "")
    with contextlib.suppress(PermanentChannelError):
        actors.report_channel_shipment(*resent[0].args)
    [failed] = shopify.events(Topic.CHANNEL_SYNC_FAILED.value)
    assert (failed.payload["work"], failed.payload["transient"]) == ("report shipment", False)
    # when the merchant grants the scope and the sweep's message comes again
    shopify.shop.allow("fulfillmentCreate")
    actors.report_channel_shipment(*resent[0].args)
    # then the shop has the fulfillment once, and the event is done
    assert [f["trackingInfo"] for f in shopify.shop.fulfillments] == [
        [{"company": "UPS", "number": "1ZSCOPE"}]
    ]
    assert processed(shopify, event_id, "report_channel_shipment")
    assert shopify.connection(connection_id).last_error is None


def test_a_stock_push_denied_for_a_missing_scope_stays_dirty_until_granted(shopify):
    # given a registered connection whose stock is all dirty, and no write_inventory
    connection_id = registered(shopify)
    provider = str(shopify.tenant.provider_id)
    shopify.shop.deny("inventorySetQuantities")
    # when the push and the poll's next push run
    for _ in range(2):
        with pytest.raises(ChannelAccessError):
            actors.push_channel_stock(provider, str(connection_id))
    # then the products stay dirty, told once
    assert dirty_count(shopify, connection_id) == 2
    assert len(shopify.events(Topic.CHANNEL_SYNC_FAILED.value)) == 1
    assert "write_inventory" in (shopify.connection(connection_id).last_error or "")
    # when the scope is granted, the next push sends them
    shopify.shop.allow("inventorySetQuantities")
    actors.push_channel_stock(provider, str(connection_id))
    assert dirty_count(shopify, connection_id) == 0
    assert shopify.shop.stock_of("SKU-1") is not None


def test_a_stock_push_shopify_fails_internally_is_retried(shopify):
    # given dirty stock, and Shopify failing the update once on its side
    connection_id = registered(shopify)
    provider = str(shopify.tenant.provider_id)
    shopify.shop.deny("inventorySetQuantities", "INTERNAL_SERVER_ERROR")
    # when the push runs, it is handed back for a retry, its products still dirty
    with pytest.raises(dramatiq.Retry):
        actors.push_channel_stock(provider, str(connection_id))
    assert dirty_count(shopify, connection_id) == 2
    # and the retry, Shopify well again, sends them
    shopify.shop.allow("inventorySetQuantities")
    actors.push_channel_stock(provider, str(connection_id))
    assert dirty_count(shopify, connection_id) == 0
