"""Creating an order: validation, idempotency on the external reference, allocation."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from domain.catalog import service as catalog
from domain.errors import DomainError, DomainErrorCode
from domain.orders.commands import LineRequest
from domain.orders.models import FulfillmentOrder, FulfillmentOrderLine, OrderLine, OrderStatus
from tenants.errors import NotFoundError, TenantErrorCode, UserFacingError
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.factories import count_rows
from tests.factories_orders import (
    ADDRESS,
    ORDER_TABLES,
    level_of,
    levels_match_ledger,
    make_warehouse,
    order_command,
    place_order,
    run,
)


def fulfillment_of(shop: Shop, order_id) -> dict[str, dict[str, int]]:
    """{warehouse code: {sku: quantity}} of an order's live fulfillment orders."""
    codes = {wid: code for code, wid in shop.warehouses.items()}
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        rows = uow.session.execute(
            select(FulfillmentOrder.warehouse_id, OrderLine.sku, FulfillmentOrderLine.quantity)
            .join(
                FulfillmentOrderLine,
                FulfillmentOrderLine.fulfillment_order_id == FulfillmentOrder.id,
            )
            .join(OrderLine, OrderLine.id == FulfillmentOrderLine.order_line_id)
            .where(FulfillmentOrder.order_id == order_id)
        )
        result: dict[str, dict[str, int]] = {}
        for warehouse_id, sku, quantity in rows:
            result.setdefault(codes[warehouse_id], {})[sku] = quantity
        return result


def test_order_that_one_warehouse_can_ship_goes_there_whole(shop):
    # given
    shop.stock("SKU-1", "WH-A", 5)
    shop.stock("SKU-1", "WH-B", 9)
    shop.stock("SKU-2", "WH-A", 1)
    # when
    created = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 2), ("SKU-2", 1))))
    # then
    assert created.created
    assert created.order.status is OrderStatus.ALLOCATED
    assert fulfillment_of(shop, created.order.id) == {"WH-A": {"SKU-1": 2, "SKU-2": 1}}
    assert level_of(shop.db, shop.products["SKU-1"], shop.warehouses["WH-A"]) == (5, 2)
    assert levels_match_ledger(shop.db)


def test_order_no_warehouse_can_ship_whole_is_split(shop):
    shop.stock("SKU-1", "WH-A", 3)
    shop.stock("SKU-2", "WH-B", 2)
    created = place_order(
        shop.db,
        shop.provider,
        order_command(lines=(("SKU-1", 2), ("SKU-2", 2)), client_id=shop.tenant.clients["A"].id),
    )
    assert created.order.status is OrderStatus.ALLOCATED
    assert fulfillment_of(shop, created.order.id) == {"WH-A": {"SKU-1": 2}, "WH-B": {"SKU-2": 2}}


def test_what_cannot_be_reserved_is_backordered(shop):
    shop.stock("SKU-1", "WH-A", 1)
    shop.stock("SKU-1", "WH-B", 2)
    created = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 5), ("SKU-2", 1))))
    assert created.order.status is OrderStatus.PARTIALLY_ALLOCATED
    assert fulfillment_of(shop, created.order.id) == {"WH-A": {"SKU-1": 1}, "WH-B": {"SKU-1": 2}}
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        lines = uow.session.scalars(select(OrderLine).order_by(OrderLine.line_number)).all()
        assert [(line.allocated_quantity, line.backordered_quantity) for line in lines] == [
            (3, 2),
            (0, 1),
        ]


def test_order_without_any_stock_is_backordered(shop):
    created = place_order(shop.db, shop.client(), order_command())
    assert created.order.status is OrderStatus.BACKORDERED
    assert fulfillment_of(shop, created.order.id) == {}


def test_archived_warehouses_ship_nothing(shop):
    archived = make_warehouse(shop.db, shop.tenant, "WH-OLD")
    shop.warehouses["WH-OLD"] = archived
    shop.stock("SKU-1", "WH-OLD", 10)
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        from domain.catalog.models import Warehouse
        from persistence.base import utcnow

        uow.session.get(Warehouse, (shop.tenant.provider_id, archived)).archived_at = utcnow()
        uow.commit()
    created = place_order(shop.db, shop.client(), order_command())
    assert created.order.status is OrderStatus.BACKORDERED


def test_the_same_order_sent_again_returns_the_first_and_writes_nothing(shop):
    # given
    shop.stock("SKU-1", "WH-A", 5)
    first = place_order(shop.db, shop.client(), order_command())
    before = {table: count_rows(shop.db, table) for table in ORDER_TABLES}
    # when: the same content, spelled a little differently
    again = place_order(
        shop.db,
        shop.client(),
        order_command(reference=" SO-1 ", ship_to=replace(ADDRESS, country="gb")),
    )
    # then
    assert not again.created
    assert again.order.id == first.order.id
    assert {table: count_rows(shop.db, table) for table in ORDER_TABLES} == before


def test_the_same_reference_with_other_content_is_a_conflict(shop):
    shop.stock("SKU-1", "WH-A", 5)
    place_order(shop.db, shop.client(), order_command())
    before = {table: count_rows(shop.db, table) for table in ORDER_TABLES}
    with pytest.raises(DomainError) as refused:
        place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 2),)))
    assert refused.value.code is DomainErrorCode.IDEMPOTENCY_CONFLICT
    assert refused.value.field == "externalReference"
    assert {table: count_rows(shop.db, table) for table in ORDER_TABLES} == before


