"""A client's rules and live places, remembered a few seconds per process for new orders."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from crossdock.database import make_engine
from domain.catalog.models import Warehouse
from domain.orders.models import OrderStatus
from domain.routing import configuration
from domain.routing.configuration import SECONDS, RoutingConfigurations
from persistence.base import new_id
from tenants.models import KeyKind
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
from tests.conftest import TestDatabase
from tests.factories_orders import (
    OrderWorld,
    make_order_world,
    make_product,
    make_warehouse,
    order_command,
    order_state,
    place_order,
    put_stock,
)
from tests.sql_statements import every_statement
from tests.tenants.test_key_cache import Clock


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """A fresh cache for the test, on a clock the test moves."""
    clock = Clock()
    monkeypatch.setattr(configuration, "CONFIGURATIONS", RoutingConfigurations(clock=clock))
    return clock


def _configuration(database: TestDatabase, scope: TenantScope, world: OrderWorld):
    with TenantUnitOfWork(database.session_factory, scope) as uow:
        return configuration.CONFIGURATIONS.of(uow, world.tenant.clients["A"].id)


def _order(world: OrderWorld, reference: str, lines=(("SKU-1", 1),)):
    return order_command(reference, lines, client_id=world.tenant.clients["A"].id)


def _codes(places) -> set[str]:
    return {place.code for place in places}


def test_a_second_order_reads_neither_rules_nor_warehouses(database, clock):
    # given: one order made (its client's configuration read once)
    world = make_order_world(database)
    place_order(database, world.tenant.scope, _order(world, "SO-1"))
    # when
    with every_statement(database.engine) as statements:
        created = place_order(database, world.tenant.scope, _order(world, "SO-2"))
    # then
    assert created.order.status is OrderStatus.ALLOCATED
    assert (configuration.CONFIGURATIONS.hits, configuration.CONFIGURATIONS.misses) == (1, 1)
    assert not [s for s in statements if "FROM routing_rule_sets" in s or "FROM warehouses" in s]


def test_a_warehouse_made_by_any_session_of_the_process_is_routed_to_at_once(database, clock):
    # given: the configuration remembered by an order
    world = make_order_world(database)
    place_order(database, world.tenant.scope, _order(world, "SO-1"))
    # when: a new warehouse, the only one holding a new product (another session's flush)
    warehouse = make_warehouse(database, world.tenant, "WH-C")
    product = make_product(database, world.tenant, "A", "SKU-3")
    put_stock(database, world.tenant, "A", product, warehouse, 5)
    created = place_order(database, world.tenant.scope, _order(world, "SO-2", (("SKU-3", 2),)))
    # then: routed to it with no wait
    state = order_state(database, world.tenant.provider_id, created.order.id)
    assert state.status is OrderStatus.ALLOCATED
    assert state.allocated == [2]


def test_a_change_made_elsewhere_is_seen_within_the_bound(database, clock):
    # given: WH-A remembered here
    world = make_order_world(database)
    assert "WH-A" in _codes(_configuration(database, world.tenant.scope, world)[1])
    # when: another process renames it (no session of this process hears of it)
    table = Warehouse.__table__
    engine = make_engine(database.admin_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(table).where(table.c.id == world.warehouses["WH-A"]).values(code="WH-Z")
            )
    finally:
        engine.dispose()
    clock.now += SECONDS - 0.01
    remembered = _codes(_configuration(database, world.tenant.scope, world)[1])
    clock.now += 0.02
    fresh = _codes(_configuration(database, world.tenant.scope, world)[1])
    # then
    assert "WH-A" in remembered
    assert "WH-Z" in fresh
    assert "WH-A" not in fresh


def test_an_uncommitted_change_is_never_remembered_for_others(database, clock):
    # given
    world = make_order_world(database)
    client_a = world.tenant.clients["A"].id
    # when: a transaction adds a warehouse, reads the configuration, then rolls back
    with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
        uow.session.add(
            Warehouse(
                provider_id=world.tenant.provider_id,
                id=new_id(),
                code="WH-GONE",
                name="Never committed",
                address_line1="1 Dock Road",
                city="Hamburg",
                postal_code="20457",
                country="DE",
                timezone="Europe/Berlin",
            )
        )
        uow.flush()
        inside = _codes(configuration.CONFIGURATIONS.of(uow, client_a)[1])
        uow.rollback()
    after = _codes(_configuration(database, world.tenant.scope, world)[1])
    # then: it saw its own row; nobody else ever does
    assert "WH-GONE" in inside
    assert "WH-GONE" not in after
    assert configuration.CONFIGURATIONS.hits == 0


def test_each_caller_view_and_each_tenant_has_its_own_entries(database, clock):
    # given: two providers, and a client key's view beside the provider's
    world = make_order_world(database)
    other = make_order_world(database, "Contoso")
    client_a = world.tenant.clients["A"]
    client_scope = TenantScope(
        provider_id=world.tenant.provider_id,
        kind=KeyKind.CLIENT,
        scopes=frozenset({"orders:write"}),
        client_id=client_a.id,
    )
    # when
    provider_view = _configuration(database, world.tenant.scope, world)
    client_view = _configuration(database, client_scope, world)
    other_view = _configuration(database, other.tenant.scope, other)
    # then: three reads, none answered from another's entry
    assert configuration.CONFIGURATIONS.misses == 3
    assert configuration.CONFIGURATIONS.hits == 0
    assert _codes(provider_view[1]) == _codes(client_view[1]) == {"WH-A", "WH-B"}
    own = {place.id for place in other_view[1]}
    assert own == set(other.warehouses.values())
    assert not own & {place.id for place in provider_view[1]}


def _rename_elsewhere(database: TestDatabase, warehouse_id, code: str) -> None:
    """A change by another process: no session of this one hears of it."""
    table = Warehouse.__table__
    engine = make_engine(database.admin_url)
    try:
        with engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == warehouse_id).values(code=code))
    finally:
        engine.dispose()


@pytest.fixture
def transport(monkeypatch):
    """A transport whose inbox stands for what other processes publish."""
    from caching.invalidation import INVALIDATIONS
    from tests.caching.test_invalidation import RecordingTransport

    recording = RecordingTransport(INVALIDATIONS)
    monkeypatch.setattr(INVALIDATIONS, "transport", recording)
    return recording


def test_a_change_published_elsewhere_drops_only_its_providers_entries(database, clock, transport):
    # given: two providers' configurations remembered here
    world = make_order_world(database)
    other = make_order_world(database, "Contoso")
    _configuration(database, world.tenant.scope, world)
    _configuration(database, other.tenant.scope, other)
    # when: another process renames WH-A and publishes the change
    _rename_elsewhere(database, world.warehouses["WH-A"], "WH-Z")
    transport.inbox.append((configuration.CHANGED, str(world.tenant.provider_id)))
    changed = _codes(_configuration(database, world.tenant.scope, world)[1])
    _configuration(database, other.tenant.scope, other)
    # then: the changed provider is read again at once; the other one is not
    assert changed == {"WH-Z", "WH-B"}
    assert (configuration.CONFIGURATIONS.hits, configuration.CONFIGURATIONS.misses) == (1, 3)


def test_a_committed_change_is_published_to_the_other_processes(database, clock, transport):
    world = make_order_world(database)
    make_warehouse(database, world.tenant, "WH-C")
    assert (configuration.CHANGED, str(world.tenant.provider_id)) in transport.sent
