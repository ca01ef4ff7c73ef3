"""Inputs of supplier mutations: the catalog, SLAs, stock reports and the supplier's steps."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from api.addresses import AddressInput
from api.money import MoneyInput
from api.orders.types import RejectionReasonEnum


@strawberry.input(description="Link a supplier to a client product it can ship.")
class LinkSupplierProductInput:
    supplier_id: relay.GlobalID = strawberry.field(description="The supplier (not archived).")
    product_id: relay.GlobalID = strawberry.field(description="The client's product.")
    supplier_sku: str = strawberry.field(description="The supplier's own SKU for it.")
    unit_cost: MoneyInput = strawberry.field(description="What the supplier charges per unit.")
    lead_time_days: int = strawberry.field(default=0, description="Days it needs to ship.")
    min_quantity: int = strawberry.field(default=1, description="Fewest units per line, 1 up.")
    active: bool = strawberry.field(default=True, description="Whether routing may use it.")


@strawberry.input(description="Change a catalog link; fields left out stay as they are.")
class UpdateSupplierProductInput:
    id: relay.GlobalID = strawberry.field(description="The link.")
    supplier_sku: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new supplier SKU."
    )
    unit_cost: MoneyInput | None = strawberry.field(
        default=strawberry.UNSET, description="A new unit cost."
    )
    lead_time_days: int | None = strawberry.field(
        default=strawberry.UNSET, description="A new lead time in days."
    )
    min_quantity: int | None = strawberry.field(
        default=strawberry.UNSET, description="A new minimum quantity."
    )
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="false stops routing to it; true resumes."
    )


@strawberry.input(description="Set a supplier's deadlines (its SLA) for work routed from now on.")
class SetSupplierServiceLevelsInput:
    id: relay.GlobalID = strawberry.field(description="The supplier.")
    acknowledge_within_hours: int | None = strawberry.field(
        default=None, description="Hours to acknowledge, 1 to 2160; null: no deadline."
    )
    ship_within_hours: int | None = strawberry.field(
        default=None, description="Hours from routing to shipping, 1 to 2160; null: no deadline."
    )


@strawberry.input(description="Stop routing to a supplier; its open work stays.")
class ArchiveSupplierInput:
    id: relay.GlobalID = strawberry.field(description="The supplier.")


@strawberry.input(description="What a supplier can ship of one product, beyond work routed to it.")
class SupplierStockLineInput:
    product_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The product; or give supplierSku."
    )
    supplier_sku: str | None = strawberry.field(
        default=None, description="The supplier's SKU of the product; or give productId."
    )
    available: int = strawberry.field(description="Units, 0 or more; replaces the last report.")


@strawberry.input(description="A supplier reports what it can ship.")
class ReportSupplierStockInput:
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a supplier key reports its own."
    )
    lines: list[SupplierStockLineInput] = strawberry.field(
        description="One per product, each at most once."
    )


@strawberry.input(
    description=(
        "A supplier uploads its stock as CSV text: a header row naming `supplier_sku` and "
        "`available`, then one row per product (other columns are ignored)."
    )
)
class UploadSupplierStockCsvInput:
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a supplier key uploads its own."
    )
    csv: str = strawberry.field(description="The file's text, UTF-8, at most 5,000 rows.")


@strawberry.input(description="A supplier accepts a fulfillment order routed to it.")
class AcknowledgeFulfillmentOrderInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")


@strawberry.input(description="A supplier turns a fulfillment order down; it is routed on.")
class RejectFulfillmentOrderInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")
    reason: RejectionReasonEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why."
    )
    note: str | None = strawberry.field(default=None, description="More words, up to 500.")


@strawberry.input(description="A supplier handed a fulfillment order's parcel to a carrier.")
class ShipSupplierFulfillmentOrderInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")
    carrier: str = strawberry.field(description="Who carries it, e.g. DHL.")
    tracking_number: str = strawberry.field(description="The carrier's tracking number.")


@strawberry.input(description="Where a supplier's parcels leave from, for labels it buys.")
class SetSupplierShipFromInput:
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a supplier key sets its own."
    )
    address: AddressInput = strawberry.field(
        description="The dispatch address; name or company is who the label shows as sender."
    )


@strawberry.input(
    description=(
        "A supplier asks Crossdock for a label for its fulfillment order, bought through the "
        "client's carrier accounts from the supplier's ship-from address."
    )
)
class BuySupplierLabelInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")


def link_fields(given: Any) -> dict[str, Any]:
    """The columns a link input sets (UNSET fields left out)."""
    fields: dict[str, Any] = {}
    for name in ("supplier_sku", "lead_time_days", "min_quantity", "active"):
        value = getattr(given, name, strawberry.UNSET)
        if value is not strawberry.UNSET:
            fields[name] = value
    cost = getattr(given, "unit_cost", strawberry.UNSET)
    if cost is not strawberry.UNSET:
        fields["unit_cost"] = None if cost is None else cost.amount
        fields["currency"] = None if cost is None else _currency(cost.currency)
    return fields


def _currency(value: Any) -> str:
    return str(getattr(value, "value", value))
