"""What callers ask of orders, as small frozen dataclasses."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ShipTo:
    """Where an order goes."""

    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    company: str | None = None
    line2: str | None = None
    region: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class LineRequest:
    """One SKU and how many of it."""

    sku: str
    quantity: int


@dataclass(frozen=True)
class CreateOrder:
    """A client's order as sent; `client_id` may be omitted by a client key."""

    external_reference: str
    ship_to: ShipTo
    lines: tuple[LineRequest, ...]
    service_level: str = "standard"
    """A `ServiceLevel` value; validation refuses anything else."""
    client_id: uuid.UUID | None = None

    def content_hash(self) -> str:
        """A digest of the order's content, the same for the same order however it is sent."""
        content = asdict(self)
        content["client_id"] = str(self.client_id)
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
