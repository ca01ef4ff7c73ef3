"""Adapter for a Shopify shop's Admin GraphQL API, as a fulfillment service.

Shopify meters GraphQL by query cost: a leaky bucket per shop (`extensions.cost.
throttleStatus`: maximumAvailable, currentlyAvailable, restoreRate per second). The
adapter keeps the last status it saw, waits for the bucket to refill before a call that
would not fit, and on a THROTTLED answer (or HTTP 429 with Retry-After) waits and tries
again, up to `max_wait` seconds in all; beyond that it raises TransientChannelError with
the wait, so the actor retries later instead of holding a worker thread. Other top-level
errors are told apart by their `extensions.code`: a scope the app lacks (ACCESS_DENIED) or
a frozen shop (SHOP_INACTIVE) refuses the connection (ChannelAccessError, as a 401 does),
Shopify's INTERNAL_SERVER_ERROR is transient, the rest refuse the call for good.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from adapters.channels import shopify_mapping as mapping
from adapters.channels.http import DEFAULT_TIMEOUT, ChannelHttp
from domain.channels.adapter import (
    ChannelAccessError,
    ChannelCheck,
    ChannelError,
    ChannelOrderData,
    MalformedOrder,
    OrderBatch,
    PermanentChannelError,
    ShipmentReport,
    StockLevel,
    TransientChannelError,
    WebhookNews,
)
from domain.channels.connections import read_credentials
from domain.channels.models import ChannelConnection

API_VERSION = "2024-10"
PAGES_PER_POLL = 10
SKUS_PER_SEARCH = 50
QUANTITIES_PER_CALL = 250
EXPECTED_COST = 60
"""What a call is assumed to cost before Shopify says (a page of 50 orders costs about that)."""
HMAC_HEADER = "x-shopify-hmac-sha256"
THROTTLED = "THROTTLED"
ACCESS_CODES = frozenset({"ACCESS_DENIED", "SHOP_INACTIVE"})
"""Top-level error codes that refuse the connection, not the call: a missing scope, a
frozen or closed shop (as HTTP 401/403 do)."""
TRANSIENT_CODES = frozenset({"INTERNAL_SERVER_ERROR"})
"""Top-level error codes worth trying again later (THROTTLED is waited out first)."""
REQUESTS = (("FULFILLMENT_REQUESTED", False), ("CANCELLATION_REQUESTED", True))
"""What waits at Crossdock's location: new work, and requests to call work off."""


def connect_shopify(connection: ChannelConnection) -> ShopifyChannel:
    """The adapter of a Shopify connection."""
    credentials = read_credentials(connection)
    settings = connection.settings or {}
    return ShopifyChannel(
        connection.shop_url,
        credentials.get("key", ""),
        credentials.get("secret", ""),
        location_id=settings.get("location_id"),
    )


