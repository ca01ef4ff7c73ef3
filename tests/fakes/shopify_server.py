"""A fake Shopify shop speaking the Admin GraphQL subset Crossdock uses, as Shopify meters it.

Root fields answered: shop (with fulfillmentServices), fulfillmentServiceCreate/Delete,
assignedFulfillmentOrders, fulfillmentOrderAcceptFulfillmentRequest, fulfillmentCreate,
fulfillmentOrderAccept/RejectCancellationRequest, productVariants, inventorySetQuantities.
Each document is parsed (graphql-core) to find its root field; answers carry Shopify's
`extensions.cost.throttleStatus` from a leaky bucket (`bucket_size`, `restore_rate`), and
a call that does not fit is answered THROTTLED. Fulfillment orders move through Shopify's
states: requestStatus SUBMITTED -> ACCEPTED -> CLOSED (fulfilled), or
CANCELLATION_REQUESTED -> CANCELLATION_ACCEPTED / CANCELLATION_REJECTED. Webhooks and the
fulfillment service's notifications are signed with the app's client secret; after
`subscribe(send)` the merchant's side (`place_order`, `request_cancellation`) delivers
them, with the faults of `shop_base`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graphql import OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.shop_base import FaultyShop, shop_app

API = "/admin/api/2024-10/graphql.json"
COSTS = {"shop": 2, "productVariants": 12, "assignedFulfillmentOrders": 52}
MUTATION_COST = 10
REQUEST_STATUS = {
    "FULFILLMENT_REQUESTED": "SUBMITTED",
    "CANCELLATION_REQUESTED": "CANCELLATION_REQUESTED",
}
"""assignedFulfillmentOrders' assignmentStatus -> the requestStatus it lists."""
SCOPES = {
    "assignedFulfillmentOrders": "read_assigned_fulfillment_orders",
    "fulfillmentOrderAcceptFulfillmentRequest": "write_assigned_fulfillment_orders",
    "fulfillmentCreate": "write_fulfillments",
    "productVariants": "read_products",
    "inventorySetQuantities": "write_inventory",
}
"""The access scope each root field needs (named in an ACCESS_DENIED answer)."""
DESTINATION = {
    "firstName": "Dana",
    "lastName": "Smith",
    "company": None,
    "address1": "12 Pine St",
    "address2": None,
    "city": "Boulder",
    "province": "CO",
    "countryCode": "US",
    "zip": "80302",
    "phone": None,
    "email": "dana@example.com",
}


