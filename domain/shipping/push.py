"""Tracking pushed by a carrier: authenticate the push, read its tracker, apply it.

The aggregator posts EasyPost-style events to the URL of one carrier account,
``/carriers/aggregator/webhook/{provider_id}/{account_id}``, signed like EasyPost's:
header ``X-Hmac-Signature: hmac-sha256-hex=<hex HMAC-SHA256 of the raw body under the
account's webhook secret>``. The secret is made when the account is created and shown
once; an unknown account, a disabled one and a bad signature get the same answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass

from domain.shipping.carriers import aggregator_mapping as mapping
from domain.shipping.carriers.base import TrackingUpdate
from domain.shipping.models import CarrierAccount, CarrierKind
from domain.shipping.tracking import apply_updates, shipment_for_push
from tenants.unit_of_work import TenantUnitOfWork

SIGNATURE_HEADER = "X-Hmac-Signature"
SIGNATURE_PREFIX = "hmac-sha256-hex="


class PushRefused(Exception):
    """The push is not from the account's carrier, or is not an event we can read."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class PushResult:
    """What a push changed."""

    shipment_id: uuid.UUID | None
    events_added: int


def sign(secret: str, body: bytes) -> str:
    """The signature header value the carrier sends for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def receive_push(
    uow: TenantUnitOfWork,
    kind: str,
    account_id: uuid.UUID,
    body: bytes,
    signature: str | None,
) -> PushResult:
    """Check the push against the account's secret, then apply the tracker it carries."""
    account = uow.scalar(uow.select(CarrierAccount).where(CarrierAccount.id == account_id))
    if (
        account is None
        or account.kind.value != kind
        or account.kind is not CarrierKind.AGGREGATOR
        or not account.enabled
        or not account.webhook_secret
        or not signature
        or not hmac.compare_digest(sign(account.webhook_secret, body), signature.strip())
    ):
        raise PushRefused(401, "Unknown account or bad signature.")
    number, updates = read_tracker_event(body)
    if number is None:
        return PushResult(None, 0)  # another kind of event: acknowledged, ignored
    shipment = shipment_for_push(uow, account.id, number)
    if shipment is None:
        return PushResult(None, 0)
    added = apply_updates(uow, shipment.id, updates)
    return PushResult(shipment.id, len(added))


def read_tracker_event(body: bytes) -> tuple[str | None, list[TrackingUpdate]]:
    """The tracking code and updates of a ``tracker.*`` event; (None, []) for other events."""
    try:
        event = json.loads(body)
        if not str(event.get("description", "")).startswith("tracker."):
            return None, []
        tracker = event["result"]
        return str(tracker["tracking_code"]), mapping.tracking_updates(tracker)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise PushRefused(400, f"Not a readable tracker event: {error!r}") from error
