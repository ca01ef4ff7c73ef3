"""What every sales-channel adapter offers, in Crossdock's own shapes, and how it fails.

An adapter maps its platform's payloads to these types in one place (its mapping module);
nothing else in Crossdock knows a platform's field names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from domain.addresses import Address

CHANNEL_ORDER_ID_MAX = 64
"""The longest channel order id kept (`ChannelOrder.channel_order_id`); longer is malformed."""


class ChannelOrderState(StrEnum):
    """Where the channel says an order stands, as far as fulfilment cares."""

    OPEN = "open"
    """Paid and waiting for fulfilment: import it."""
    CANCELLED = "cancelled"
    """Cancelled in the shop (or a cancellation was requested): stop it if it has not shipped."""
    OTHER = "other"
    """Pending payment, on hold, already completed elsewhere: not ours to fulfil (yet)."""


@dataclass(frozen=True)
class ChannelLine:
    """One line as the channel sent it: its SKU and/or variant id, and how many."""

    sku: str | None
    variant_id: str | None
    quantity: int
    line_id: str | None = None


@dataclass(frozen=True)
class ChannelOrderData:
    """An order read from a channel, in Crossdock's terms."""

    channel_order_id: str
    updated_at: datetime
    state: ChannelOrderState
    ship_to: Address
    lines: tuple[ChannelLine, ...]
    service_level: str = "standard"
    handle: str | None = None
    """Whatever the adapter needs later to act on this order (Shopify: the fulfillment order)."""

    def __post_init__(self) -> None:
        if not self.channel_order_id or len(self.channel_order_id) > CHANNEL_ORDER_ID_MAX:
            raise ValueError(f"an order id of 1 to {CHANNEL_ORDER_ID_MAX} characters is needed")
        if self.updated_at.tzinfo is None:
            raise ValueError("updated_at must be tz-aware")
        object.__setattr__(self, "updated_at", self.updated_at.astimezone(UTC))


@dataclass(frozen=True)
class MalformedOrder:
    """An order whose payload could not be read; recorded as an import error."""

    channel_order_id: str | None
    message: str


@dataclass(frozen=True)
class OrderBatch:
    """What one poll found: orders oldest first, unreadable ones, and the cursor after them."""

    orders: tuple[ChannelOrderData, ...]
    cursor: str | None
    malformed: tuple[MalformedOrder, ...] = ()
    more: bool = False
    """True when the channel holds more after `cursor`: poll again at once."""


@dataclass(frozen=True)
class WebhookNews:
    """What a verified webhook said: orders it carried, and whether to poll for more."""

    orders: tuple[ChannelOrderData, ...] = ()
    malformed: tuple[MalformedOrder, ...] = ()
    poll: bool = False
    """The channel only said that something is waiting (Shopify's fulfillment requests)."""


@dataclass(frozen=True)
class ShipmentReport:
    """A shipped fulfillment: carrier, tracking, and which channel lines it carried."""

    carrier: str
    tracking_number: str
    tracking_url: str | None = None
    handle: str | None = None


@dataclass(frozen=True)
class StockLevel:
    """How many of a channel SKU the channel's location should show."""

    channel_sku: str
    quantity: int


@dataclass(frozen=True)
class ChannelCheck:
    """What `check` found in the shop."""

    shop_name: str
    location_id: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class SalesChannel(Protocol):
    """A channel adapter. Calls that reach the shop raise only ChannelError."""

    def check(self) -> ChannelCheck:
        """Reach the shop with the credentials; set up what the model needs (a location)."""
        ...

    def orders_since(self, cursor: str | None) -> OrderBatch:
        """Orders changed after `cursor` (None: everything open), oldest first."""
        ...

    def acknowledge(self, order: ChannelOrderData) -> None:
        """Tell the channel the order is taken on (Shopify: accept the fulfillment request)."""
        ...

    def report_shipment(self, order: ChannelOrderData, shipment: ShipmentReport) -> None:
        """Tell the channel the order shipped, with carrier and tracking."""
        ...

    def cancel(self, order: ChannelOrderData, accepted: bool, message: str) -> None:
        """Answer a cancellation: accepted (nothing shipped) or refused (too late)."""
        ...

    def set_stock(self, levels: Sequence[StockLevel]) -> int:
        """Set the location's quantities; how many SKUs the channel knew."""
        ...

    def disconnect(self) -> None:
        """Undo what `check` set up in the shop (Shopify: Crossdock's fulfillment service
        and its location); nothing where the merchant set everything up (WooCommerce)."""
        ...

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether the raw body carries the channel's valid signature. Read nothing else first."""
        ...

    def read_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookNews:
        """The news of a verified webhook."""
        ...


class ChannelError(Exception):
    """A channel did not do what was asked. Messages never hold credentials."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TransientChannelError(ChannelError):
    """Might work later: a timeout, a 5xx, throttling; `retry_after` in seconds if known."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentChannelError(ChannelError):
    """Refused for a reason retrying will not fix: bad credentials, an unknown shop."""


class ChannelAccessError(PermanentChannelError):
    """The shop refused the connection itself, not the request (bad credentials, missing
    permissions, a frozen or locked shop, Crossdock's location gone): nothing works until
    someone fixes it, and then the work refused meanwhile is still wanted."""
