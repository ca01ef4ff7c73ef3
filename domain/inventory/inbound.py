"""Inbound shipments (ASNs): announced by a client, received and closed by the provider.

Announcing raises `incoming`; receiving raises `on_hand` by what arrived and lowers
`incoming` by what was still expected (never below zero, so over-receipts only add
stock); closing settles what never arrived. Every step is a ledger movement.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select

from domain.catalog.models import Product
from domain.catalog.service import find_place_for, lock_live
from domain.catalog.validation import optional_text
from domain.clients import owning_client, require_provider
from domain.errors import DomainError, DomainErrorCode, not_found
from domain.inventory.adjustments import NOTE_MAX
from domain.inventory.ledger import Reference, ensure_level, lock_levels, post
from domain.inventory.models import (
    InboundShipment,
    InboundShipmentLine,
    InboundStatus,
    MovementKind,
)
from domain.limits import check_quantity
from domain.outbox.events import Topic, record
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_code

REFERENCE_MAX = 64
MAX_LINES = 500
REFERENCE_TYPE = "inbound_shipment"


@dataclass(frozen=True)
class LineQuantity:
    """A product and a number of its units, as announced or as received."""

    product_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class InboundResult:
    """An inbound shipment and its lines after a change."""

    shipment: InboundShipment
    lines: list[InboundShipmentLine]


def create_inbound_shipment(
    uow: TenantUnitOfWork,
    *,
    client_id: uuid.UUID | None,
    warehouse_id: uuid.UUID,
    reference: str,
    lines: Sequence[LineQuantity],
    expected_at: datetime | None = None,
) -> InboundResult:
    """Announce goods on their way to a warehouse; their quantities become `incoming`."""
    client_id = owning_client(uow, client_id)
    reference = clean_code(reference, "reference", REFERENCE_MAX)
    if expected_at is not None and expected_at.tzinfo is None:
        raise DomainError(
            DomainErrorCode.INVALID, "Give expectedAt with a time zone.", "expectedAt"
        )
    warehouse = find_place_for(uow, warehouse_id, client_id, "warehouseId")
    if warehouse.archived_at is not None:
        raise DomainError(DomainErrorCode.ARCHIVED, "The warehouse is archived.", "warehouseId")
    _check_lines(lines)
    products = _client_products(uow, client_id, lines)
    lock_live(
        uow,
        {line.product_id: f"lines.{index}.productId" for index, line in enumerate(lines)},
        {warehouse.id: "warehouseId"},
    )
    _check_reference(uow, client_id, reference)
    shipment = InboundShipment(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=client_id,
        warehouse_id=warehouse.id,
        reference=reference,
        status=InboundStatus.OPEN,
        expected_at=expected_at,
    )
    uow.add(shipment)
    rows = [
        InboundShipmentLine(
            provider_id=uow.scope.provider_id,
            id=new_id(),
            client_id=client_id,
            inbound_shipment_id=shipment.id,
            product_id=products[line.product_id].id,
            expected_quantity=line.quantity,
            received_quantity=0,
        )
        for line in lines
    ]
    uow.add_all(rows)
    uow.flush()
    for row in sorted(rows, key=lambda r: r.product_id):
        level = ensure_level(uow, client_id, row.product_id, warehouse.id)
        post(
            uow,
            level,
            MovementKind.EXPECTED,
            incoming=row.expected_quantity,
            reason="inbound_announced",
            reference=Reference(REFERENCE_TYPE, shipment.id),
        )
    uow.flush()
    return InboundResult(shipment, rows)


def receive_inbound_shipment(
    uow: TenantUnitOfWork,
    shipment_id: uuid.UUID,
    lines: Sequence[LineQuantity],
    note: str | None = None,
) -> InboundResult:
    """Book goods that arrived (partial or more than announced).

    `services.stock.receive_inbound_shipment` then gives them to waiting orders.
    """
    require_provider(uow.scope)
    shipment, rows = _locked(uow, shipment_id)
    if shipment.status is InboundStatus.CLOSED:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION, "The inbound shipment is closed.", "id"
        )
    _check_lines(lines)
    note = optional_text(note, "note", NOTE_MAX)
    by_product = {row.product_id: row for row in rows}
    for index, line in enumerate(lines):
        if line.product_id not in by_product:
            raise not_found("line of this shipment", f"lines.{index}.productId")
    lock_live(
        uow,
        {line.product_id: f"lines.{index}.productId" for index, line in enumerate(lines)},
        {shipment.warehouse_id: "id"},
    )
    # Lock these products' levels in every warehouse now, in the ledger's global order:
    # the backorder allocation that follows a receipt locks them all, and taking the receiving
    # warehouse's first would invert the order an order creation takes them in (deadlock).
    lock_levels(uow, [line.product_id for line in lines])
    for line in sorted(lines, key=lambda item: item.product_id):
        row = by_product[line.product_id]
        settled = min(line.quantity, max(row.expected_quantity - row.received_quantity, 0))
        level = ensure_level(uow, row.client_id, row.product_id, shipment.warehouse_id)
        post(
            uow,
            level,
            MovementKind.RECEIPT,
            on_hand=line.quantity,
            incoming=-settled,
            reason="inbound_received",
            note=note,
            reference=Reference(REFERENCE_TYPE, shipment.id),
        )
        row.received_quantity += line.quantity
    shipment.status = InboundStatus.RECEIVING
    uow.flush()
    _received_event(uow, shipment, lines)
    return InboundResult(shipment, rows)


def close_inbound_shipment(uow: TenantUnitOfWork, shipment_id: uuid.UUID) -> InboundResult:
    """Stop expecting what never arrived; closing twice changes nothing."""
    require_provider(uow.scope)
    shipment, rows = _locked(uow, shipment_id)
    if shipment.status is InboundStatus.CLOSED:
        return InboundResult(shipment, rows)
    for row in sorted(rows, key=lambda r: r.product_id):
        missing = row.expected_quantity - row.received_quantity
        if missing <= 0:
            continue
        level = ensure_level(uow, row.client_id, row.product_id, shipment.warehouse_id)
        post(
            uow,
            level,
            MovementKind.EXPECTED,
            incoming=-missing,
            reason="inbound_closed",
            reference=Reference(REFERENCE_TYPE, shipment.id),
        )
    shipment.status = InboundStatus.CLOSED
    shipment.closed_at = utcnow()
    uow.flush()
    return InboundResult(shipment, rows)


def _locked(
    uow: TenantUnitOfWork, shipment_id: uuid.UUID
) -> tuple[InboundShipment, list[InboundShipmentLine]]:
    shipment = uow.get_or_not_found(InboundShipment, shipment_id, "inbound shipment", lock=True)
    rows = uow.scalars(
        uow.select(InboundShipmentLine)
        .where(InboundShipmentLine.inbound_shipment_id == shipment.id)
        .order_by(InboundShipmentLine.product_id)
        .execution_options(populate_existing=True)
    )
    return shipment, list(rows)


def _check_lines(lines: Sequence[LineQuantity]) -> None:
    if not lines:
        raise DomainError(DomainErrorCode.REQUIRED, "Give at least one line.", "lines")
    if len(lines) > MAX_LINES:
        raise DomainError(DomainErrorCode.TOO_MANY_LINES, f"At most {MAX_LINES} lines.", "lines")
    seen: set[uuid.UUID] = set()
    for index, line in enumerate(lines):
        if line.quantity <= 0:
            raise DomainError(
                DomainErrorCode.NOT_POSITIVE,
                "quantity must be above zero.",
                f"lines.{index}.quantity",
            )
        check_quantity(line.quantity, f"lines.{index}.quantity")
        if line.product_id in seen:
            raise DomainError(
                DomainErrorCode.DUPLICATE,
                "Each product may appear on one line only.",
                f"lines.{index}.productId",
            )
        seen.add(line.product_id)


def _client_products(
    uow: TenantUnitOfWork, client_id: uuid.UUID, lines: Sequence[LineQuantity]
) -> dict[uuid.UUID, Product]:
    wanted = [line.product_id for line in lines]
    stmt = uow.select(Product).where(Product.id.in_(wanted), Product.client_id == client_id)
    products = {product.id: product for product in uow.scalars(stmt)}
    for index, line in enumerate(lines):
        product = products.get(line.product_id)
        if product is None:
            raise not_found("product", f"lines.{index}.productId")
        if product.archived_at is not None:
            raise DomainError(
                DomainErrorCode.ARCHIVED, "The product is archived.", f"lines.{index}.productId"
            )
    return products


def _check_reference(uow: TenantUnitOfWork, client_id: uuid.UUID, reference: str) -> None:
    stmt = uow.select(InboundShipment).where(
        InboundShipment.client_id == client_id, InboundShipment.reference == reference
    )
    if uow.scalar(select(exists(stmt))):
        raise DomainError(
            DomainErrorCode.DUPLICATE,
            f"The client has an inbound shipment {reference!r}.",
            "reference",
        )


def _received_event(
    uow: TenantUnitOfWork, shipment: InboundShipment, lines: Sequence[LineQuantity]
) -> None:
    """Goods were booked in: what billing charges receiving for."""
    record(
        uow,
        Topic.INBOUND_RECEIVED,
        aggregate_type="inbound_shipment",
        aggregate_id=shipment.id,
        client_id=shipment.client_id,
        payload={
            "inbound_shipment_id": str(shipment.id),
            "warehouse_id": str(shipment.warehouse_id),
            "client_id": str(shipment.client_id),
            "receipt_id": str(new_id()),
            "lines": [{"product_id": str(x.product_id), "quantity": x.quantity} for x in lines],
            "units": sum(x.quantity for x in lines),
        },
    )
