"""Drop-ship handling fees: per fulfillment order and per unit, billed once when a supplier ships."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from domain.billing.accrual import accrue_event
from domain.billing.models import Charge, ChargeType, SourceType
from domain.billing.rate_cards import NewRateCard, create_rate_card
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentOrder
from domain.outbox.models import OutboxEvent
from domain.suppliers.fulfillment import ship
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.factories_orders import order_command, place_order, run
from tests.supplier_factories import link, make_supplier, route_to_supplier


def _card(shop: Shop) -> None:
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        create_rate_card(
            uow,
            NewRateCard(
                client_id=None,
                effective_from=utcnow().replace(year=2020),
                currency="EUR",
                rates={
                    "drop_ship_per_order": Decimal("1.50"),
                    "drop_ship_per_unit": Decimal("0.20"),
                },
            ),
        )
        uow.commit()


def _accrue_all(shop: Shop, topic: str) -> int:
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        events = uow.session.scalars(select(OutboxEvent.id).where(OutboxEvent.topic == topic)).all()
    added = 0
    for event_id in events:
        with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
            added += accrue_event(uow, event_id)
            uow.commit()
    return added


def test_a_supplier_shipment_is_billed_per_order_and_per_unit_exactly_once(shop: Shop):
    # given: a supplier fulfillment order of 3 units, shipped
    _card(shop)
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], 5)
    created = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 3),)))
    fo = route_to_supplier(shop.db, shop.tenant, created.order.id, acme)
    run(shop.db, shop.provider, ship, fo, "DHL", "JD1")
    # when: the event is billed twice (at-least-once delivery)
    first = _accrue_all(shop, "fulfillment_order.shipped")
    again = _accrue_all(shop, "fulfillment_order.shipped")
    # then
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        charges = uow.session.execute(
            select(
                Charge.charge_type,
                Charge.quantity,
                Charge.unit_price,
                Charge.amount_minor,
                Charge.source_id,
            ).where(Charge.source_type == SourceType.FULFILLMENT_ORDER)
        ).all()
    assert (first, again) == (2, 0)
    assert sorted(tuple(c[:4]) for c in charges) == [
        (ChargeType.DROP_SHIP_ORDER, Decimal(1), Decimal("1.50"), 150),
        (ChargeType.DROP_SHIP_UNIT, Decimal(3), Decimal("0.20"), 60),
    ]
    assert {c.source_id for c in charges} == {str(fo)}


def test_a_warehouse_shipment_bears_no_drop_ship_fee(shop: Shop):
    _card(shop)
    shop.stock("SKU-1", "WH-A", 5)
    created = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 1),)))
    assert created.order.status.name == "ALLOCATED"
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        fo = uow.session.scalars(select(FulfillmentOrder.id)).one()
    for step in (start_picking, mark_packed):
        run(shop.db, shop.provider, step, fo)
    run(shop.db, shop.provider, mark_shipped, fo, "DHL", "JD2")
    assert _accrue_all(shop, "fulfillment_order.shipped") == 0


def test_pick_and_pack_counts_only_the_units_the_warehouses_picked(shop: Shop):
    # given: pick rates; 2 x SKU-2 from WH-A, 3 x SKU-1 from supplier ACME, on one order
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        rates = {
            "pick_per_order": Decimal("1.00"),
            "pick_per_additional_unit": Decimal("0.25"),
            "packaging_per_order": Decimal("0.40"),
        }
        create_rate_card(uow, NewRateCard(None, utcnow().replace(year=2020), "EUR", rates))
        uow.commit()
    shop.stock("SKU-2", "WH-A", 5)
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], 5)
    command = order_command(lines=(("SKU-2", 2), ("SKU-1", 3)))
    created = place_order(shop.db, shop.client(), command)
    supplier_part = route_to_supplier(shop.db, shop.tenant, created.order.id, acme)
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        warehouse_part = uow.session.scalars(
            select(FulfillmentOrder.id).where(FulfillmentOrder.warehouse_id.is_not(None))
        ).one()
    # when: both parts ship, and the order's shipped event is billed
    for step in (start_picking, mark_packed):
        run(shop.db, shop.provider, step, warehouse_part)
    run(shop.db, shop.provider, mark_shipped, warehouse_part, "DHL", "JD3")
    run(shop.db, shop.provider, ship, supplier_part, "UPS", "1Z1")
    billed = _accrue_all(shop, "order.shipped")
    # then: 2 units picked (1 order + 1 additional unit), not 5
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        charges = uow.session.execute(
            select(Charge.charge_type, Charge.quantity).where(
                Charge.source_type == SourceType.ORDER
            )
        ).all()
    assert billed == 3
    assert sorted(charges) == [
        (ChargeType.PACKAGING, Decimal(1)),
        (ChargeType.PICK_ADDITIONAL_UNIT, Decimal(1)),
        (ChargeType.PICK_ORDER, Decimal(1)),
    ]


def test_an_order_only_a_supplier_shipped_bears_no_pick_and_pack(shop: Shop):
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        rates = {"pick_per_order": Decimal("1.00"), "packaging_per_order": Decimal("0.40")}
        create_rate_card(uow, NewRateCard(None, utcnow().replace(year=2020), "EUR", rates))
        uow.commit()
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], 5)
    created = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 3),)))
    fo = route_to_supplier(shop.db, shop.tenant, created.order.id, acme)
    run(shop.db, shop.provider, ship, fo, "UPS", "1Z2")
    assert _accrue_all(shop, "order.shipped") == 0
