"""A world for channel tests: a tenant with stock, a fake WooCommerce shop, an app that
may reach loopback shops, and helpers to read what happened."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from crossdock.app import create_app
from domain.channels.models import ChannelConnection, ChannelOrder
from domain.orders.models import Order, OrderHold
from domain.outbox.models import OutboxEvent
from tenants.unit_of_work import TenantUnitOfWork
from tests.conftest import GraphQLClient, TestDatabase
from tests.factories import TenantHandle, global_id
from tests.factories_orders import make_order_world
from tests.fakes.shop_base import BackgroundServer
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce

CREATE = """mutation($input: CreateChannelConnectionInput!) {
  createChannelConnection(input: $input) {
    channelConnection { id kind name shopUrl webhookPath importOrders syncInventory
                        warehouse { code } client { code } }
    webhookSecret userErrors { field code message } } }"""


@dataclass
class ChannelWorld:
    """Northwind (clients A and B, SKU-1 and SKU-2 of A in stock), a fake shop, the app."""

    db: TestDatabase
    tenant: TenantHandle
    warehouses: dict[str, uuid.UUID]
    products: dict[str, uuid.UUID]
    shop: Any
    """The fake shop: FakeWooCommerce, or FakeShopify in `shopify_world`."""
    shop_url: str
    http: TestClient
    gql: GraphQLClient

    def connect(self, client: str = "A", key: str | None = None, **changes: Any) -> dict[str, Any]:
        """A connection of `client` to the fake shop (WooCommerce, or Shopify in
        `shopify_world`); the payload. A connection named otherwise than the default
        reaches the shop at `<shop_url>/<name>`, an address of its own."""
        shopify = isinstance(self.shop, FakeShopify)
        name = "shopify" if shopify else "woo"
        # one live connection per shop: another name is another shop of the fake server
        named = changes.get("name", name)
        variables = {
            "kind": "SHOPIFY" if shopify else "WOOCOMMERCE",
            "name": name,
            "shopUrl": self.shop_url if named == name else f"{self.shop_url}/{quote(named)}",
            "warehouseId": global_id("Warehouse", self.warehouses["WH-A"]),
            "apiKey": self.shop.access_token if shopify else self.shop.consumer_key,
            "apiSecret": self.shop.client_secret if shopify else self.shop.consumer_secret,
            **changes,
        }
        if key is None:
            variables.setdefault("clientId", self.tenant.clients[client].global_id)
        answer = self.gql(CREATE, {"input": variables}, key=key or self.tenant.key)
        return answer["data"]["createChannelConnection"]

    def post_webhook(self, path: str, headers: dict[str, str], body: bytes):
        """POST a delivery to Crossdock's webhook endpoint."""
        return self.http.post(path, content=body, headers=headers)

    def uow(self) -> TenantUnitOfWork:
        """The provider's unit of work."""
        return TenantUnitOfWork.operator(self.db.session_factory, self.tenant.provider_id)

    def orders(self) -> list[Order]:
        """Every order, oldest first."""
        with self.uow() as uow:
            rows = uow.session.scalars(select(Order).order_by(Order.created_at, Order.id)).all()
            uow.session.expunge_all()
            return list(rows)

    def channel_orders(self) -> list[ChannelOrder]:
        """Every imported channel order."""
        with self.uow() as uow:
            rows = uow.session.scalars(select(ChannelOrder).order_by(ChannelOrder.id)).all()
            uow.session.expunge_all()
            return list(rows)

    def holds(self, order_id: uuid.UUID) -> list[OrderHold]:
        """An order's holds."""
        with self.uow() as uow:
            rows = uow.session.scalars(select(OrderHold).where(OrderHold.order_id == order_id))
            rows = list(rows)
            uow.session.expunge_all()
            return rows

    def connection(self, connection_id: uuid.UUID) -> ChannelConnection:
        """A connection row, detached."""
        with self.uow() as uow:
            row = uow.session.get(ChannelConnection, (self.tenant.provider_id, connection_id))
            assert row is not None
            uow.session.expunge(row)
            return row

    def events(self, topic: str) -> list[OutboxEvent]:
        """Outbox events of a topic."""
        with self.uow() as uow:
            rows = uow.session.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic))
            rows = list(rows)
            uow.session.expunge_all()
            return rows


def row_id(global_id_value: str) -> uuid.UUID:
    """The row id inside a global id."""
    import base64

    return uuid.UUID(base64.b64decode(global_id_value).decode().split(":", 1)[1])


@pytest.fixture
def channel_world(database: TestDatabase) -> Iterator[ChannelWorld]:
    """The world with a WooCommerce shop selling SKU-1 and SKU-2, an app allowing loopback."""
    shop = FakeWooCommerce()
    shop.add_product("SKU-1", 0)
    shop.add_product("SKU-2", 0)
    yield from _world(database, shop)


@pytest.fixture
def shopify_world(database: TestDatabase) -> Iterator[ChannelWorld]:
    """The world with a Shopify shop selling SKU-1 and SKU-2, an app allowing loopback."""
    shop = FakeShopify()
    shop.add_variant("SKU-1")
    shop.add_variant("SKU-2")
    yield from _world(database, shop)


def _world(database: TestDatabase, shop: Any) -> Iterator[ChannelWorld]:
    world = make_order_world(database)
    settings = dataclasses.replace(database.settings(), allow_private_urls=True)
    with (
        BackgroundServer(shop.app) as server,
        TestClient(create_app(settings, background=False)) as http,
    ):
        yield ChannelWorld(
            database,
            world.tenant,
            world.warehouses,
            world.products,
            shop,
            server.url,
            http,
            GraphQLClient(http),
        )
