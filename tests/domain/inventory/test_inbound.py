"""Inbound shipments: announced as incoming, received partly or in excess, closed to settle."""

from __future__ import annotations

import pytest

from domain.inventory.adjustments import AdjustmentReason
from domain.inventory.inbound import (
    LineQuantity,
    close_inbound_shipment,
    create_inbound_shipment,
)
from persistence.base import new_id
from services.stock import adjust, receive_inbound_shipment, record_count
from tenants.errors import UserFacingError
from tests.catalog_factories import client_scope, committed, level_of, make_product, make_warehouse
from tests.factories import count_rows, make_tenant
from tests.inventory_checks import assert_levels_match_ledger


@pytest.fixture
def world(database):
    """Northwind (clients A, B) with a warehouse, two products of A and one of B."""
    tenant = make_tenant(database)
    warehouse = make_warehouse(database, tenant)
    p1 = make_product(database, tenant, "A", "P1")
    p2 = make_product(database, tenant, "A", "P2")
    b1 = make_product(database, tenant, "B", "B1")
    return tenant, warehouse, p1, p2, b1


def announce(database, scope, warehouse, lines, reference="ASN-1", client_id=None):
    return committed(
        database,
        scope,
        create_inbound_shipment,
        client_id=client_id,
        warehouse_id=warehouse,
        reference=reference,
        lines=[LineQuantity(p, q) for p, q in lines],
    )


def test_client_announces_and_incoming_rises(database, world):
    # given
    tenant, warehouse, p1, p2, _ = world
    # when
    result = announce(database, client_scope(tenant), warehouse, [(p1, 10), (p2, 5)])
    # then
    assert result.shipment.status == "open"
    assert level_of(database, tenant, p1, warehouse)["incoming"] == 10
    assert level_of(database, tenant, p2, warehouse)["incoming"] == 5
    assert_levels_match_ledger(database)


def test_partial_then_over_receipt_then_close(database, world):
    # given
    tenant, warehouse, p1, p2, _ = world
    shipment = announce(database, client_scope(tenant), warehouse, [(p1, 10), (p2, 5)]).shipment
    # when: 4 of 10 arrive
    partial = committed(
        database, tenant.scope, receive_inbound_shipment, shipment.id, [LineQuantity(p1, 4)]
    )
    # then
    assert partial.shipment.status == "receiving"
    assert level_of(database, tenant, p1, warehouse) == {
        "on_hand": 4,
        "allocated": 0,
        "unsellable": 0,
        "incoming": 6,
    }
    # when: 9 more arrive, 3 over what was announced
    committed(database, tenant.scope, receive_inbound_shipment, shipment.id, [LineQuantity(p1, 9)])
    # then: incoming stops at zero, all 13 are on hand
    assert level_of(database, tenant, p1, warehouse)["on_hand"] == 13
    assert level_of(database, tenant, p1, warehouse)["incoming"] == 0
    # when: closed with p2 never arrived
    closed = committed(database, tenant.scope, close_inbound_shipment, shipment.id)
    # then
    assert closed.shipment.status == "closed"
    assert closed.shipment.closed_at is not None
    assert level_of(database, tenant, p2, warehouse) == {
        "on_hand": 0,
        "allocated": 0,
        "unsellable": 0,
        "incoming": 0,
    }
    assert {line.product_id: line.received_quantity for line in closed.lines} == {p1: 13, p2: 0}
    assert_levels_match_ledger(database)


def test_receiving_a_closed_shipment_is_refused(database, world):
    # given
    tenant, warehouse, p1, _, _ = world
    shipment = announce(
        database, tenant.scope, warehouse, [(p1, 3)], client_id=tenant.clients["A"].id
    ).shipment
    committed(database, tenant.scope, close_inbound_shipment, shipment.id)
    before = count_rows(database, "inventory_movements")
    # when
    with pytest.raises(UserFacingError) as refused:
        committed(
            database, tenant.scope, receive_inbound_shipment, shipment.id, [LineQuantity(p1, 3)]
        )
    # then
    assert refused.value.code == "ILLEGAL_TRANSITION"
    assert count_rows(database, "inventory_movements") == before
    assert level_of(database, tenant, p1, warehouse)["on_hand"] == 0


def test_closing_twice_changes_nothing(database, world):
    tenant, warehouse, p1, _, _ = world
    shipment = announce(database, client_scope(tenant), warehouse, [(p1, 3)]).shipment
    committed(database, tenant.scope, close_inbound_shipment, shipment.id)
    before = count_rows(database, "inventory_movements")
    again = committed(database, tenant.scope, close_inbound_shipment, shipment.id)
    assert again.shipment.status == "closed"
    assert count_rows(database, "inventory_movements") == before


