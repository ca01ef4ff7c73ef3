"""The Address value object: one postal address for orders, warehouses and carriers."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from domain.addresses import Address
from domain.catalog.models import Warehouse
from domain.orders.models import Order
from domain.orders.ship_to import update_ship_to
from tenants.unit_of_work import TenantUnitOfWork
from tests.catalog_factories import make_warehouse
from tests.factories import make_tenant
from tests.factories_orders import ADDRESS, order_command, place_order, run


def test_an_order_stores_its_ship_to_as_one_address_column_by_column(shop):
    # given
    sent = replace(ADDRESS, company=" Analytical Engines Ltd ", region="Westminster")
    # when
    order_id = place_order(shop.db, shop.client(), order_command(ship_to=sent)).order.id
    # then: the value object and the columns agree, cleaned on the way in
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        order = uow.get_or_not_found(Order, order_id, "order")
        assert order.ship_to == replace(sent, company="Analytical Engines Ltd")
        assert (order.ship_to_company, order.ship_to_region, order.ship_to_country) == (
            "Analytical Engines Ltd",
            "Westminster",
            "GB",
        )


def test_changing_the_ship_to_replaces_every_part_of_it(shop):
    # given: an order to London with a phone number
    first = replace(ADDRESS, phone="+44 20 7946 0000")
    order_id = place_order(shop.db, shop.client(), order_command(ship_to=first)).order.id
    moved = Address(name="Charles Babbage", line1="1 Dorset St", city="London",
                    postal_code="W1U 4EG", country="gb")  # fmt: skip
    # when
    run(shop.db, shop.client(), update_ship_to, order_id, moved)
    # then: the phone is gone with the old address, and the country is cleaned
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        order = uow.get_or_not_found(Order, order_id, "order")
        assert order.ship_to == replace(moved, country="GB")
        assert order.ship_to_phone is None


def test_a_warehouse_address_is_its_place_and_setting_it_keeps_the_warehouse_name(database):
    # given
    tenant = make_tenant(database)
    warehouse_id = make_warehouse(database, tenant)
    elsewhere = Address(line1="Kaiserkai 1", city="Hamburg", postal_code="20457", country="DE",
                        name="Somebody Else", phone="+49 40 0")  # fmt: skip
    # when
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        warehouse = uow.get_or_not_found(Warehouse, warehouse_id, "warehouse")
        before = warehouse.address
        warehouse.address = elsewhere
        uow.commit()
    # then: only the place columns changed; a warehouse has no addressee of its own
    assert before == Address(line1="Lagerstrasse 1", city="Berlin", postal_code="10115",
                             country="DE")  # fmt: skip
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        row = uow.execute(
            select(Warehouse.name, Warehouse.address_line1, Warehouse.city, Warehouse.country)
        ).one()
        warehouse = uow.get_or_not_found(Warehouse, warehouse_id, "warehouse")
        assert tuple(row) == ("Berlin One", "Kaiserkai 1", "Hamburg", "DE")
        assert warehouse.address == Address(line1="Kaiserkai 1", city="Hamburg",
                                            postal_code="20457", country="DE")  # fmt: skip


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        (Address(line1="1 St", city="X", postal_code="1", country="US"), "name"),
        (Address(name="A", line1="1 St", city="X", postal_code="1", country="us"), "ISO-2"),
        (Address(name="A", line1="1 St", city=" ", postal_code="1", country="US"), "city"),
        (Address(name="A", line1="1 St", city="X", postal_code="", country="US"), "postal_code"),
    ],
)
def test_a_carrier_gets_only_an_address_with_an_addressee_and_a_valid_country(address, problem):
    with pytest.raises(ValueError, match=problem):
        address.deliverable()


def test_a_place_addressed_to_someone_is_deliverable():
    place = Address(line1="1 Dock Rd", city="Reno", region="NV", postal_code="89501", country="US")
    addressed = place.addressed_to("Reno DC")
    assert addressed.deliverable() == replace(place, name="Reno DC")
