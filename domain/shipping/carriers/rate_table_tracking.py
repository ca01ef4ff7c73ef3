"""The demo carrier's tracking: numbers derived from the idempotency key, a scripted journey."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from domain.shipping.carriers.base import TrackingStatus, TrackingUpdate

PREFIX = "CD"
DIGITS = 16
REFERENCE_PREFIX = "rt1."


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to `digits`."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def tracking_number(carrier_code: str, idempotency_key: str) -> str:
    """ "CD", 16 digits from a SHA-256 of carrier and key, and a Luhn check digit."""
    digest = hashlib.sha256(f"{carrier_code}\0{idempotency_key}".encode()).digest()
    digits = str(int.from_bytes(digest, "big") % 10**DIGITS).zfill(DIGITS)
    return PREFIX + digits + luhn_digit(digits)


def is_tracking_number(value: str) -> bool:
    """Whether `value` has the shape and check digit of this carrier's numbers."""
    digits = value[len(PREFIX) :]
    return (
        value.startswith(PREFIX)
        and len(digits) == DIGITS + 1
        and digits.isascii()
        and digits.isdigit()
        and luhn_digit(digits[:-1]) == digits[-1]
    )


@dataclass(frozen=True)
class Shipment:
    """What `track` needs to replay a journey, carried in the label's opaque reference."""

    tracking_number: str
    service: str
    transit_days: int
    purchased_at: int
    origin: str
    destination: str

    def to_reference(self) -> str:
        """The opaque reference: a version prefix and base64url JSON."""
        payload = json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)
        return REFERENCE_PREFIX + base64.urlsafe_b64encode(payload.encode()).decode()

    @classmethod
    def from_reference(cls, reference: str) -> Shipment | None:
        """The shipment a reference describes, or None when it is not one of ours."""
        if not reference.startswith(REFERENCE_PREFIX):
            return None
        try:
            payload = base64.urlsafe_b64decode(reference[len(REFERENCE_PREFIX) :].encode())
            return cls(**json.loads(payload))
        except (ValueError, TypeError):
            return None


def journey(shipment: Shipment, now: datetime) -> list[TrackingUpdate]:
    """The events that have happened by `now`, oldest first.

    From the purchase time P and the service's transit days T (calendar days here):
    label created at P, picked up at P+6h, one sort-facility scan a day at P+1d..P+(T-1)d,
    out for delivery at P+T*24h-5h, delivered at P+T*24h. Same inputs, same events.
    """
    start = datetime.fromtimestamp(shipment.purchased_at, UTC)
    hours = timedelta(hours=1)
    days = shipment.transit_days
    script = [
        (
            0 * hours,
            TrackingStatus.PRE_TRANSIT,
            "LABEL_CREATED",
            "Shipping label created",
            shipment.origin,
        ),
        (
            6 * hours,
            TrackingStatus.IN_TRANSIT,
            "PICKED_UP",
            "Picked up by carrier",
            shipment.origin,
        ),
    ]
    script += [
        (day * 24 * hours, TrackingStatus.IN_TRANSIT, "SORTED", "Processed at sort facility", None)
        for day in range(1, days)
    ]
    script += [
        (
            days * 24 * hours - 5 * hours,
            TrackingStatus.OUT_FOR_DELIVERY,
            "OUT_FOR_DELIVERY",
            "Out for delivery",
            shipment.destination,
        ),
        (
            days * 24 * hours,
            TrackingStatus.DELIVERED,
            "DELIVERED",
            "Delivered",
            shipment.destination,
        ),
    ]
    return [
        TrackingUpdate(
            status=status,
            raw_status=raw,
            description=description,
            occurred_at=start + offset,
            location=location,
        )
        for offset, status, raw, description, location in script
        if start + offset <= now
    ]
