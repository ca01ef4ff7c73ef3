"""The seam between routing and the suppliers area: offers, links and assignment.

Creation locks the supplier stock rows it reads (after the inventory levels, in
(supplier, product) order), so what a decision gives a supplier is there to reserve;
the suppliers area's conditional reservation stays the last guard.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby

from domain.catalog.models import Product
from domain.orders.models import Order, OrderLine
from domain.routing.decision import Pick
from domain.routing.facts import StockKey
from domain.routing.rules import SourceKind, SourceRef
from domain.suppliers.assignment import SupplierPick, assign_to_supplier
from domain.suppliers.models import SupplierProduct, SupplierStock
from domain.suppliers.stock import supplier_availability
from tenants.unit_of_work import TenantUnitOfWork


def offers(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    product_ids: Iterable[uuid.UUID],
    *,
    lock: bool = False,
) -> tuple[dict[SourceRef, str], dict[StockKey, int], dict[StockKey, int]]:
    """The client's live suppliers of these products (source to code), what each offers,
    and the minimum quantities above 1 they ship."""
    products = sorted(set(product_ids))
    codes: dict[SourceRef, str] = {}
    available: dict[StockKey, int] = {}
    minimums: dict[StockKey, int] = {}
    for offers_of_product in supplier_availability(uow, client_id, products).values():
        for offer in offers_of_product:
            ref = SourceRef(SourceKind.SUPPLIER, offer.supplier_id)
            codes[ref] = offer.supplier_code
            available[(offer.product_id, ref)] = offer.available
            if offer.min_quantity > 1:
                minimums[(offer.product_id, ref)] = offer.min_quantity
    if lock and available:
        for row in uow.scalars(
            uow.select(SupplierStock)
            .where(
                SupplierStock.client_id == client_id,
                SupplierStock.product_id.in_(products),
                SupplierStock.supplier_id.in_(sorted({ref.id for ref in codes})),
            )
            .order_by(SupplierStock.supplier_id, SupplierStock.product_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ):
            key = (row.product_id, SourceRef(SourceKind.SUPPLIER, row.supplier_id))
            if key in available:
                available[key] = max(row.on_hand - row.allocated, 0)
    return codes, available, minimums


def linked_skus(uow: TenantUnitOfWork, client_id: uuid.UUID, supplier_id: uuid.UUID) -> set[str]:
    """SKUs of the client's products the supplier is actively linked to."""
    return set(
        uow.scalars(
            uow.select(SupplierProduct, Product.sku)
            .select_from(SupplierProduct)
            .join(
                Product,
                (Product.provider_id == SupplierProduct.provider_id)
                & (Product.id == SupplierProduct.product_id),
            )
            .where(
                SupplierProduct.client_id == client_id,
                SupplierProduct.supplier_id == supplier_id,
                SupplierProduct.active.is_(True),
            )
        )
    )


def assign(
    uow: TenantUnitOfWork,
    order: Order,
    lines: Mapping[int, OrderLine],
    picks: Sequence[Pick],
) -> int:
    """Hand supplier picks to their suppliers (one fulfillment order each); units reserved."""
    if not picks:
        return 0
    before = sum(line.allocated_quantity for line in lines.values())
    ordered = sorted(picks, key=lambda p: (p.source.id, p.line_number))
    for supplier_id, group in groupby(ordered, key=lambda p: p.source.id):
        assign_to_supplier(
            uow, order, supplier_id, [SupplierPick(lines[p.line_number], p.quantity) for p in group]
        )
    return sum(line.allocated_quantity for line in lines.values()) - before
