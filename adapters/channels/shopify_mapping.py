"""Shopify Admin GraphQL shapes <-> Crossdock's: the one place that knows their field names.

Crossdock is a fulfillment service: Shopify assigns fulfillment orders to its location,
the merchant (or Shopify) submits a fulfillment request, Crossdock accepts it, and later
creates the fulfillment with tracking. One fulfillment order is one Crossdock order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.addresses import Address
from domain.channels.adapter import (
    ChannelLine,
    ChannelOrderData,
    ChannelOrderState,
    MalformedOrder,
    ShipmentReport,
    StockLevel,
)

SERVICE_NAME = "Crossdock"
GID_FULFILLMENT_ORDER = "gid://shopify/FulfillmentOrder/"
GID_VARIANT = "gid://shopify/ProductVariant/"

FULFILLMENT_ORDER_FIELDS = """id status requestStatus updatedAt
  order { id name email }
  destination { firstName lastName company address1 address2 city province countryCode zip
                phone email }
  deliveryMethod { methodType serviceCode }
  lineItems(first: 100) { nodes { id sku remainingQuantity totalQuantity
                                  variant { id sku } } }"""

SHOP = (
    "query { shop { name myshopifyDomain fulfillmentServices { id serviceName location { id } } } }"
)
CREATE_SERVICE = """mutation($name: String!, $callbackUrl: URL) {
  fulfillmentServiceCreate(name: $name, callbackUrl: $callbackUrl, trackingSupport: true,
                           inventoryManagement: true) {
    fulfillmentService { id serviceName location { id } } userErrors { field message } } }"""
DELETE_SERVICE = """mutation($id: ID!) {
  fulfillmentServiceDelete(id: $id) { deletedId userErrors { field message } } }"""
ASSIGNED = (
    """query($status: FulfillmentOrderAssignmentStatus!, $locations: [ID!], $after: String) {
  assignedFulfillmentOrders(first: 50, after: $after, assignmentStatus: $status,
                            locationIds: $locations) {
    nodes { """
    + FULFILLMENT_ORDER_FIELDS
    + """ } pageInfo { hasNextPage endCursor } } }"""
)
ACCEPT = """mutation($id: ID!, $message: String) {
  fulfillmentOrderAcceptFulfillmentRequest(id: $id, message: $message) {
    fulfillmentOrder { id status requestStatus } userErrors { field message } } }"""
FULFIL = """mutation($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo { company number url } }
    userErrors { field message } } }"""
ACCEPT_CANCELLATION = """mutation($id: ID!, $message: String) {
  fulfillmentOrderAcceptCancellationRequest(id: $id, message: $message) {
    fulfillmentOrder { id status requestStatus } userErrors { field message } } }"""
REJECT_CANCELLATION = """mutation($id: ID!, $message: String) {
  fulfillmentOrderRejectCancellationRequest(id: $id, message: $message) {
    fulfillmentOrder { id status requestStatus } userErrors { field message } } }"""
VARIANTS = """query($query: String!) {
  productVariants(first: 100, query: $query) { nodes { id sku inventoryItem { id } } } }"""
SET_QUANTITIES = """mutation($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason } userErrors { field message code } } }"""


def fulfillment_order(raw: Any, cancelling: bool = False) -> ChannelOrderData | MalformedOrder:
    """An assigned fulfillment order as Crossdock reads it, or why it cannot be read."""
    gid = raw.get("id") if isinstance(raw, dict) else None
    number = str(gid).rsplit("/", 1)[-1] if gid else None
    try:
        to = raw["destination"] or {}
        name = " ".join(p for p in (to.get("firstName"), to.get("lastName")) if p)
        ship_to = Address(
            name=name,
            company=to.get("company") or None,
            line1=to.get("address1") or "",
            line2=to.get("address2") or None,
            city=to.get("city") or "",
            region=to.get("province") or None,
            postal_code=to.get("zip") or "",
            country=to.get("countryCode") or "",
            phone=to.get("phone") or None,
            email=to.get("email") or (raw.get("order") or {}).get("email") or None,
        )
        lines = tuple(_line(node) for node in raw["lineItems"]["nodes"])
        lines = tuple(line for line in lines if line.quantity > 0)
        if number is None or not lines:
            raise ValueError("no id" if number is None else "no line left to fulfil")
        return ChannelOrderData(
            channel_order_id=number,
            updated_at=_time(raw["updatedAt"]),
            state=_state(raw, cancelling),
            ship_to=ship_to,
            lines=lines,
            service_level=_service_level(raw.get("deliveryMethod") or {}),
            handle=str(gid),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return MalformedOrder(number, f"Unreadable Shopify fulfillment order ({error!r}).")


def fulfillment(order: ChannelOrderData, shipment: ShipmentReport) -> dict[str, Any]:
    """The FulfillmentInput that ships a whole fulfillment order with its tracking."""
    tracking: dict[str, Any] = {"company": shipment.carrier, "number": shipment.tracking_number}
    if shipment.tracking_url:
        tracking["url"] = shipment.tracking_url
    return {
        "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": order.handle}],
        "trackingInfo": tracking,
        "notifyCustomer": True,
    }


def sku_query(skus: list[str]) -> str:
    """A product-variant search for these SKUs."""
    return " OR ".join(f"sku:{_quoted(sku)}" for sku in skus)


def quantities(levels: list[StockLevel], items: dict[str, str], location_id: str) -> dict[str, Any]:
    """The InventorySetQuantitiesInput that sets `available` at the location."""
    return {
        "name": "available",
        "reason": "correction",
        "ignoreCompareQuantity": True,
        "quantities": [
            {"inventoryItemId": items[level.channel_sku], "locationId": location_id,
             "quantity": level.quantity}
            for level in levels
            if level.channel_sku in items
        ],
    }  # fmt: skip


def cursor_of(moment: datetime) -> str:
    """A cursor: the modification time of the newest fulfillment order seen."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _line(node: dict[str, Any]) -> ChannelLine:
    variant = node.get("variant") or {}
    quantity = int(node.get("remainingQuantity", node.get("totalQuantity")))
    if quantity < 0:
        raise ValueError(f"line quantity {quantity}")
    variant_id = str(variant["id"]).rsplit("/", 1)[-1] if variant.get("id") else None
    sku = node.get("sku") or variant.get("sku")
    return ChannelLine(
        sku=str(sku).strip() or None if sku else None,
        variant_id=variant_id,
        quantity=quantity,
        line_id=str(node["id"]),
    )


def _state(raw: dict[str, Any], cancelling: bool) -> ChannelOrderState:
    if cancelling or raw.get("requestStatus") == "CANCELLATION_REQUESTED":
        return ChannelOrderState.CANCELLED
    if raw.get("status") in ("CANCELLED", "CLOSED"):
        return (
            ChannelOrderState.CANCELLED if raw["status"] == "CANCELLED" else ChannelOrderState.OTHER
        )
    return ChannelOrderState.OPEN


def _service_level(method: dict[str, Any]) -> str:
    code = f"{method.get('serviceCode') or ''}".lower()
    if "overnight" in code or "next" in code:
        return "overnight"
    if "express" in code or "priority" in code:
        return "express"
    return "standard"


def _time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
