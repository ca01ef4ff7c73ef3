"""WooCommerce REST v3 shapes <-> Crossdock's: the one place that knows their field names."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.addresses import Address
from domain.channels.adapter import (
    ChannelLine,
    ChannelOrderData,
    ChannelOrderState,
    MalformedOrder,
)

OPEN_STATUSES = frozenset({"processing"})
CANCELLED_STATUSES = frozenset({"cancelled", "refunded", "failed"})
POLLED_STATUSES = "processing,cancelled,refunded"


def order(raw: Any) -> ChannelOrderData | MalformedOrder:
    """A WooCommerce order as Crossdock reads it, or why it cannot be read."""
    order_id = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") is not None else None
    try:
        status = str(raw["status"])
        shipping = raw.get("shipping") or {}
        billing = raw.get("billing") or {}
        name = " ".join(
            part for part in (shipping.get("first_name"), shipping.get("last_name")) if part
        )
        ship_to = Address(
            name=name,
            company=shipping.get("company") or None,
            line1=shipping.get("address_1") or "",
            line2=shipping.get("address_2") or None,
            city=shipping.get("city") or "",
            region=shipping.get("state") or None,
            postal_code=shipping.get("postcode") or "",
            country=shipping.get("country") or "",
            phone=shipping.get("phone") or billing.get("phone") or None,
            email=billing.get("email") or None,
        )
        lines = tuple(_line(item) for item in raw["line_items"])
        if order_id is None:
            raise KeyError("id")
        return ChannelOrderData(
            channel_order_id=order_id,
            updated_at=modified_at(raw),
            state=_state(status),
            ship_to=ship_to,
            lines=lines,
            service_level=_service_level(raw.get("shipping_lines") or []),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return MalformedOrder(order_id, f"Unreadable WooCommerce order ({error!r}).")


def modified_at(raw: dict[str, Any]) -> datetime:
    """The order's last modification, from date_modified_gmt (UTC, written without offset)."""
    value = raw.get("date_modified_gmt") or raw["date_created_gmt"]
    moment = datetime.fromisoformat(str(value).replace("Z", ""))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def cursor_of(moment: datetime) -> str:
    """A poll cursor: the modification time, as modified_after takes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def shipment_note(carrier: str, tracking_number: str) -> dict[str, Any]:
    """The customer note that carries the tracking."""
    return {
        "note": f"Shipped with {carrier}, tracking number {tracking_number}.",
        "customer_note": True,
    }


def completed(carrier: str, tracking_number: str) -> dict[str, Any]:
    """The update that completes an order, with the tracking in its meta data."""
    return {
        "status": "completed",
        "meta_data": [
            {"key": "_crossdock_carrier", "value": carrier},
            {"key": "_crossdock_tracking_number", "value": tracking_number},
        ],
    }


def stock_update(product_id: int, quantity: int) -> dict[str, Any]:
    """One product's entry of a batch stock update."""
    return {"id": product_id, "manage_stock": True, "stock_quantity": quantity}


def _line(item: dict[str, Any]) -> ChannelLine:
    quantity = int(item["quantity"])
    if quantity <= 0:
        raise ValueError(f"line quantity {quantity}")
    variation = item.get("variation_id") or item.get("product_id")
    return ChannelLine(
        sku=(str(item["sku"]).strip() or None) if item.get("sku") else None,
        variant_id=str(variation) if variation else None,
        quantity=quantity,
        line_id=str(item["id"]) if item.get("id") is not None else None,
    )


def _state(status: str) -> ChannelOrderState:
    if status in OPEN_STATUSES:
        return ChannelOrderState.OPEN
    if status in CANCELLED_STATUSES:
        return ChannelOrderState.CANCELLED
    return ChannelOrderState.OTHER


def _service_level(shipping_lines: list[dict[str, Any]]) -> str:
    title = " ".join(
        f"{line.get('method_id', '')} {line.get('method_title', '')}" for line in shipping_lines
    ).lower()
    if "overnight" in title or "next day" in title:
        return "overnight"
    if "express" in title:
        return "express"
    return "standard"
