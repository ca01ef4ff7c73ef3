"""Archiving races what adds stock: an archived product or warehouse never holds stock.

Each test holds one side's transaction open at the point it would commit and starts the
other side in a thread: the second must wait for the first (it locks what the first
locked), then see its outcome. Without the locks the second side would not wait, and
both would succeed: an archived product or warehouse with stock.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from domain.catalog.service import archive_product, archive_warehouse
from domain.errors import DomainError, DomainErrorCode
from domain.inventory.adjustments import AdjustmentReason, adjust
from domain.inventory.inbound import LineQuantity, create_inbound_shipment
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import make_tenant
from tests.factories_orders import make_product, make_warehouse

WAIT_S = 1.0
"""How long the second side gets to (wrongly) finish while the first holds its locks."""


class Second:
    """The other side of the race, in a thread: its result or its error."""

    def __init__(self, db: Any, tenant: Any, work: Callable[[TenantUnitOfWork], Any]):
        self.outcome: Any = None
        self.thread = threading.Thread(target=self._run, args=(db, tenant, work), daemon=True)

    def _run(self, db: Any, tenant: Any, work: Callable[[TenantUnitOfWork], Any]) -> None:
        try:
            with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
                work(uow)
                uow.commit()
            self.outcome = "done"
        except DomainError as error:
            self.outcome = error.code

    def start(self) -> Second:
        self.thread.start()
        return self

    def waiting(self) -> bool:
        self.thread.join(WAIT_S)
        return self.thread.is_alive()

    def finish(self) -> Any:
        self.thread.join(30)
        assert not self.thread.is_alive()
        return self.outcome


@pytest.fixture
def world(postgres_database):
    tenant = make_tenant(postgres_database)
    warehouse = make_warehouse(postgres_database, tenant, "WH-1")
    product = make_product(postgres_database, tenant, "A", "SKU-1")
    return postgres_database, tenant, warehouse, product


def announce(tenant: Any, product: uuid.UUID, warehouse: uuid.UUID) -> Callable[..., Any]:
    def work(uow: TenantUnitOfWork) -> Any:
        return create_inbound_shipment(
            uow, client_id=tenant.clients["A"].id, warehouse_id=warehouse,
            reference=f"PO-{uuid.uuid4().hex[:8]}", lines=[LineQuantity(product, 5)],
        )  # fmt: skip

    return work


def found(product: uuid.UUID, warehouse: uuid.UUID) -> Callable[[TenantUnitOfWork], Any]:
    return lambda uow: adjust(uow, product, warehouse, 5, AdjustmentReason.FOUND)


def provider_unit(db: Any, tenant: Any) -> TenantUnitOfWork:
    return TenantUnitOfWork(db.session_factory, tenant.scope)


def test_an_inbound_shipment_waits_for_the_archive_of_its_product_then_is_refused(world):
    db, tenant, warehouse, product = world
    # given the product being archived, not yet committed
    with provider_unit(db, tenant) as archiving:
        archive_product(archiving, product)
        # when a client announces goods of it
        second = Second(db, tenant, announce(tenant, product, warehouse)).start()
        blocked = second.waiting()
        archiving.commit()
    # then the announcement waited for the archive, and found the product archived
    assert blocked
    assert second.finish() is DomainErrorCode.ARCHIVED


def test_archiving_a_product_waits_for_stock_on_its_way_then_is_refused(world):
    db, tenant, warehouse, product = world
    with provider_unit(db, tenant) as announcing:
        announce(tenant, product, warehouse)(announcing)
        second = Second(db, tenant, lambda uow: archive_product(uow, product)).start()
        blocked = second.waiting()
        announcing.commit()
    assert blocked
    assert second.finish() is DomainErrorCode.CONFLICT


def test_stock_found_in_a_warehouse_being_archived_waits_then_is_refused(world):
    db, tenant, warehouse, product = world
    with provider_unit(db, tenant) as archiving:
        archive_warehouse(archiving, warehouse)
        second = Second(db, tenant, found(product, warehouse)).start()
        blocked = second.waiting()
        archiving.commit()
    assert blocked
    assert second.finish() is DomainErrorCode.ARCHIVED


def test_archiving_a_warehouse_waits_for_stock_being_booked_into_it_then_is_refused(world):
    db, tenant, warehouse, product = world
    with provider_unit(db, tenant) as adjusting:
        found(product, warehouse)(adjusting)
        second = Second(db, tenant, lambda uow: archive_warehouse(uow, warehouse)).start()
        blocked = second.waiting()
        adjusting.commit()
    assert blocked
    assert second.finish() is DomainErrorCode.CONFLICT
