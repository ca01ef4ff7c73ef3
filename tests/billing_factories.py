"""Small builders for billing tests: rate cards, stock at a given time, events at a given time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from domain.billing.accrual import accrue_event
from domain.billing.invoice_models import Invoice
from domain.billing.models import Charge
from domain.billing.rate_cards import NewRateCard, create_rate_card
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.outbox.events import Topic, record
from domain.outbox.models import OutboxEvent
from tenants.unit_of_work import TenantUnitOfWork
from tests.catalog_factories import make_product, make_warehouse
from tests.conftest import TestDatabase
from tests.factories import TenantHandle, make_tenant


def utc(*parts: int) -> datetime:
    """A UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


@dataclass
class Books:
    """A provider with a Berlin warehouse and one product per client, ready to bill."""

    db: TestDatabase
    tenant: TenantHandle
    warehouse_id: uuid.UUID
    products: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def scope(self):
        return self.tenant.scope

    def client_id(self, code: str) -> uuid.UUID:
        return self.tenant.clients[code].id

    def unit(self) -> TenantUnitOfWork:
        return TenantUnitOfWork(self.db.session_factory, self.tenant.scope)

    def rate_card(self, client: str | None, effective_from: datetime, **rates: Any) -> uuid.UUID:
        """A committed rate card version; rates given as decimal strings."""
        new = NewRateCard(
            client_id=self.client_id(client) if client else None,
            effective_from=effective_from,
            currency="USD",
            rates={name: Decimal(value) for name, value in rates.items()},
        )
        with self.unit() as uow:
            card = create_rate_card(uow, new)
            uow.commit()
        return card.id

    def stock(self, client: str, quantity: int, at: datetime) -> None:
        """Receive units of the client's product into the warehouse, booked at `at`."""
        with self.unit() as uow:
            level = ledger.ensure_level(
                uow,
                self.client_id(client),
                self.products[client],
                self.warehouse_id,
            )
            movement = ledger.post(uow, level, MovementKind.RECEIPT, on_hand=quantity)
            movement.created_at = at
            uow.commit()

    def emit(self, topic: Topic, client: str, at: datetime, aggregate: str, **payload: Any):
        """An outbox event about the client, created at `at`; its id."""
        aggregate_id = uuid.uuid4()
        with self.unit() as uow:
            event = record(
                uow,
                topic,
                aggregate_type=aggregate,
                aggregate_id=aggregate_id,
                client_id=self.client_id(client),
                payload={"client_id": str(self.client_id(client)), **payload},
            )
            event.created_at = at
            uow.commit()
        return event.id

    def receipt(self, client: str, at: datetime, units: int, asn: str, receipt: str):
        return self.emit(
            Topic.INBOUND_RECEIVED,
            client,
            at,
            "inbound_shipment",
            inbound_shipment_id=asn,
            warehouse_id=str(self.warehouse_id),
            receipt_id=receipt,
            lines=[{"product_id": str(self.products[client]), "quantity": units}],
            units=units,
        )

    def shipped(self, client: str, at: datetime, order: str, units: int):
        return self.emit(
            Topic.ORDER_SHIPPED,
            client,
            at,
            "order",
            order_id=order,
            units=units,
            lines=1,
            shipped_at=at.isoformat(),
        )

    def shipment(self, client: str, at: datetime, shipment: str, cost: str):
        return self.emit(
            Topic.SHIPMENT_CREATED,
            client,
            at,
            "shipment",
            shipment_id=shipment,
            order_id=shipment,
            fulfillment_order_id=shipment,
            carrier="DHL",
            service="Parcel",
            cost=cost,
            currency="USD",
        )

    def process_events(self) -> int:
        """Deliver every outbox event to the billing consumer, one unit of work each."""
        with self.unit() as uow:
            ids = list(
                uow.session.scalars(
                    self.scope.select(OutboxEvent, OutboxEvent.id).order_by(OutboxEvent.id)
                )
            )
        added = 0
        for event_id in ids:
            with self.unit() as uow:
                added += accrue_event(uow, event_id)
                uow.commit()
        return added

    def invoices(self) -> dict[str, Invoice]:
        """Every invoice by "<client code> <period start>"."""
        codes = {handle.id: code for code, handle in self.tenant.clients.items()}
        with self.unit() as uow:
            rows = list(uow.session.scalars(self.scope.select(Invoice)))
            uow.session.expunge_all()
        return {f"{codes[i.client_id]} {i.period_start:%Y-%m}": i for i in rows}

    def charges(self) -> list[Charge]:
        with self.unit() as uow:
            rows = list(uow.session.scalars(self.scope.select(Charge).order_by(Charge.id)))
            uow.session.expunge_all()
        return rows

    def count(self, model: type) -> int:
        with self.unit() as uow:
            return len(list(uow.session.scalars(self.scope.restrict(select(model), model))))


def open_books(db: TestDatabase, name: str = "Northwind") -> Books:
    """A fresh provider with clients A and B, a Berlin warehouse and a product each."""
    tenant = make_tenant(db, name)
    books = Books(db, tenant, make_warehouse(db, tenant, timezone="Europe/Berlin"))
    books.products["A"] = make_product(
        db, tenant, "A", "A-1", length_mm=100, width_mm=200, height_mm=500
    )
    books.products["B"] = make_product(db, tenant, "B", "B-1")
    return books
