"""What every carrier adapter offers: rates, labels and tracking, and how it fails."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol, runtime_checkable

from domain.addresses import Address
from domain.shipping.parcels import Parcel


class ServiceLevel(StrEnum):
    """How fast a service delivers, as an order asks for it."""

    STANDARD = "standard"
    EXPRESS = "express"
    OVERNIGHT = "overnight"

    @property
    def speed(self) -> int:
        """Higher is faster: standard 0, express 1, overnight 2."""
        return list(ServiceLevel).index(self)

    def at_least_as_fast_as(self, other: ServiceLevel) -> bool:
        """Whether this level meets an order that asked for `other`."""
        return self.speed >= other.speed


class LabelFormat(StrEnum):
    """The file a label comes as: ZPL II for thermal printers, or PDF."""

    ZPL = "ZPL"
    PDF = "PDF"


class TrackingStatus(StrEnum):
    """A carrier's tracking status, normalized across carriers."""

    UNKNOWN = "unknown"
    PRE_TRANSIT = "pre_transit"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    RETURN_TO_SENDER = "return_to_sender"
    FAILURE = "failure"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class Rate:
    """A price a carrier quotes for one service; `reference` is opaque, for `buy_label`."""

    carrier: str
    service: str
    service_level: ServiceLevel
    amount: Decimal
    currency: str
    transit_days: int | None
    reference: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or self.amount < 0:
            raise ValueError("a rate amount is a non-negative Decimal")


@dataclass(frozen=True, kw_only=True)
class Label:
    """A bought label; `carrier_reference` is opaque, kept for `track`."""

    carrier: str
    service: str
    tracking_number: str
    label_format: LabelFormat
    content: bytes
    cost: Decimal
    currency: str
    carrier_reference: str


@dataclass(frozen=True, kw_only=True)
class TrackingUpdate:
    """One event in a parcel's journey; `occurred_at` is tz-aware, in UTC."""

    status: TrackingStatus
    raw_status: str
    description: str
    occurred_at: datetime
    location: str | None = None

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be tz-aware")
        object.__setattr__(self, "occurred_at", self.occurred_at.astimezone(UTC))


@runtime_checkable
class Carrier(Protocol):
    """A carrier adapter. Methods raise only CarrierError for what the carrier refuses or fails."""

    code: str

    def rates(self, parcel: Parcel, ship_from: Address, ship_to: Address) -> Sequence[Rate]:
        """Every service this carrier offers for the parcel, priced."""
        ...

    def buy_label(
        self,
        rate: Rate,
        parcel: Parcel,
        ship_from: Address,
        ship_to: Address,
        idempotency_key: str,
        label_format: LabelFormat = LabelFormat.ZPL,
    ) -> Label:
        """Buy the label of a quoted rate; the same key never buys twice."""
        ...

    def track(
        self, tracking_number: str, carrier_reference: str | None = None
    ) -> list[TrackingUpdate]:
        """The parcel's events so far, oldest first."""
        ...


def require_idempotency_key(idempotency_key: str) -> None:
    """Refuse to buy a label without a key: the key is what keeps a retry from buying twice."""
    if not idempotency_key:
        raise ValueError("an idempotency key is required")


class CarrierError(Exception):
    """A carrier did not do what was asked."""

    def __init__(
        self, message: str, *, carrier: str | None = None, causes: Sequence[CarrierError] = ()
    ):
        super().__init__(message)
        self.message = message
        self.carrier = carrier
        self.causes = tuple(causes)


class TransientCarrierError(CarrierError):
    """Might succeed if tried again later: a timeout, a 5xx, a 429; `retry_after` in seconds."""

    def __init__(
        self,
        message: str,
        *,
        carrier: str | None = None,
        retry_after: float | None = None,
        causes: Sequence[CarrierError] = (),
    ):
        super().__init__(message, carrier=carrier, causes=causes)
        self.retry_after = retry_after


class PermanentCarrierError(CarrierError):
    """Refused for a reason retrying will not fix (a bad address, too heavy); `reason` is theirs."""

    def __init__(
        self,
        message: str,
        *,
        carrier: str | None = None,
        code: str | None = None,
        causes: Sequence[CarrierError] = (),
    ):
        super().__init__(message, carrier=carrier, causes=causes)
        self.code = code

    @property
    def reason(self) -> str:
        """The carrier's own words for the refusal."""
        return self.message
