"""A merchant location's parcels are the client's to ship: packing one buys no label, even for a
client with carrier accounts and automatic dispatch, and the client reports the tracking."""

from __future__ import annotations

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from domain.catalog.locations import create_merchant_location
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentStatus, OrderStatus
from domain.outbox.events import Topic
from domain.routing.rule_sets import save_rules
from domain.routing.rules import Rule, SourceKind, SourceRef
from domain.shipping.models import CarrierKind, DispatchAttempt
from domain.shipping.settings import SettingsChanges, set_shipping_settings
from tenants.models import KeyKind
from tenants.scope import TenantScope
from tests.factories import count_rows
from tests.factories_orders import put_stock, run
from tests.shipping_factories import US_WAREHOUSE, make_shipping_world
from workers import dispatch as actors
from workers import runtime


@pytest.fixture
def world(database, monkeypatch):
    """The shipping world; client A has a carrier account, dispatches automatically, and
    routes everything to its own store A-SHOP (5 x SKU-1 there)."""
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    world = make_shipping_world(database)
    client = world.tenant.clients["A"]
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    run(database, world.tenant.scope, set_shipping_settings, client.id,
        SettingsChanges(automatic_dispatch=True))  # fmt: skip
    fields = US_WAREHOUSE | {"code": "A-SHOP", "name": "A's store"}
    shop = run(database, world.tenant.scope, create_merchant_location, client.id, fields)
    put_stock(database, world.tenant, "A", world.product_id, shop.id, 5)
    rule = Rule("own store", sources=(SourceRef(SourceKind.MERCHANT_LOCATION, shop.id),))
    run(database, world.tenant.scope, save_rules, client.id, (rule,))
    return world


def client_scope(world) -> TenantScope:
    return TenantScope(
        provider_id=world.tenant.provider_id,
        kind=KeyKind.CLIENT,
        scopes=frozenset({"orders:read", "orders:write"}),
        client_id=world.tenant.clients["A"].id,
        key_prefix="testA",
    )


def test_packing_at_a_merchant_location_buys_no_label_and_the_client_ships_by_hand(world):
    # given: an order routed to A-SHOP
    fo_id = world.order()
    [allocated] = world.events(Topic.ORDER_ALLOCATED)
    # when: automatic dispatch sees the allocation
    actors.pack_for_automatic_dispatch(world.provider, str(allocated.id))
    # then: it does not pick or pack the client's store
    assert world.state(fo_id)[0] is FulfillmentStatus.ALLOCATED
    assert world.events(Topic.FULFILLMENT_PACKED) == []
    # when: the client packs by hand and the dispatch actor gets the packed event
    run(world.db, client_scope(world), start_picking, fo_id)
    run(world.db, client_scope(world), mark_packed, fo_id)
    [packed] = world.events(Topic.FULFILLMENT_PACKED)
    actors.dispatch_fulfillment(world.provider, str(packed.id))
    # then: no label, no attempt, still packed
    assert world.state(fo_id)[0] is FulfillmentStatus.PACKED
    assert world.shipments() == []
    assert count_rows(world.db, DispatchAttempt.__tablename__) == 0
    # when: the client reports its own tracking
    run(world.db, client_scope(world), mark_shipped, fo_id, "UPS", "1Z999")
    # then
    assert world.state(fo_id) == (FulfillmentStatus.SHIPPED, OrderStatus.SHIPPED, "1Z999")