def test_receipt_calls_backorder_allocation_after_posting(database, world, monkeypatch):
    # given
    tenant, warehouse, p1, _, _ = world
    shipment = announce(database, client_scope(tenant), warehouse, [(p1, 3)]).shipment
    seen = []

    def spy(uow, product_ids):
        seen.append((list(product_ids), level_of_in(uow, p1, warehouse)))
        return 0

    monkeypatch.setattr("services.stock.allocate_backorders", spy)
    # when
    committed(database, tenant.scope, receive_inbound_shipment, shipment.id, [LineQuantity(p1, 2)])
    # then
    assert seen == [([p1], 2)]


def level_of_in(uow, product_id, warehouse_id) -> int:
    from domain.inventory.ledger import lock_levels

    return lock_levels(uow, [product_id], [warehouse_id])[(product_id, warehouse_id)].on_hand


@pytest.mark.parametrize(
    ("case", "field", "code"),
    [
        ("no lines", "lines", "REQUIRED"),
        ("zero quantity", "lines.0.quantity", "NOT_POSITIVE"),
        ("duplicate product", "lines.1.productId", "DUPLICATE"),
        ("another client's product", "lines.0.productId", "NOT_FOUND"),
        ("unknown product", "lines.0.productId", "NOT_FOUND"),
        ("unknown warehouse", "warehouseId", "NOT_FOUND"),
        ("taken reference", "reference", "DUPLICATE"),
        ("blank reference", "reference", "REQUIRED"),
    ],
)
def test_refused_announcements_write_nothing(database, world, case, field, code):
    # given
    tenant, warehouse, p1, p2, b1 = world
    scope = client_scope(tenant)
    announce(database, scope, warehouse, [(p2, 1)], reference="TAKEN")
    lines = {
        "no lines": [],
        "zero quantity": [(p1, 0)],
        "duplicate product": [(p1, 1), (p1, 2)],
        "another client's product": [(b1, 1)],
        "unknown product": [(new_id(), 1)],
    }.get(case, [(p1, 1)])
    target = new_id() if case == "unknown warehouse" else warehouse
    reference = {"taken reference": "TAKEN", "blank reference": "  "}.get(case, "ASN-9")
    counts = {t: count_rows(database, t) for t in ("inbound_shipments", "inventory_movements")}
    # when
    with pytest.raises(UserFacingError) as refused:
        announce(database, scope, target, lines, reference=reference)
    # then
    assert (refused.value.field, refused.value.code) == (field, code)
    assert counts == {t: count_rows(database, t) for t in counts}
    assert level_of(database, tenant, p1, warehouse) is None


def test_receiving_refusals_write_nothing(database, world):
    # given
    tenant, warehouse, p1, p2, _ = world
    shipment = announce(database, client_scope(tenant), warehouse, [(p1, 3)]).shipment
    before = count_rows(database, "inventory_movements")
    # when / then
    for lines, field in [
        ([LineQuantity(p2, 1)], "lines.0.productId"),
        ([LineQuantity(p1, 0)], "lines.0.quantity"),
        ([], "lines"),
    ]:
        with pytest.raises(UserFacingError) as refused:
            committed(database, tenant.scope, receive_inbound_shipment, shipment.id, lines)
        assert refused.value.field == field
    with pytest.raises(UserFacingError) as refused:
        committed(
            database,
            client_scope(tenant),
            receive_inbound_shipment,
            shipment.id,
            [LineQuantity(p1, 1)],
        )
    assert refused.value.code == "FORBIDDEN"
    assert count_rows(database, "inventory_movements") == before


def test_levels_match_the_ledger_after_a_busy_day(database, world):
    # given
    tenant, warehouse, p1, p2, b1 = world
    second = make_warehouse(database, tenant, "HAM1")
    a, b = client_scope(tenant, "A"), client_scope(tenant, "B")
    s1 = announce(database, a, warehouse, [(p1, 20), (p2, 7)]).shipment
    s2 = announce(database, b, second, [(b1, 5)], reference="B-1").shipment
    s3 = announce(database, a, second, [(p1, 4)], reference="A-2").shipment
    # when
    op = tenant.scope
    committed(
        database, op, receive_inbound_shipment, s1.id, [LineQuantity(p1, 12), LineQuantity(p2, 9)]
    )
    committed(database, op, adjust, p1, warehouse, 2, AdjustmentReason.DAMAGED)
    committed(database, op, adjust, p1, warehouse, -1, AdjustmentReason.LOST)
    committed(database, op, record_count, p2, warehouse, 8)
    committed(database, op, receive_inbound_shipment, s2.id, [LineQuantity(b1, 5)])
    committed(database, op, close_inbound_shipment, s1.id)
    committed(database, op, close_inbound_shipment, s3.id)
    committed(database, op, adjust, p1, warehouse, -2, AdjustmentReason.DISPOSED)
    committed(database, op, record_count, b1, second, 5)
    # then
    assert assert_levels_match_ledger(database) == 4
    assert level_of(database, tenant, p1, warehouse) == {
        "on_hand": 9,
        "allocated": 0,
        "unsellable": 0,
        "incoming": 0,
    }
    assert level_of(database, tenant, p1, second)["incoming"] == 0
