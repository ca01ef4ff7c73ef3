"""Routing to drop-ship suppliers: rules name them, short units fall back to them, a refusal
routes on (or raises an exception), and racing orders never promise a supplier's unit twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domain.errors import DomainError
from domain.inventory.adjustments import AdjustmentReason
from domain.orders.creation import create_order
from domain.orders.models import FulfillmentOrder, FulfillmentStatus, OrderLine, OrderStatus
from domain.routing.models import RoutingDecision
from domain.routing.override import override_source
from domain.routing.rule_sets import save_rules
from domain.routing.rules import Rule, SourceKind, SourceRef, WhenShort
from domain.suppliers.assignment import release_supplier_lines
from persistence.base import utcnow
from services.routing import reroute_after_rejection
from services.stock import adjust
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.domain.orders.test_concurrency import as_caller, race
from tests.factories_orders import (
    level_of,
    levels_match_ledger,
    order_command,
    order_state,
    run,
)
from tests.supplier_factories import link, make_supplier, supplier_level, supplier_stock_matches_log


def supplier_rules(shop: Shop, supplier_id, *, first: bool) -> None:
    warehouse = SourceRef(SourceKind.WAREHOUSE, shop.warehouses["WH-A"])
    supplier = SourceRef(SourceKind.SUPPLIER, supplier_id)
    sources = (supplier, warehouse) if first else (warehouse, supplier)
    client = shop.tenant.clients["A"].id
    run(shop.db, shop.provider, save_rules, client, (Rule("drop-ship", sources=sources),))


def fulfillment_of(shop: Shop, order_id) -> list[tuple[str, int, FulfillmentStatus]]:
    """(source kind, units, status) of each fulfillment order."""
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        rows = uow.session.scalars(
            select(FulfillmentOrder).where(FulfillmentOrder.order_id == order_id)
        ).all()
        out = []
        for fo in rows:
            units = uow.session.scalar(
                select(func.sum(OrderLine.quantity)).where(OrderLine.order_id == order_id)
            )
            kind = "supplier" if fo.supplier_id else "warehouse"
            out.append((kind, units, fo.status))
        return sorted(out)


def test_a_rule_sends_units_to_a_supplier_and_reserves_its_stock(shop):
    # given: ACME reports 4 of SKU-3 (no warehouse has it); rule: ACME, then WH-A
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-3"], available=4)
    supplier_rules(shop, acme, first=True)
    # when
    made = run(shop.db, shop.client(), create_order, order_command("D-1", (("SKU-3", 3),)))
    # then
    state = order_state(shop.db, shop.tenant.provider_id, made.order.id)
    assert state.status is OrderStatus.ALLOCATED
    assert fulfillment_of(shop, made.order.id) == [("supplier", 3, FulfillmentStatus.ALLOCATED)]
    assert supplier_level(shop.db, acme, shop.products["SKU-3"]) == (4, 3)
    assert supplier_stock_matches_log(shop.db)


def test_short_units_fall_back_to_a_supplier_when_the_rule_says_so(shop):
    # given: WH-A holds 1 of SKU-1; ACME offers 5; the rule: WH-A, short units to suppliers
    shop.stock("SKU-1", "WH-A", 1)
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], available=5)
    warehouse = SourceRef(SourceKind.WAREHOUSE, shop.warehouses["WH-A"])
    rule = Rule("wh-then-supplier", sources=(warehouse,), when_short=WhenShort.SUPPLIER)
    run(shop.db, shop.provider, save_rules, shop.tenant.clients["A"].id, (rule,))
    # when
    made = run(shop.db, shop.client(), create_order, order_command("D-2", (("SKU-1", 3),)))
    # then: 1 from WH-A, 2 from ACME
    assert order_state(shop.db, shop.tenant.provider_id, made.order.id).allocated == [3]
    assert supplier_level(shop.db, acme, shop.products["SKU-1"]) == (5, 2)
    assert levels_match_ledger(shop.db)


def refuse(shop: Shop, order_id) -> None:
    """What the suppliers area does on a rejection, then its call into routing."""
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        fo = uow.session.scalars(
            select(FulfillmentOrder).where(
                FulfillmentOrder.order_id == order_id, FulfillmentOrder.supplier_id.is_not(None)
            )
        ).one()
        for line in release_supplier_lines(uow, fo, "supplier rejected"):
            order_line = uow.session.get(OrderLine, (fo.provider_id, line.order_line_id))
            order_line.allocated_quantity -= line.quantity
        fo.status = FulfillmentStatus.CANCELLED
        fo.rejected_at = utcnow()
        uow.flush()
        reroute_after_rejection(uow, fo)
        uow.commit()


def test_a_refusal_routes_the_units_on_by_the_rules(shop):
    # given: ACME first, WH-A second; WH-A holds 5
    shop.stock("SKU-1", "WH-A", 5)
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], available=5)
    supplier_rules(shop, acme, first=True)
    made = run(shop.db, shop.client(), create_order, order_command("D-3", (("SKU-1", 2),)))
    # when
    refuse(shop, made.order.id)
    # then: WH-A serves; ACME has its units back; the re-route is on record
    state = order_state(shop.db, shop.tenant.provider_id, made.order.id)
    assert (state.status, state.allocated) == (OrderStatus.ALLOCATED, [2])
    assert fulfillment_of(shop, made.order.id) == [
        ("supplier", 2, FulfillmentStatus.CANCELLED),
        ("warehouse", 2, FulfillmentStatus.ALLOCATED),
    ]
    assert supplier_level(shop.db, acme, shop.products["SKU-1"]) == (5, 0)
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        kinds = uow.session.scalars(
            select(RoutingDecision.kind).order_by(RoutingDecision.created_at)
        ).all()
    assert [k.value for k in kinds] == ["creation", "reroute"]
    assert levels_match_ledger(shop.db)
    assert supplier_stock_matches_log(shop.db)


def test_a_refusal_nobody_else_can_serve_puts_the_order_in_exception(shop):
    # given: only ACME has SKU-3
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-3"], available=5)
    supplier_rules(shop, acme, first=True)
    made = run(shop.db, shop.client(), create_order, order_command("D-4", (("SKU-3", 2),)))
    # when
    refuse(shop, made.order.id)
    # then
    state = order_state(shop.db, shop.tenant.provider_id, made.order.id)
    assert (state.status, state.allocated) == (OrderStatus.EXCEPTION, [0])
    # when: WH-A receives the product, the waiting units are routed and the exception clears
    run(shop.db, shop.provider, adjust, shop.products["SKU-3"], shop.warehouses["WH-A"], 2,
        AdjustmentReason.FOUND)  # fmt: skip
    state = order_state(shop.db, shop.tenant.provider_id, made.order.id)
    assert (state.status, state.allocated) == (OrderStatus.ALLOCATED, [2])


def test_fifty_racing_orders_take_exactly_the_ten_units_a_supplier_reports(pg_shop):
    # given: ACME reports 10 of SKU-3; WH-A holds 20; rule: ACME first, then WH-A
    shop = pg_shop
    shop.stock("SKU-3", "WH-A", 20)
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-3"], available=10)
    supplier_rules(shop, acme, first=True)
    scope = shop.client()
    # when
    results = race(
        shop,
        lambda unit, i: create_order(
            as_caller(unit, scope), order_command(f"R-{i}", (("SKU-3", 1),))
        ),
        racers=50,
    )
    # then: exactly 10 went to ACME, 20 to WH-A, the rest wait
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        supplier_fos = uow.session.scalars(
            select(FulfillmentOrder).where(FulfillmentOrder.supplier_id == acme)
        ).all()
        warehouse_fos = uow.session.scalars(
            select(FulfillmentOrder).where(FulfillmentOrder.warehouse_id.is_not(None))
        ).all()
    assert len(results) == 50
    assert len(supplier_fos) == 10
    assert len(warehouse_fos) == 20
    assert supplier_level(shop.db, acme, shop.products["SKU-3"]) == (10, 10)
    assert supplier_stock_matches_log(shop.db)
    assert levels_match_ledger(shop.db)


def to_supplier(uow, fo_id, reason, supplier_id):
    return override_source(uow, fo_id, reason, supplier_id=supplier_id)


def test_the_provider_moves_a_warehouse_order_to_a_supplier_and_back_is_refused_when_short(shop):
    # given: 2 x SKU-1 allocated in WH-A; ACME offers 3 of SKU-1
    shop.stock("SKU-1", "WH-A", 5)
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], available=3)
    made = run(shop.db, shop.client(), create_order, order_command("D-5", (("SKU-1", 2),)))
    [(fo_id, _)] = order_state(shop.db, shop.tenant.provider_id, made.order.id).fulfillment
    # when
    moved, _ = run(shop.db, shop.provider, to_supplier, fo_id, "faster from ACME", acme)
    # then
    assert moved.supplier_id == acme
    assert supplier_level(shop.db, acme, shop.products["SKU-1"]) == (3, 2)
    assert level_of(shop.db, shop.products["SKU-1"], shop.warehouses["WH-A"]) == (5, 0)
    assert supplier_stock_matches_log(shop.db)
    assert levels_match_ledger(shop.db)
    # and: another order of 2 cannot move there, ACME has 1 left
    other = run(shop.db, shop.client(), create_order, order_command("D-6", (("SKU-1", 2),)))
    [(other_fo, _)] = order_state(shop.db, shop.tenant.provider_id, other.order.id).fulfillment
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.provider, to_supplier, other_fo, "x", acme)
    assert (refused.value.code, refused.value.field) == ("INSUFFICIENT_STOCK", "supplierId")