def now_iso() -> str:
    """Shopify's time format."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class FakeShopify(FaultyShop):
    """The shop's state, its meter and its Starlette app."""

    access_token: str = "shpat_fake"
    client_secret: str = "shpss_fake"
    bucket_size: float = 1000.0
    restore_rate: float = 50.0
    fulfillment_orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    quantities: dict[tuple[str, str], int] = field(default_factory=dict)
    services: list[dict[str, Any]] = field(default_factory=list)
    fulfillments: list[dict[str, Any]] = field(default_factory=list)
    throttled: int = 0
    denied: dict[str, str] = field(default_factory=dict)
    """Root field -> the top-level error code its calls are answered with (`deny`)."""

    def __post_init__(self) -> None:
        self._ids = itertools.count(5001)
        self._available = self.bucket_size
        self._at = time.monotonic()
        self.app = shop_app(
            api_root=API,
            routes=[Route(API, self.guard(self.graphql, self._authorized), methods=["POST"])],
        )

    # --- the merchant's side ----------------------------------------------------------

    def add_variant(self, sku: str) -> str:
        """A product variant with an inventory item; its gid."""
        number = next(self._ids)
        with self.lock:
            self.variants[sku] = {
                "id": f"gid://shopify/ProductVariant/{number}",
                "sku": sku,
                "inventoryItem": {"id": f"gid://shopify/InventoryItem/{number}"},
            }
            return self.variants[sku]["id"]

    @property
    def location_id(self) -> str | None:
        """The location of the registered fulfillment service."""
        return self.services[0]["location"]["id"] if self.services else None

    def place_order(self, lines: list[tuple[str, int]], **changes: Any) -> dict[str, Any]:
        """An order whose fulfillment order is assigned to the service and requested."""
        with self.lock:
            number = next(self._ids)
            gid = f"gid://shopify/FulfillmentOrder/{number}"
            self.fulfillment_orders[gid] = {
                "id": gid,
                "status": "OPEN",
                "requestStatus": "SUBMITTED",
                "updatedAt": now_iso(),
                "assignedLocationId": self.location_id,
                "order": {
                    "id": f"gid://shopify/Order/{number}",
                    "name": f"#{number}",
                    "email": "dana@example.com",
                },
                "destination": dict(DESTINATION),
                "deliveryMethod": {"methodType": "SHIPPING", "serviceCode": "standard"},
                "lineItems": {
                    "nodes": [
                        {
                            "id": f"gid://shopify/FulfillmentOrderLineItem/{number}{n}",
                            "sku": sku,
                            "remainingQuantity": qty,
                            "totalQuantity": qty,
                            "variant": {"id": (self.variants.get(sku) or {}).get("id"), "sku": sku},
                        }
                        for n, (sku, qty) in enumerate(lines)
                    ]
                },
                **changes,
            }
            placed = json.loads(json.dumps(self.fulfillment_orders[gid]))
        self.emit(self.notification("FULFILLMENT_REQUEST"))
        return placed

    def request_cancellation(self, gid: str) -> None:
        """The merchant asks the service to cancel a fulfillment order."""
        with self.lock:
            fo = self.fulfillment_orders[gid]
            fo["requestStatus"] = "CANCELLATION_REQUESTED"
            fo["updatedAt"] = now_iso()
        self.emit(self.notification("CANCELLATION_REQUEST"))

    def notification(self, kind: str = "FULFILLMENT_REQUEST") -> tuple[dict[str, str], bytes]:
        """(headers, body) of the fulfillment-service notification Shopify posts."""
        body = json.dumps({"kind": kind}).encode()
        digest = hmac.new(self.client_secret.encode(), body, hashlib.sha256).digest()
        return {
            "Content-Type": "application/json",
            "X-Shopify-Hmac-Sha256": base64.b64encode(digest).decode(),
            "X-Shopify-Shop-Domain": "fake.myshopify.com",
            "X-Shopify-Topic": "fulfillment_orders/" + kind.lower() + "_submitted",
        }, body

    def deny(self, root: str, code: str = "ACCESS_DENIED") -> None:
        """Answer calls of `root` with a top-level error of `code`, as Shopify does: for
        ACCESS_DENIED, the app lacks the field's scope; for SHOP_INACTIVE, the shop is frozen."""
        with self.lock:
            self.denied[root] = code

    def allow(self, root: str) -> None:
        """Answer `root` normally again (the scope granted, the shop unfrozen)."""
        with self.lock:
            self.denied.pop(root, None)

    # --- the API ----------------------------------------------------------------------

    async def graphql(self, request: Request) -> Response:
        body = await request.json()
        document = parse(body["query"])
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        root = operation.selection_set.selections[0].name.value  # type: ignore[attr-defined]
        cost = COSTS.get(root, MUTATION_COST)
        with self.lock:
            code = self.denied.get(root)
            if code is not None:
                return JSONResponse(_top_level_error(root, code))
            if not self._spend(cost):
                self.throttled += 1
                return JSONResponse(
                    {
                        "errors": [
                            {
                                "message": "Throttled",
                                "extensions": {
                                    "code": "THROTTLED",
                                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                                },
                            }
                        ],
                        "extensions": self._cost(cost, 0),
                    }
                )
            data = getattr(self, "_" + root)(body.get("variables") or {})
            return JSONResponse({"data": {root: data}, "extensions": self._cost(cost, cost)})

    def _shop(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": "Fake Outdoor",
            "myshopifyDomain": "fake.myshopify.com",
            "fulfillmentServices": self.services,
        }

    def _fulfillmentServiceCreate(self, variables: dict[str, Any]) -> dict[str, Any]:
        number = next(self._ids)
        service = {
            "id": f"gid://shopify/FulfillmentService/{number}",
            "serviceName": variables["name"],
            "location": {"id": f"gid://shopify/Location/{number}"},
        }
        self.services.append(service)
        for fo in self.fulfillment_orders.values():
            fo["assignedLocationId"] = fo["assignedLocationId"] or service["location"]["id"]
        return {"fulfillmentService": service, "userErrors": []}

    def _fulfillmentServiceDelete(self, variables: dict[str, Any]) -> dict[str, Any]:
        found = [s for s in self.services if s["id"] == variables["id"]]
        if not found:
            return {
                "deletedId": None,
                "userErrors": [{"field": ["id"], "message": "Fulfillment service not found."}],
            }
        self.services.remove(found[0])
        location = found[0]["location"]["id"]
        for fo in self.fulfillment_orders.values():
            if fo["assignedLocationId"] == location:
                fo["assignedLocationId"] = None
        return {"deletedId": variables["id"], "userErrors": []}

    def _assignedFulfillmentOrders(self, variables: dict[str, Any]) -> dict[str, Any]:
        wanted = REQUEST_STATUS[variables["status"]]
        locations = set(variables.get("locations") or [])
        found = sorted(
            (
                fo
                for fo in self.fulfillment_orders.values()
                if fo["requestStatus"] == wanted
                and (not locations or fo["assignedLocationId"] in locations)
            ),
            key=lambda fo: fo["id"],
        )
        start = int(variables.get("after") or 0)
        page = found[start : start + 50]
        nodes = [{k: v for k, v in fo.items() if k != "assignedLocationId"} for fo in page]
        more = start + 50 < len(found)
        return {"nodes": nodes, "pageInfo": {"hasNextPage": more, "endCursor": str(start + 50)}}

    def _fulfillmentOrderAcceptFulfillmentRequest(
        self, variables: dict[str, Any]
    ) -> dict[str, Any]:
        return self._move(variables["id"], "SUBMITTED", "ACCEPTED", "IN_PROGRESS")

    def _fulfillmentOrderAcceptCancellationRequest(
        self, variables: dict[str, Any]
    ) -> dict[str, Any]:
        return self._move(
            variables["id"], "CANCELLATION_REQUESTED", "CANCELLATION_ACCEPTED", "CANCELLED"
        )

    def _fulfillmentOrderRejectCancellationRequest(
        self, variables: dict[str, Any]
    ) -> dict[str, Any]:
        return self._move(variables["id"], "CANCELLATION_REQUESTED", "CANCELLATION_REJECTED", None)

    def _fulfillmentCreate(self, variables: dict[str, Any]) -> dict[str, Any]:
        fulfillment = variables["fulfillment"]
        gid = fulfillment["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderId"]
        fo = self.fulfillment_orders.get(gid)
        if fo is None or fo["status"] in ("CLOSED", "CANCELLED"):
            return {
                "fulfillment": None,
                "userErrors": [
                    {"field": ["fulfillment"], "message": "Fulfillment order is not fulfillable."}
                ],
            }
        fo.update(status="CLOSED", requestStatus="CLOSED", updatedAt=now_iso())
        made = {
            "id": f"gid://shopify/Fulfillment/{next(self._ids)}",
            "status": "SUCCESS",
            "trackingInfo": [fulfillment["trackingInfo"]],
            "fulfillmentOrderId": gid,
        }
        self.fulfillments.append(made)
        return {"fulfillment": made, "userErrors": []}

    def _productVariants(self, variables: dict[str, Any]) -> dict[str, Any]:
        wanted = {part.split(":", 1)[1].strip('"') for part in variables["query"].split(" OR ")}
        return {"nodes": [v for sku, v in self.variants.items() if sku in wanted]}

    def _inventorySetQuantities(self, variables: dict[str, Any]) -> dict[str, Any]:
        for entry in variables["input"]["quantities"]:
            self.quantities[(entry["inventoryItemId"], entry["locationId"])] = entry["quantity"]
        return {"inventoryAdjustmentGroup": {"reason": "correction"}, "userErrors": []}

    def _move(
        self, gid: str, expected: str, request_status: str, status: str | None
    ) -> dict[str, Any]:
        fo = self.fulfillment_orders.get(gid)
        if fo is None or fo["requestStatus"] != expected:
            return {
                "fulfillmentOrder": None,
                "userErrors": [
                    {"field": ["id"], "message": f"Fulfillment order is not {expected.lower()}."}
                ],
            }
        fo["requestStatus"] = request_status
        if status:
            fo["status"] = status
        fo["updatedAt"] = now_iso()
        return {
            "fulfillmentOrder": {k: fo[k] for k in ("id", "status", "requestStatus")},
            "userErrors": [],
        }

    def stock_of(self, sku: str) -> int | None:
        """The quantity set for a SKU at the service's location."""
        item = self.variants[sku]["inventoryItem"]["id"]
        return self.quantities.get((item, self.location_id or ""))

    def _spend(self, cost: float) -> bool:
        now = time.monotonic()
        self._available = min(
            self.bucket_size, self._available + (now - self._at) * self.restore_rate
        )
        self._at = now
        if cost > self._available:
            return False
        self._available -= cost
        return True

    def _cost(self, requested: float, actual: float) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": {
                    "maximumAvailable": self.bucket_size,
                    "currentlyAvailable": int(self._available),
                    "restoreRate": self.restore_rate,
                },
            }
        }

    def _authorized(self, request: Request) -> bool:
        return hmac.compare_digest(
            request.headers.get("x-shopify-access-token", "").encode(), self.access_token.encode()
        )


def _top_level_error(root: str, code: str) -> dict[str, Any]:
    """Shopify's answer to a call refused before it ran, with `data` null for the field."""
    scope = SCOPES.get(root, "write_fulfillment_services")
    messages = {
        "ACCESS_DENIED": f"Access denied for {root} field. Required access: "
        f"`{scope}` access scope.",
        "SHOP_INACTIVE": "This shop is unavailable.",
        "INTERNAL_SERVER_ERROR": "Internal error. Looks like something went wrong on our end.",
    }
    error = {
        "message": messages.get(code, f"{code} for {root}."),
        "locations": [{"line": 2, "column": 3}],
        "path": [root],
        "extensions": {"code": code, "documentation": "https://shopify.dev/api/usage"},
    }
    return {"errors": [error], "data": {root: None}}
