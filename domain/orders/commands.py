"""What callers ask of orders, as small frozen dataclasses."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass

from domain.addresses import Address


@dataclass(frozen=True)
class LineRequest:
    """One SKU and how many of it."""

    sku: str
    quantity: int


@dataclass(frozen=True)
class CreateOrder:
    """A client's order as sent; `client_id` may be omitted by a client key."""

    external_reference: str
    ship_to: Address
    lines: tuple[LineRequest, ...]
    service_level: str = "standard"
    """A `ServiceLevel` value; validation refuses anything else."""
    client_id: uuid.UUID | None = None
    tags: tuple[str, ...] = ()
    """The client's labels for the order; routing rules can match on them."""

    def content_hash(self) -> str:
        """A digest of the order's content, the same for the same order however it is sent."""
        content = asdict(self)
        content["client_id"] = str(self.client_id)
        if not self.tags:
            # Orders made before tags existed keep their digest, so their retries still match.
            del content["tags"]
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