def test_the_same_reference_of_another_client_is_another_order(shop):
    shop.product("SKU-1", client="B")
    first = place_order(shop.db, shop.client("A"), order_command())
    other = place_order(shop.db, shop.client("B"), order_command())
    assert other.created
    assert other.order.id != first.order.id


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"lines": (LineRequest("NOPE", 1),)}, TenantErrorCode.NOT_FOUND, "lines.0.sku"),
        (
            {"lines": (LineRequest("SKU-1", 1), LineRequest("SKU-2", 0))},
            DomainErrorCode.NOT_POSITIVE,
            "lines.1.quantity",
        ),
        ({"lines": (LineRequest("SKU-1", -3),)}, DomainErrorCode.NOT_POSITIVE, "lines.0.quantity"),
        (
            {"lines": (LineRequest("SKU-1", 1), LineRequest("SKU-1", 2))},
            DomainErrorCode.DUPLICATE,
            "lines.1.sku",
        ),
        ({"lines": (LineRequest(" ", 1),)}, DomainErrorCode.REQUIRED, "lines.0.sku"),
        ({"lines": ()}, DomainErrorCode.REQUIRED, "lines"),
        (
            {"lines": tuple(LineRequest(f"S{i}", 1) for i in range(101))},
            DomainErrorCode.TOO_MANY_LINES,
            "lines",
        ),
        ({"lines": (LineRequest("OLD", 1),)}, DomainErrorCode.ARCHIVED, "lines.0.sku"),
        ({"lines": (LineRequest("B-ONLY", 1),)}, TenantErrorCode.NOT_FOUND, "lines.0.sku"),
        ({"service_level": "teleport"}, DomainErrorCode.INVALID, "serviceLevel"),
        ({"external_reference": "  "}, DomainErrorCode.REQUIRED, "externalReference"),
        ({"external_reference": "R" * 65}, DomainErrorCode.TOO_LONG, "externalReference"),
        ({"ship_to": replace(ADDRESS, name="")}, DomainErrorCode.REQUIRED, "shipTo.name"),
        ({"ship_to": replace(ADDRESS, line1=" ")}, DomainErrorCode.REQUIRED, "shipTo.line1"),
        ({"ship_to": replace(ADDRESS, city="")}, DomainErrorCode.REQUIRED, "shipTo.city"),
        (
            {"ship_to": replace(ADDRESS, postal_code="")},
            DomainErrorCode.REQUIRED,
            "shipTo.postalCode",
        ),
        ({"ship_to": replace(ADDRESS, country="")}, DomainErrorCode.REQUIRED, "shipTo.country"),
        ({"ship_to": replace(ADDRESS, country="GBR")}, DomainErrorCode.INVALID, "shipTo.country"),
    ],
)
def test_invalid_orders_are_refused_and_nothing_is_written(shop, changes, code, field):
    # given
    shop.product("OLD", archived=True)
    shop.product("B-ONLY", client="B")
    shop.stock("SKU-1", "WH-A", 5)
    before = {table: count_rows(shop.db, table) for table in ORDER_TABLES}
    # when
    with pytest.raises(UserFacingError) as refused:
        place_order(shop.db, shop.client(), order_command(**changes))
    # then
    assert (refused.value.code, refused.value.field) == (code, field)
    assert {table: count_rows(shop.db, table) for table in ORDER_TABLES} == before


def test_a_provider_must_name_the_client(shop):
    with pytest.raises(DomainError) as refused:
        place_order(shop.db, shop.provider, order_command())
    assert (refused.value.code, refused.value.field) == (DomainErrorCode.REQUIRED, "clientId")


def test_a_client_cannot_order_for_another_client(shop):
    with pytest.raises(NotFoundError) as refused:
        place_order(shop.db, shop.client("A"), order_command(client_id=shop.tenant.clients["B"].id))
    assert (refused.value.code, refused.value.field) == (TenantErrorCode.NOT_FOUND, "clientId")


@pytest.mark.parametrize(
    "catalog_change",
    [
        pytest.param(lambda uow, product: catalog.archive_product(uow, product), id="archived"),
        pytest.param(
            lambda uow, product: catalog.update_product(uow, product, {"sku": "SKU-1-NEW"}),
            id="sku-renamed",
        ),
    ],
)
def test_a_retry_finds_its_order_after_the_product_changed(shop, catalog_change):
    # given: an order made (backordered, so the product can be archived), then its product changed
    first = place_order(shop.db, shop.client(), order_command())
    run(
        shop.db,
        shop.provider,
        lambda uow: catalog_change(uow, shop.products["SKU-1"]),
    )
    before = {table: count_rows(shop.db, table) for table in ORDER_TABLES}
    # when: the client's integration retries the request that made it
    again = place_order(shop.db, shop.client(), order_command())
    # then
    assert not again.created
    assert again.order.id == first.order.id
    assert {table: count_rows(shop.db, table) for table in ORDER_TABLES} == before
