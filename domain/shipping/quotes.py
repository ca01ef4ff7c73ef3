"""The pinned quote: the rate chosen and the exact request a label is bought with."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from domain.addresses import Address
from domain.shipping.carriers.base import LabelFormat, Rate, ServiceLevel
from domain.shipping.parcels import Parcel


def idempotency_key(fulfillment_order_id: uuid.UUID, generation: int) -> str:
    """The label purchase key: the fulfillment order, and the operator retry it belongs to."""
    return f"crossdock-fo-{fulfillment_order_id}-{generation}"


@dataclass(frozen=True)
class Quote:
    """Persisted before the purchase, so a retry after a crash buys the very same thing."""

    account_id: uuid.UUID
    rate: Rate
    parcel: Parcel
    ship_from: Address
    ship_to: Address
    label_format: LabelFormat
    idempotency_key: str

    def to_json(self) -> dict[str, Any]:
        """The quote as JSON (amounts as decimal strings)."""
        rate = asdict(self.rate) | {"amount": str(self.rate.amount)}
        return {
            "account_id": str(self.account_id),
            "rate": rate | {"service_level": self.rate.service_level.value},
            "parcel": asdict(self.parcel),
            "ship_from": asdict(self.ship_from),
            "ship_to": asdict(self.ship_to),
            "label_format": self.label_format.value,
            "idempotency_key": self.idempotency_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Quote:
        """The quote `to_json` wrote."""
        rate = dict(data["rate"])
        rate["amount"] = Decimal(rate["amount"])
        rate["service_level"] = ServiceLevel(rate["service_level"])
        return cls(
            account_id=uuid.UUID(data["account_id"]),
            rate=Rate(**rate),
            parcel=Parcel(**data["parcel"]),
            ship_from=Address(**data["ship_from"]),
            ship_to=Address(**data["ship_to"]),
            label_format=LabelFormat(data["label_format"]),
            idempotency_key=data["idempotency_key"],
        )
