"""Mutations of the supplier side, each with its own payload.

The provider keeps the catalog and the SLAs; a supplier key (or the provider acting for
a supplier) reports stock and acknowledges, rejects and ships the work routed to it.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate, optional_id
from api.orders.types import FulfillmentOrderType
from api.permissions import requires
from api.suppliers.inputs import (
    AcknowledgeFulfillmentOrderInput,
    ArchiveSupplierInput,
    BuySupplierLabelInput,
    LinkSupplierProductInput,
    RejectFulfillmentOrderInput,
    ReportSupplierStockInput,
    SetSupplierServiceLevelsInput,
    SetSupplierShipFromInput,
    ShipSupplierFulfillmentOrderInput,
    UpdateSupplierProductInput,
    UploadSupplierStockCsvInput,
    link_fields,
)
from api.suppliers.types import SupplierProductType
from api.tenants.types import SupplierType
from domain.orders.models import RejectionReason
from domain.suppliers import catalog, fulfillment, labels
from domain.suppliers.models import SupplierProduct
from domain.suppliers.reports import StockReport, parse_csv
from services import suppliers as service
from tenants.unit_of_work import TenantUnitOfWork

_catalog = requires("clients:write", provider_only=True)
_stock = requires("inventory:write")
_work = requires("orders:write")


@strawberry.type
class SupplierProductChangePayload(Payload):
    """What every catalog-link mutation answers: the link as it is now."""

    supplier_product: SupplierProductType | None = strawberry.field(
        default=None, description="The link after the change; null when refused."
    )


@strawberry.type
class LinkSupplierProductPayload(SupplierProductChangePayload):
    pass


@strawberry.type
class UpdateSupplierProductPayload(SupplierProductChangePayload):
    pass


@strawberry.type
class SupplierChangePayload(Payload):
    """What every supplier mutation answers: the supplier as it is now."""

    supplier: SupplierType | None = strawberry.field(
        default=None, description="The supplier after the change; null when refused."
    )


@strawberry.type
class SetSupplierServiceLevelsPayload(SupplierChangePayload):
    pass


@strawberry.type
class ArchiveSupplierPayload(SupplierChangePayload):
    pass


@strawberry.type
class SetSupplierShipFromPayload(SupplierChangePayload):
    pass


@strawberry.type
class SupplierStockPayload(Payload):
    """What a stock report answers: the links whose stock it set."""

    supplier_products: list[SupplierProductType] | None = strawberry.field(
        default=None, description="The reported links with their stock; null when refused."
    )


@strawberry.type
class ReportSupplierStockPayload(SupplierStockPayload):
    pass


@strawberry.type
class UploadSupplierStockCsvPayload(SupplierStockPayload):
    pass


@strawberry.type
class SupplierFulfillmentPayload(Payload):
    """What every supplier step answers: the fulfillment order as it is now."""

    fulfillment_order: FulfillmentOrderType | None = strawberry.field(
        default=None, description="The fulfillment order after the change; null when refused."
    )


@strawberry.type
class AcknowledgeFulfillmentOrderPayload(SupplierFulfillmentPayload):
    pass


@strawberry.type
class RejectFulfillmentOrderPayload(SupplierFulfillmentPayload):
    pass


@strawberry.type
class ShipSupplierFulfillmentOrderPayload(SupplierFulfillmentPayload):
    pass


@strawberry.type
class BuySupplierLabelPayload(SupplierFulfillmentPayload):
    pass


def _links(uow: TenantUnitOfWork, ids: list[Any]) -> list[SupplierProduct]:
    rows = {
        row.id: row
        for row in uow.scalars(uow.select(SupplierProduct).where(SupplierProduct.id.in_(ids)))
    }
    return [rows[i] for i in ids]


def _line_reports(input: ReportSupplierStockInput) -> list[StockReport]:
    return [
        StockReport(
            available=line.available,
            field=f"lines.{index}",
            product_id=optional_id(line.product_id, "Product", f"lines.{index}.productId"),
            supplier_sku=line.supplier_sku,
        )
        for index, line in enumerate(input.lines)
    ]


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_catalog])
    async def link_supplier_product(
        self, info: Info[Context, None], input: LinkSupplierProductInput
    ) -> LinkSupplierProductPayload:
        """Record that a supplier can ship a client's product, on what terms."""

        def work(uow: TenantUnitOfWork) -> SupplierProduct:
            supplier_id = decode_id(input.supplier_id, "Supplier", "supplierId")
            product_id = decode_id(input.product_id, "Product", "productId")
            return catalog.link_product(uow, supplier_id, product_id, link_fields(input))

        return await mutate(
            info,
            LinkSupplierProductPayload,
            work,
            lambda row: LinkSupplierProductPayload(
                supplier_product=SupplierProductType.from_row(row)
            ),
        )

    @strawberry.mutation(permission_classes=[_catalog])
    async def update_supplier_product(
        self, info: Info[Context, None], input: UpdateSupplierProductInput
    ) -> UpdateSupplierProductPayload:
        """Change a link's terms; deactivating it stops routing to it."""
        return await mutate(
            info,
            UpdateSupplierProductPayload,
            lambda uow: catalog.update_link(
                uow, decode_id(input.id, "SupplierProduct", "id"), link_fields(input)
            ),
            lambda row: UpdateSupplierProductPayload(
                supplier_product=SupplierProductType.from_row(row)
            ),
        )

    @strawberry.mutation(permission_classes=[_catalog])
    async def set_supplier_service_levels(
        self, info: Info[Context, None], input: SetSupplierServiceLevelsInput
    ) -> SetSupplierServiceLevelsPayload:
        """Set how long a supplier may take to acknowledge and to ship."""
        return await mutate(
            info,
            SetSupplierServiceLevelsPayload,
            lambda uow: catalog.set_service_levels(
                uow,
                decode_id(input.id, "Supplier", "id"),
                input.acknowledge_within_hours,
                input.ship_within_hours,
            ),
            lambda row: SetSupplierServiceLevelsPayload(supplier=SupplierType.from_row(row)),
        )

    @strawberry.mutation(permission_classes=[_catalog])
    async def archive_supplier(
        self, info: Info[Context, None], input: ArchiveSupplierInput
    ) -> ArchiveSupplierPayload:
        """Stop routing to a supplier; its open fulfillment orders stay its own."""
        return await mutate(
            info,
            ArchiveSupplierPayload,
            lambda uow: catalog.archive_supplier(uow, decode_id(input.id, "Supplier", "id")),
            lambda row: ArchiveSupplierPayload(supplier=SupplierType.from_row(row)),
        )

    @strawberry.mutation(permission_classes=[_stock])
    async def report_supplier_stock(
        self, info: Info[Context, None], input: ReportSupplierStockInput
    ) -> ReportSupplierStockPayload:
        """A supplier sets what it can ship of some products (each replaces its last report)."""

        def work(uow: TenantUnitOfWork) -> list[SupplierProduct]:
            supplier_id = optional_id(input.supplier_id, "Supplier", "supplierId")
            return _links(
                uow, service.report_supplier_stock(uow, supplier_id, _line_reports(input))
            )

        return await mutate(
            info,
            ReportSupplierStockPayload,
            work,
            lambda rows: ReportSupplierStockPayload(
                supplier_products=[SupplierProductType.from_row(row) for row in rows]
            ),
        )

    @strawberry.mutation(permission_classes=[_stock])
    async def upload_supplier_stock_csv(
        self, info: Info[Context, None], input: UploadSupplierStockCsvInput
    ) -> UploadSupplierStockCsvPayload:
        """The same as reportSupplierStock, from a CSV file's text; one bad row refuses all."""

        def work(uow: TenantUnitOfWork) -> list[SupplierProduct]:
            supplier_id = optional_id(input.supplier_id, "Supplier", "supplierId")
            reports = parse_csv(input.csv)
            return _links(uow, service.report_supplier_stock(uow, supplier_id, reports))

        return await mutate(
            info,
            UploadSupplierStockCsvPayload,
            work,
            lambda rows: UploadSupplierStockCsvPayload(
                supplier_products=[SupplierProductType.from_row(row) for row in rows]
            ),
        )

    @strawberry.mutation(permission_classes=[_work])
    async def acknowledge_fulfillment_order(
        self, info: Info[Context, None], input: AcknowledgeFulfillmentOrderInput
    ) -> AcknowledgeFulfillmentOrderPayload:
        """A supplier accepts a fulfillment order routed to it (again: no change)."""
        return await mutate(
            info,
            AcknowledgeFulfillmentOrderPayload,
            lambda uow: fulfillment.acknowledge(uow, decode_id(input.id, "FulfillmentOrder", "id")),
            lambda step: AcknowledgeFulfillmentOrderPayload(
                fulfillment_order=FulfillmentOrderType.from_row(step[0])
            ),
        )

    @strawberry.mutation(permission_classes=[_work])
    async def reject_fulfillment_order(
        self, info: Info[Context, None], input: RejectFulfillmentOrderInput
    ) -> RejectFulfillmentOrderPayload:
        """A supplier turns a fulfillment order down; its lines are routed on at once."""
        return await mutate(
            info,
            RejectFulfillmentOrderPayload,
            lambda uow: service.reject_fulfillment(
                uow,
                decode_id(input.id, "FulfillmentOrder", "id"),
                RejectionReason(input.reason.value),
                input.note,
            ),
            lambda step: RejectFulfillmentOrderPayload(
                fulfillment_order=FulfillmentOrderType.from_row(step[0])
            ),
        )

    @strawberry.mutation(permission_classes=[_work])
    async def ship_supplier_fulfillment_order(
        self, info: Info[Context, None], input: ShipSupplierFulfillmentOrderInput
    ) -> ShipSupplierFulfillmentOrderPayload:
        """A supplier shipped a fulfillment order, with carrier and tracking; once only."""
        return await mutate(
            info,
            ShipSupplierFulfillmentOrderPayload,
            lambda uow: fulfillment.ship(
                uow,
                decode_id(input.id, "FulfillmentOrder", "id"),
                input.carrier,
                input.tracking_number,
            ),
            lambda step: ShipSupplierFulfillmentOrderPayload(
                fulfillment_order=FulfillmentOrderType.from_row(step[0])
            ),
        )

    @strawberry.mutation(permission_classes=[_work])
    async def set_supplier_ship_from(
        self, info: Info[Context, None], input: SetSupplierShipFromInput
    ) -> SetSupplierShipFromPayload:
        """Set where a supplier's parcels leave from (a supplier key: its own)."""
        return await mutate(
            info,
            SetSupplierShipFromPayload,
            lambda uow: labels.set_ship_from(
                uow,
                optional_id(input.supplier_id, "Supplier", "supplierId"),
                input.address.ship_to(),
            ),
            lambda row: SetSupplierShipFromPayload(supplier=SupplierType.from_row(row)),
        )

    @strawberry.mutation(permission_classes=[_work])
    async def buy_supplier_label(
        self, info: Info[Context, None], input: BuySupplierLabelInput
    ) -> BuySupplierLabelPayload:
        """A supplier asks for a label instead of reporting its own tracking: the fulfillment
        order is PACKED and carrier dispatch buys the label, then ships it (see `label`)."""
        return await mutate(
            info,
            BuySupplierLabelPayload,
            lambda uow: labels.request_label(uow, decode_id(input.id, "FulfillmentOrder", "id")),
            lambda step: BuySupplierLabelPayload(
                fulfillment_order=FulfillmentOrderType.from_row(step[0])
            ),
        )
