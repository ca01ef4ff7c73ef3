"""A shipping world: a US warehouse with stock, carrier accounts, packed orders, outbox reads."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import select

from domain.addresses import Address
from domain.orders.fulfillment import mark_packed, start_picking
from domain.orders.models import FulfillmentOrder, FulfillmentStatus, Order, OrderStatus
from domain.outbox.models import OutboxEvent
from domain.shipping.accounts import AccountChanges, create_carrier_account
from domain.shipping.models import CarrierKind, Shipment, TrackingEvent
from persistence.unit_of_work import UnitOfWork
from tenants.unit_of_work import TenantUnitOfWork
from tests.catalog_factories import make_product, make_warehouse
from tests.conftest import TestDatabase
from tests.factories import TenantHandle, make_tenant
from tests.factories_orders import order_command, place_order, put_stock, run
from tests.fakes.aggregator_server import FakeAggregatorServer

T = TypeVar("T")

US_WAREHOUSE = {
    "address_line1": "100 Dock Road",
    "city": "Austin",
    "region": "TX",
    "postal_code": "78701",
    "country": "US",
    "timezone": "America/Chicago",
}
US_CUSTOMER = Address(
    name="Ada Lovelace", line1="12 Analytical Way", city="Austin", region="TX",
    postal_code="78745", country="US",
)  # fmt: skip
BAD_ZIP = replace(US_CUSTOMER, postal_code="7874")


@dataclass
class ShippingWorld:
    """A tenant with client A's SKU-1 in stock at one US warehouse."""

    db: TestDatabase
    tenant: TenantHandle
    warehouse_id: uuid.UUID
    product_id: uuid.UUID

    @property
    def provider(self) -> str:
        return str(self.tenant.provider_id)

    def account(self, kind: CarrierKind, name: str, server: FakeAggregatorServer | None = None,
                client: str = "A") -> tuple[uuid.UUID, str | None]:  # fmt: skip
        """A carrier account of a client: (id, webhook secret)."""
        changes = AccountChanges(name=name)
        if server is not None:
            changes = replace(changes, base_url=server.url, api_key=server.fake.api_key)
        made = run(
            self.db, self.tenant.scope,
            # the fake aggregator listens on loopback: allowed here as a deployment would
            lambda uow: create_carrier_account(
                uow, self.tenant.clients[client].id, kind, changes,
                allow_private_urls=server is not None,
            ),
        )  # fmt: skip
        return made.account.id, made.webhook_secret

    def order(self, reference: str = "SO-1", ship_to: Address = US_CUSTOMER) -> uuid.UUID:
        """An allocated order of client A for 2 x SKU-1; its fulfillment order's id."""
        command = replace(order_command(reference, (("SKU-1", 2),)), ship_to=ship_to)
        command = replace(command, client_id=self.tenant.clients["A"].id)
        created = place_order(self.db, self.tenant.scope, command)
        return self.fulfillment_orders(created.order.id)[0]

    def packed(self, reference: str = "SO-1", ship_to: Address = US_CUSTOMER) -> uuid.UUID:
        """A packed fulfillment order (its `fulfillment_order.packed` event is in the outbox)."""
        fo_id = self.order(reference, ship_to)
        run(self.db, self.tenant.scope, start_picking, fo_id)
        run(self.db, self.tenant.scope, mark_packed, fo_id)
        return fo_id

    def fulfillment_orders(self, order_id: uuid.UUID) -> list[uuid.UUID]:
        with TenantUnitOfWork(self.db.session_factory, self.tenant.scope) as uow:
            return list(uow.session.scalars(
                select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == order_id)
            ))  # fmt: skip

    def events(self, topic: str) -> list[OutboxEvent]:
        """The tenant's outbox events of `topic`, oldest first."""
        with TenantUnitOfWork(self.db.session_factory, self.tenant.scope) as uow:
            return detached(uow, uow.session.scalars(
                select(OutboxEvent).where(OutboxEvent.topic == topic).order_by(OutboxEvent.id)
            ))  # fmt: skip

    def state(self, fo_id: uuid.UUID) -> tuple[FulfillmentStatus, OrderStatus, str | None]:
        """(fulfillment status, order status, tracking number) read fresh."""
        with TenantUnitOfWork(self.db.session_factory, self.tenant.scope) as uow:
            fo = uow.session.scalars(
                select(FulfillmentOrder).where(FulfillmentOrder.id == fo_id)
            ).one()
            order = uow.session.scalars(select(Order).where(Order.id == fo.order_id)).one()
            return fo.status, order.status, fo.tracking_number

    def shipments(self) -> list[Shipment]:
        with TenantUnitOfWork(self.db.session_factory, self.tenant.scope) as uow:
            return detached(uow, uow.session.scalars(select(Shipment)))

    def tracking_events(self) -> list[TrackingEvent]:
        with TenantUnitOfWork(self.db.session_factory, self.tenant.scope) as uow:
            return detached(uow, uow.session.scalars(
                select(TrackingEvent).order_by(TrackingEvent.occurred_at)
            ))  # fmt: skip


def detached(uow: UnitOfWork, rows: Iterable[T]) -> list[T]:
    """Rows loaded, then detached so they stay readable after the unit of work."""
    loaded = list(rows)
    uow.session.expunge_all()
    return loaded


def make_shipping_world(db: TestDatabase, name: str = "Northwind") -> ShippingWorld:
    """Client A's SKU-1 (500 g, 200 x 150 x 100 mm): 20 units at warehouse AUS1."""
    tenant = make_tenant(db, name)
    warehouse = make_warehouse(db, tenant, "AUS1", **US_WAREHOUSE)
    product = make_product(
        db, tenant, "A", "SKU-1", weight_grams=500, length_mm=200, width_mm=150, height_mm=100
    )
    put_stock(db, tenant, "A", product, warehouse, 20)
    return ShippingWorld(db, tenant, warehouse, product)


def fault(server: FakeAggregatorServer, **spec: object) -> None:
    """Queue a fault on the fake aggregator."""
    httpx.post(f"{server.url}/_fake/faults", json=spec).raise_for_status()


@pytest.fixture
def fake_aggregator(request: pytest.FixtureRequest) -> Iterator[FakeAggregatorServer]:
    """The session's fake aggregator, emptied for this test."""
    server: FakeAggregatorServer = request.getfixturevalue("fake_aggregator_server")
    server.fake.reset()
    yield server
    server.fake.reset()
