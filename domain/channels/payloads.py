"""An imported channel order kept as JSON, to import it again or act on it in the channel."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from domain.addresses import Address
from domain.channels.adapter import ChannelLine, ChannelOrderData, ChannelOrderState


def to_payload(order: ChannelOrderData) -> dict[str, Any]:
    """The order as stored in `ChannelOrder.payload`."""
    return {
        "channel_order_id": order.channel_order_id,
        "updated_at": order.updated_at.isoformat(),
        "state": order.state.value,
        "ship_to": asdict(order.ship_to),
        "lines": [asdict(line) for line in order.lines],
        "service_level": order.service_level,
        "handle": order.handle,
    }


def from_payload(payload: dict[str, Any]) -> ChannelOrderData:
    """The order a stored payload holds."""
    return ChannelOrderData(
        channel_order_id=payload["channel_order_id"],
        updated_at=datetime.fromisoformat(payload["updated_at"]),
        state=ChannelOrderState(payload["state"]),
        ship_to=Address(**payload["ship_to"]),
        lines=tuple(ChannelLine(**line) for line in payload["lines"]),
        service_level=payload.get("service_level") or "standard",
        handle=payload.get("handle"),
    )
