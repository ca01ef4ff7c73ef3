"""A WooCommerce shop end to end: `crossdock serve` takes its webhooks, a `crossdock worker`
on Redis imports, ships, reports tracking, pushes stock and catches up after an outage."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.shipping.models import CarrierKind
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import global_id
from tests.fakes.shop_base import BackgroundServer, post_to
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.serve_process import CROSSDOCK, crossdock_env, free_port, running
from tests.shipping_factories import make_shipping_world
from tests.workers.test_dispatch_process import kill, start_worker

WAIT_S = 30.0
CONNECT = """mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) {
  channelConnection { id webhookPath } webhookSecret userErrors { code message } } }"""
ORDERS = """{ orders(first: 50) { edges { node { id externalReference status
  fulfillmentOrders { id status trackingNumber } holds { id reason } } } } }"""
STEP = """mutation($id: ID!) { %s(input: {id: $id}) { userErrors { code } } }"""
MAP = """mutation($input: SetChannelSkuMappingInput!) { setChannelSkuMapping(input: $input) {
  userErrors { code } } }"""
RELEASE = """mutation($id: ID!) { releaseOrderHold(input: {id: $id}) {
  order { status } userErrors { code message } } }"""
RESYNC = """mutation($input: ResyncChannelInput!) { resyncChannel(input: $input) {
  userErrors { code } } }"""
SETTINGS = """mutation($input: SetShippingSettingsInput!) { setShippingSettings(input: $input) {
  userErrors { code } } }"""


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


CHECK = """mutation($id: ID!) { checkChannelConnection(input: {id: $id}) {
  reachable message channelConnection { locationId } userErrors { code } } }"""


def test_a_shopify_shop_end_to_end(database, redis_url, redis_namespace, tmp_path):
    # given: client A ships SKU-1 with the rate-table carrier; a Shopify shop sells it
    world = make_shipping_world(database)
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    shop = FakeShopify()
    shop.add_variant("SKU-1")
    port = free_port()
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url,
        CROSSDOCK_MIGRATION_DATABASE_URL=database.admin_url,
        CROSSDOCK_BROKER_URL=redis_url,
        CROSSDOCK_BROKER_NAMESPACE=redis_namespace,
        CROSSDOCK_ALLOW_PRIVATE_URLS="1",
    )
    worker = start_worker(database, redis_url, redis_namespace, CROSSDOCK_ALLOW_PRIVATE_URLS="1")
    command = [*CROSSDOCK, "serve", "--port", str(port)]
    try:
        with (
            BackgroundServer(shop.app) as shop_server,
            running(command, env, tmp_path / "serve.log", port) as server,
        ):
            gql = api_client(server.http_url, world.tenant.key)
            made = gql(CONNECT, {"input": {
                "clientId": world.tenant.clients["A"].global_id, "kind": "SHOPIFY",
                "name": "shopify", "shopUrl": shop_server.url,
                "warehouseId": global_id("Warehouse", world.warehouse_id),
                "apiKey": shop.access_token, "apiSecret": shop.client_secret,
            }})["createChannelConnection"]  # fmt: skip
            connection_id = made["channelConnection"]["id"]
            checked = gql(CHECK, {"id": connection_id})["checkChannelConnection"]
            assert checked["reachable"] is True
            assert checked["channelConnection"]["locationId"] == shop.location_id

            # when: a fulfillment request is submitted; Shopify notifies the service twice,
            # and a forgery arrives too
            path = made["channelConnection"]["webhookPath"]
            shop.subscribe(post_to(server.http_url + path))
            shop.duplicate_webhooks(1)
            placed = shop.place_order([("SKU-1", 3)])
            headers, body = shop.notification()
            forged = dict(headers, **{"X-Shopify-Hmac-Sha256": "bm90IGl0"})
            assert (
                httpx.post(server.http_url + path, content=body, headers=forged).status_code == 401
            )
            assert shop.delivered == [200, 200]
            # then: the worker polls, imports and accepts it, once
            fo_state = lambda: shop.fulfillment_orders[placed["id"]]["requestStatus"]  # noqa: E731
            wait_for(lambda: fo_state() == "ACCEPTED", "the request to be accepted")
            time.sleep(1.0)  # the second notification's poll has run by now
            [order] = gql(ORDERS)["orders"]["edges"]
            assert order["node"]["status"] == "ALLOCATED"

            # when: it is picked and packed; the worker buys the label
            [fo] = order["node"]["fulfillmentOrders"]
            for step in ("startPicking", "markPacked"):
                assert gql(STEP % step, {"id": fo["id"]})[step]["userErrors"] == []
            # then: Shopify has the fulfillment with the tracking number
            wait_for(lambda: bool(shop.fulfillments), "the fulfillment")
            [fulfillment] = shop.fulfillments
            tracking = gql(ORDERS)["orders"]["edges"][0]["node"]["fulfillmentOrders"][0]
            assert fulfillment["trackingInfo"][0]["number"] == tracking["trackingNumber"]
            assert shop.fulfillment_orders[placed["id"]]["status"] == "CLOSED"

            # when: a receipt arrives; then Shopify's location shows the available stock
            with TenantUnitOfWork.operator(
                database.session_factory, world.tenant.provider_id
            ) as uow:
                level = ledger.ensure_level(
                    uow, world.tenant.clients["A"].id, world.product_id, world.warehouse_id
                )
                ledger.post(uow, level, MovementKind.RECEIPT, on_hand=5)
                uow.commit()
                expected = level.available
            wait_for(lambda: shop.stock_of("SKU-1") == expected, "Shopify's stock")
    finally:
        kill(worker)


def api_client(url: str, key: str) -> Callable[..., dict[str, Any]]:
    """A GraphQL caller of the served API with a key; fails on any error."""
    api = httpx.Client(base_url=url, timeout=20)

    def gql(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = api.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {key}"},
        ).json()
        assert "errors" not in answer, answer
        return answer["data"]

    return gql


def test_a_woocommerce_shop_end_to_end(database, redis_url, redis_namespace, tmp_path):
    # given: client A ships SKU-1 from a US warehouse with the rate-table carrier
    world = make_shipping_world(database)
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    shop = FakeWooCommerce()
    shop.add_product("SKU-1", 0)
    port = free_port()
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url,
        CROSSDOCK_MIGRATION_DATABASE_URL=database.admin_url,
        CROSSDOCK_BROKER_URL=redis_url,
        CROSSDOCK_BROKER_NAMESPACE=redis_namespace,
        CROSSDOCK_ALLOW_PRIVATE_URLS="1",
    )
    worker = start_worker(database, redis_url, redis_namespace, CROSSDOCK_ALLOW_PRIVATE_URLS="1")
    command = [*CROSSDOCK, "serve", "--port", str(port)]
    try:
        with (
            BackgroundServer(shop.app) as shop_server,
            running(command, env, tmp_path / "serve.log", port) as server,
        ):
            api = httpx.Client(base_url=server.http_url, timeout=20)

            def gql(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
                answer = api.post(
                    "/graphql",
                    json={"query": query, "variables": variables or {}},
                    headers={"Authorization": f"Bearer {world.tenant.key}"},
                ).json()
                assert "errors" not in answer, answer
                return answer["data"]

            def orders() -> dict[str, dict[str, Any]]:
                edges = gql(ORDERS)["orders"]["edges"]
                return {e["node"]["externalReference"]: e["node"] for e in edges}

            made = gql(CONNECT, {"input": {
                "clientId": world.tenant.clients["A"].global_id, "kind": "WOOCOMMERCE",
                "name": "woo", "shopUrl": shop_server.url,
                "warehouseId": global_id("Warehouse", world.warehouse_id),
                "apiKey": shop.consumer_key, "apiSecret": shop.consumer_secret,
            }})["createChannelConnection"]  # fmt: skip
            assert made["userErrors"] == []
            path, secret = made["channelConnection"]["webhookPath"], made["webhookSecret"]
            connection_id = made["channelConnection"]["id"]

            # when: an order is placed in the shop; its webhook arrives twice, a forgery once
            placed = shop.place_order([("SKU-1", 2)])
            headers, body = shop.webhook(placed, secret, "order.created")
            assert api.post(path, content=body, headers=headers).status_code == 200
            assert api.post(path, content=body, headers=headers).status_code == 200
            forged = dict(headers, **{"X-WC-Webhook-Signature": "AAAA"})
            assert api.post(path, content=body, headers=forged).status_code == 401
            # then: one allocated order
            reference = f"woo-{placed['id']}"
            assert [o["status"] for o in orders().values()] == ["ALLOCATED"]

            # when: it is picked and packed; the worker buys the label
            [fo] = orders()[reference]["fulfillmentOrders"]
            for step in ("startPicking", "markPacked"):
                assert gql(STEP % step, {"id": fo["id"]})[step]["userErrors"] == []
            # then: the shop shows it completed with the tracking number
            wait_for(lambda: shop.orders[placed["id"]]["status"] == "completed", "the report")
            tracking = orders()[reference]["fulfillmentOrders"][0]["trackingNumber"]
            assert tracking
            assert tracking in shop.notes[placed["id"]][0]["note"]

            # when: a receipt arrives at the warehouse
            with TenantUnitOfWork.operator(
                database.session_factory, world.tenant.provider_id
            ) as uow:
                level = ledger.ensure_level(
                    uow, world.tenant.clients["A"].id, world.product_id, world.warehouse_id
                )
                ledger.post(uow, level, MovementKind.RECEIPT, on_hand=7)
                uow.commit()
                expected = level.available
            # then: the shop's stock follows
            stock = lambda: next(iter(shop.products.values()))["stock_quantity"]  # noqa: E731
            wait_for(lambda: stock() == expected, f"the shop's stock to be {expected}")

            # when: the shop is down while orders come in (their webhooks are lost)
            shop.down()
            missed = [shop.place_order([("SKU-1", 1)]) for _ in range(2)]
            gql(RESYNC, {"input": {"id": connection_id, "ordersSince": "2026-01-01T00:00:00Z"}})
            time.sleep(1.0)
            shop.up()
            # then: the worker's retry catches up, nothing lost or doubled
            wanted = {reference, *(f"woo-{o['id']}" for o in missed)}
            wait_for(lambda: set(orders()) == wanted, "the missed orders")
            assert len(orders()) == 3

            # when: an order with an unknown SKU arrives
            odd = shop.place_order([("SHOP-ONLY", 1)])
            api.post(
                path, content=shop.webhook(odd, secret)[1], headers=shop.webhook(odd, secret)[0]
            )
            held = orders()[f"woo-{odd['id']}"]
            # then: it is held until mapped and released
            assert held["status"] == "ON_HOLD"
            [hold] = held["holds"]
            assert (
                gql(RELEASE, {"id": hold["id"]})["releaseOrderHold"]["userErrors"][0]["code"]
                == "UNMAPPED_SKU"
            )
            gql(MAP, {"input": {"connectionId": connection_id, "channelSku": "SHOP-ONLY",
                                "productId": global_id("Product", world.product_id)}})  # fmt: skip
            released = gql(RELEASE, {"id": hold["id"]})["releaseOrderHold"]
            assert released == {"order": {"status": "ALLOCATED"}, "userErrors": []}
    finally:
        kill(worker)