def signature(secret: str, body: bytes) -> str:
    """What Shopify sends in X-Shopify-Hmac-Sha256: base64 of HMAC-SHA256 of the body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@dataclass
class Bucket:
    """Shopify's last word on the shop's query budget, and when it was said."""

    available: float
    maximum: float
    restore_rate: float
    seen_at: float

    def now(self, clock: float) -> float:
        """The budget at `clock`, refilled since it was seen."""
        return min(self.maximum, self.available + (clock - self.seen_at) * self.restore_rate)

    def wait_for(self, cost: float, clock: float) -> float:
        """Seconds until `cost` fits (0 when it fits now)."""
        missing = min(cost, self.maximum) - self.now(clock)
        return max(0.0, missing / self.restore_rate) if self.restore_rate > 0 else 0.0


class ShopifyChannel:
    """One Shopify shop, reached with an Admin API access token."""

    def __init__(
        self,
        shop_url: str,
        access_token: str,
        client_secret: str,
        *,
        location_id: str | None = None,
        client: httpx.Client | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        max_wait: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._http = ChannelHttp(
            f"{shop_url}/admin/api/{API_VERSION}",
            headers={"X-Shopify-Access-Token": access_token},
            client=client,
            timeout=timeout,
            secrets=(access_token, client_secret),
        )
        self._secret = client_secret
        self._location = location_id
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self.bucket: Bucket | None = None
        self.waited = 0.0
        """Seconds this adapter spent waiting for Shopify's budget (for metrics and tests)."""

    def close(self) -> None:
        """Close the HTTP client."""
        self._http.close()

    def check(self) -> ChannelCheck:
        """Read the shop; register Crossdock's fulfillment service (its location) once."""
        shop = self.query(mapping.SHOP)["shop"]
        service = _our_service(shop)
        if service is None:
            made = self.query(mapping.CREATE_SERVICE, {"name": mapping.SERVICE_NAME})
            created = made["fulfillmentServiceCreate"]
            _refuse_user_errors(created, "registering the fulfillment service", self._http.redact)
            service = created["fulfillmentService"]
        self._location = str(service["location"]["id"])
        return ChannelCheck(
            shop_name=str(shop.get("name") or ""),
            location_id=self._location,
            details={"domain": str(shop.get("myshopifyDomain") or "")},
        )

    def disconnect(self) -> None:
        """Delete Crossdock's fulfillment service (its location goes with it), if there."""
        service = _our_service(self.query(mapping.SHOP)["shop"])
        if service is None:
            return
        deleted = self.query(mapping.DELETE_SERVICE, {"id": service["id"]})
        _refuse_user_errors(
            deleted["fulfillmentServiceDelete"],
            "deleting the fulfillment service",
            self._http.redact,
        )
        self._location = None

    def orders_since(self, cursor: str | None) -> OrderBatch:
        """Fulfillment requests and cancellation requests waiting at Crossdock's location.

        Shopify keeps a request listed until it is answered, so nothing is lost while
        Crossdock is away; `cursor` only records the newest change seen.
        """
        location = self.location()
        orders: list[ChannelOrderData] = []
        malformed: list[MalformedOrder] = []
        more = False
        for status, cancelling in (
            ("FULFILLMENT_REQUESTED", False),
            ("CANCELLATION_REQUESTED", True),
        ):
            after = None
            for _ in range(PAGES_PER_POLL):
                variables = {"status": status, "locations": [location], "after": after}
                found = self.query(mapping.ASSIGNED, variables)["assignedFulfillmentOrders"]
                for raw in found["nodes"]:
                    read = mapping.fulfillment_order(raw, cancelling)
                    (malformed if isinstance(read, MalformedOrder) else orders).append(read)  # type: ignore[arg-type]
                if not found["pageInfo"]["hasNextPage"]:
                    break
                after = found["pageInfo"]["endCursor"]
            else:
                more = True
        orders.sort(key=lambda order: order.updated_at)
        newest = mapping.cursor_of(orders[-1].updated_at) if orders else cursor
        if cursor and newest and newest < cursor:
            newest = cursor
        return OrderBatch(tuple(orders), newest, tuple(malformed), more)

    def acknowledge(self, order: ChannelOrderData) -> None:
        """Accept the fulfillment request (a cancellation request is answered by `cancel`)."""
        if order.state.value != "open" or not order.handle:
            return
        answer = self.query(mapping.ACCEPT, {"id": order.handle, "message": "Crossdock has it."})
        # an already accepted request refuses again: that is the answer we wanted
        del answer

    def report_shipment(self, order: ChannelOrderData, shipment: ShipmentReport) -> None:
        """Create the fulfillment with carrier and tracking; Shopify tells the customer."""
        answer = self.query(mapping.FULFIL, {"fulfillment": mapping.fulfillment(order, shipment)})
        _refuse_user_errors(
            answer["fulfillmentCreate"], "creating the fulfillment", self._http.redact
        )

    def cancel(self, order: ChannelOrderData, accepted: bool, message: str) -> None:
        """Accept a cancellation request (nothing shipped) or reject it (too late)."""
        document = mapping.ACCEPT_CANCELLATION if accepted else mapping.REJECT_CANCELLATION
        answer = self.query(document, {"id": order.handle, "message": message[:255]})
        field = "fulfillmentOrder" + ("Accept" if accepted else "Reject") + "CancellationRequest"
        _refuse_user_errors(answer[field], "answering the cancellation request", self._http.redact)

    def set_stock(self, levels: Sequence[StockLevel]) -> int:
        """Set `available` at Crossdock's location for every SKU the shop has."""
        location = self.location()
        skus = sorted({level.channel_sku for level in levels})
        items: dict[str, str] = {}
        for start in range(0, len(skus), SKUS_PER_SEARCH):
            chunk = skus[start : start + SKUS_PER_SEARCH]
            found = self.query(mapping.VARIANTS, {"query": mapping.sku_query(chunk)})
            for variant in found["productVariants"]["nodes"]:
                if variant.get("sku") in chunk and variant.get("inventoryItem"):
                    items[variant["sku"]] = variant["inventoryItem"]["id"]
        known = [level for level in levels if level.channel_sku in items]
        for start in range(0, len(known), QUANTITIES_PER_CALL):
            chunk = known[start : start + QUANTITIES_PER_CALL]
            answer = self.query(
                mapping.SET_QUANTITIES, {"input": mapping.quantities(chunk, items, location)}
            )
            _refuse_user_errors(
                answer["inventorySetQuantities"], "setting quantities", self._http.redact
            )
        return len(known)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        """The body's HMAC under the app's client secret, compared in constant time."""
        sent = headers.get(HMAC_HEADER)
        if not sent or not self._secret:
            return False
        return hmac.compare_digest(signature(self._secret, body), sent.strip())

    def read_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookNews:
        """Shopify's notifications only say that requests wait: poll for them."""
        return WebhookNews(poll=True)

    def location(self) -> str:
        """Crossdock's location in the shop (found by the service's name if not stored)."""
        if self._location is None:
            service = _our_service(self.query(mapping.SHOP)["shop"])
            if service is None:
                raise ChannelAccessError(
                    "Crossdock's fulfillment service is not registered in the shop; "
                    "run checkChannelConnection."
                )
            self._location = str(service["location"]["id"])
        return self._location

    def query(self, document: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of one GraphQL call, within Shopify's cost budget."""
        waited = 0.0
        while True:
            pause = self.bucket.wait_for(EXPECTED_COST, self._clock()) if self.bucket else 0.0
            if pause:
                waited = self._pause(pause, waited)
            try:
                answer = self._http.json(
                    "POST", "/graphql.json", json={"query": document, "variables": variables or {}}
                )
            except TransientChannelError as error:
                if error.retry_after is None or waited + error.retry_after > self._max_wait:
                    raise
                waited = self._pause(error.retry_after, waited)
                continue
            self._note_cost(answer)
            errors = _errors_of(answer)
            if errors and THROTTLED in _codes(errors):
                needed = _requested_cost(answer)
                pause = self.bucket.wait_for(needed, self._clock()) if self.bucket else 1.0
                waited = self._pause(max(pause, 0.05), waited)
                continue
            if errors:
                raise _refusal(errors, self._http.redact)
            data = answer.get("data") if isinstance(answer, dict) else None
            if not isinstance(data, dict):
                raise TransientChannelError("Shopify answered without data.")
            return data

    def _pause(self, seconds: float, waited: float) -> float:
        if waited + seconds > self._max_wait:
            raise TransientChannelError("Throttled by Shopify.", retry_after=seconds)
        self._sleep(seconds)
        self.waited += seconds
        return waited + seconds

    def _note_cost(self, answer: Any) -> None:
        cost = (answer.get("extensions") or {}).get("cost") if isinstance(answer, dict) else None
        status = (cost or {}).get("throttleStatus")
        if status:
            self.bucket = Bucket(
                available=float(status["currentlyAvailable"]),
                maximum=float(status["maximumAvailable"]),
                restore_rate=float(status["restoreRate"]),
                seen_at=self._clock(),
            )


def _our_service(shop: dict[str, Any]) -> dict[str, Any] | None:
    return next(
        (
            service
            for service in shop.get("fulfillmentServices") or []
            if service.get("serviceName") == mapping.SERVICE_NAME and service.get("location")
        ),
        None,
    )


def _refuse_user_errors(payload: dict[str, Any], what: str, redact: Callable[[str], str]) -> None:
    errors = payload.get("userErrors") or []
    if errors:
        messages = redact("; ".join(str(e.get("message")) for e in errors))
        raise PermanentChannelError(f"Shopify refused {what}: {messages[:300]}")


def _errors_of(answer: Any) -> list[dict[str, Any]]:
    """The answer's top-level `errors`, each as a dict (Shopify sometimes sends one string)."""
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not errors:
        return []
    if not isinstance(errors, list):
        errors = [errors]
    return [e if isinstance(e, dict) else {"message": str(e)} for e in errors]


def _codes(errors: list[dict[str, Any]]) -> set[str]:
    return {str((e.get("extensions") or {}).get("code") or "") for e in errors}


def _refusal(errors: list[dict[str, Any]], redact: Callable[[str], str]) -> ChannelError:
    """What a call answered with top-level `errors` (and no throttling) raises, by their
    `extensions.code`: the connection refused (ACCESS_DENIED: a scope the app lacks;
    SHOP_INACTIVE: a frozen or closed shop) keeps the work for when it is fixed, Shopify's
    own failure is retried, anything else (a query Shopify finds invalid) is final."""
    codes = _codes(errors)
    messages = redact("; ".join(str(e.get("message")) for e in errors))[:300]
    if codes & ACCESS_CODES:
        return ChannelAccessError(f"Shopify denied access: {messages}")
    if codes & TRANSIENT_CODES:
        return TransientChannelError(f"Shopify failed: {messages}")
    return PermanentChannelError(f"Shopify refused the query: {messages}")


def _requested_cost(answer: dict[str, Any]) -> float:
    cost = (answer.get("extensions") or {}).get("cost") or {}
    return float(cost.get("requestedQueryCost") or EXPECTED_COST)
