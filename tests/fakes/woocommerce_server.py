"""A fake WooCommerce shop speaking the REST API v3 subset Crossdock uses, with its webhooks.

Orders (``/wp-json/wc/v3/orders``: list with status, modified_after, orderby=modified,
paging; get; update; notes), products (list by SKU, batch update), general settings.
Basic auth with the consumer key and secret. Timestamps to the second, as WooCommerce
keeps them. `webhook(order, secret)` builds the signed delivery WooCommerce would POST;
after `subscribe(send, secret)` the merchant's side (`place_order`: order.created,
`change_order`: order.updated) delivers it, with the faults of `shop_base`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.shop_base import FaultyShop, Sender, shop_app

API = "/wp-json/wc/v3"
SHIP_TO = {
    "first_name": "Dana",
    "last_name": "Smith",
    "company": "",
    "address_1": "12 Pine St",
    "address_2": "",
    "city": "Boulder",
    "state": "CO",
    "postcode": "80302",
    "country": "US",
    "phone": "",
}


def now_gmt() -> str:
    """The time as WooCommerce writes date_*_gmt: seconds, no offset."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class FakeWooCommerce(FaultyShop):
    """The shop's state and its Starlette app."""

    consumer_key: str = "ck_fake"
    consumer_secret: str = "cs_fake"
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    webhook_secret: str = ""

    def __post_init__(self) -> None:
        self._ids = itertools.count(1001)
        guard = lambda endpoint: self.guard(endpoint, self._authorized)  # noqa: E731
        self.app = shop_app(
            api_root=API,
            routes=[
                Route(f"{API}/orders", guard(self.list_orders), methods=["GET"]),
                Route(f"{API}/orders/{{id:int}}", guard(self.update_order), methods=["PUT"]),
                Route(f"{API}/orders/{{id:int}}/notes", guard(self.add_note), methods=["POST"]),
                Route(f"{API}/products", guard(self.list_products), methods=["GET"]),
                Route(f"{API}/products/batch", guard(self.batch_products), methods=["POST"]),
                Route(f"{API}/settings/general", guard(self.general), methods=["GET"]),
            ],
        )

    # --- the merchant's side ----------------------------------------------------------

    def subscribe(self, send: Sender, secret: str = "") -> None:
        """Deliver order webhooks, signed with `secret`, through `send` (see shop_base)."""
        self.webhook_secret = secret
        super().subscribe(send)

    def add_product(self, sku: str, stock: int = 0) -> int:
        """A product of the shop; its id."""
        with self.lock:
            product_id = next(self._ids)
            self.products[product_id] = {
                "id": product_id, "sku": sku, "manage_stock": True, "stock_quantity": stock,
            }  # fmt: skip
            return product_id

    def place_order(
        self, lines: list[tuple[str, int]], status: str = "processing", **changes: Any
    ) -> dict[str, Any]:
        """A customer's order; its JSON."""
        with self.lock:
            order_id = next(self._ids)
            stamp = now_gmt()
            order = {
                "id": order_id,
                "number": str(order_id),
                "status": status,
                "date_created_gmt": stamp,
                "date_modified_gmt": stamp,
                "billing": {"email": "dana@example.com", "phone": "555-0100"},
                "shipping": dict(SHIP_TO),
                "line_items": [
                    {
                        "id": order_id * 10 + n,
                        "sku": sku,
                        "quantity": qty,
                        "product_id": 0,
                        "variation_id": 0,
                    }
                    for n, (sku, qty) in enumerate(lines)
                ],
                "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat rate"}],
                "meta_data": [],
                **changes,
            }
            self.orders[order_id] = order
            placed = json.loads(json.dumps(order))
        self.emit(self.webhook(placed, self.webhook_secret, "order.created"))
        return placed

    def change_order(self, order_id: int, **changes: Any) -> dict[str, Any]:
        """Change an order as the merchant would (e.g. cancel it; now unless a
        `date_modified_gmt` is given); its JSON."""
        with self.lock:
            order = self.orders[order_id]
            order.update({"date_modified_gmt": now_gmt(), **changes})
            changed = json.loads(json.dumps(order))
        self.emit(self.webhook(changed, self.webhook_secret, "order.updated"))
        return changed

    def webhook(self, order: dict[str, Any], secret: str, topic: str = "order.updated"):
        """(headers, body) of the delivery WooCommerce sends for an order."""
        body = json.dumps(order).encode()
        digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
        headers = {
            "Content-Type": "application/json",
            "X-WC-Webhook-Source": "https://shop.example/",
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": "order",
            "X-WC-Webhook-Event": topic.split(".")[1],
            "X-WC-Webhook-Signature": base64.b64encode(digest).decode(),
            "X-WC-Webhook-ID": "7",
            "X-WC-Webhook-Delivery-ID": str(next(self._ids)),
        }
        return headers, body

    # --- the API ----------------------------------------------------------------------

    async def list_orders(self, request: Request) -> Response:
        query = request.query_params
        statuses = set((query.get("status") or "any").split(","))
        after = query.get("modified_after")
        per_page = min(int(query.get("per_page", 10)), 100)
        page = int(query.get("page", 1))
        with self.lock:
            found = [
                o for o in self.orders.values()
                if ("any" in statuses or o["status"] in statuses)
                and (after is None or o["date_modified_gmt"] > after[:19])
            ]  # fmt: skip
            key = "date_modified_gmt" if query.get("orderby") == "modified" else "date_created_gmt"
            found.sort(key=lambda o: (o[key], o["id"]), reverse=query.get("order") == "desc")
            chunk = found[(page - 1) * per_page : page * per_page]
            pages = max(1, -(-len(found) // per_page))
            return JSONResponse(
                chunk, headers={"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)}
            )

    async def update_order(self, request: Request) -> Response:
        order_id = request.path_params["id"]
        changes = await request.json()
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                return JSONResponse({"code": "woocommerce_rest_shop_order_invalid_id"}, 404)
            if "status" in changes:
                order["status"] = changes["status"]
            for meta in changes.get("meta_data", []):
                order["meta_data"] = [m for m in order["meta_data"] if m["key"] != meta["key"]]
                order["meta_data"].append(meta)
            order["date_modified_gmt"] = now_gmt()
            return JSONResponse(order)

    async def add_note(self, request: Request) -> Response:
        order_id = request.path_params["id"]
        note = await request.json()
        with self.lock:
            if order_id not in self.orders:
                return JSONResponse({"code": "woocommerce_rest_shop_order_invalid_id"}, 404)
            self.notes.setdefault(order_id, []).append(note)
            return JSONResponse({"id": len(self.notes[order_id]), **note}, 201)

    async def list_products(self, request: Request) -> Response:
        skus = set((request.query_params.get("sku") or "").split(","))
        with self.lock:
            return JSONResponse([p for p in self.products.values() if p["sku"] in skus])

    async def batch_products(self, request: Request) -> Response:
        body = await request.json()
        updated = []
        with self.lock:
            for change in body.get("update", []):
                product = self.products.get(int(change["id"]))
                if product is not None:
                    product.update({k: v for k, v in change.items() if k != "id"})
                    updated.append(dict(product))
        return JSONResponse({"update": updated})

    async def general(self, _: Request) -> Response:
        return JSONResponse(
            [
                {"id": "woocommerce_store_address", "value": "1 Fake Street"},
                {"id": "woocommerce_currency", "value": "USD"},
            ]
        )

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{self.consumer_key}:{self.consumer_secret}".encode())
        return hmac.compare_digest(header.encode(), b"Basic " + expected)
