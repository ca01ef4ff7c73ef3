"""Adapter for a WooCommerce shop's REST API v3 (consumer key and secret, Basic auth)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from datetime import timedelta

import httpx

from adapters.channels import woocommerce_mapping as mapping
from adapters.channels.http import DEFAULT_TIMEOUT, ChannelHttp
from domain.channels.adapter import (
    ChannelCheck,
    ChannelOrderData,
    ChannelOrderState,
    MalformedOrder,
    OrderBatch,
    ShipmentReport,
    StockLevel,
    WebhookNews,
)
from domain.channels.connections import read_credentials
from domain.channels.models import ChannelConnection

API = "/wp-json/wc/v3"
PAGE_SIZE = 100
PAGES_PER_POLL = 5
OVERLAP = timedelta(seconds=1)
"""modified_after is strict and to the second: re-read the cursor's second (repeats are ignored)."""
SIGNATURE_HEADER = "x-wc-webhook-signature"
TOPIC_HEADER = "x-wc-webhook-topic"
ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})


def connect_woocommerce(connection: ChannelConnection) -> WooCommerceChannel:
    """The adapter of a WooCommerce connection."""
    credentials = read_credentials(connection)
    return WooCommerceChannel(
        connection.shop_url,
        credentials.get("key", ""),
        credentials.get("secret", ""),
        webhook_secret=connection.webhook_secret or "",
    )


def signature(secret: str, body: bytes) -> str:
    """What WooCommerce sends in X-WC-Webhook-Signature: base64 of HMAC-SHA256 of the body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class WooCommerceChannel:
    """One WooCommerce shop."""

    def __init__(
        self,
        shop_url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        webhook_secret: str = "",
        client: httpx.Client | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ):
        self._http = ChannelHttp(
            shop_url + API,
            auth=httpx.BasicAuth(consumer_key, consumer_secret),
            client=client,
            timeout=timeout,
            secrets=(consumer_key, consumer_secret, webhook_secret),
        )
        self._webhook_secret = webhook_secret

    def close(self) -> None:
        """Close the HTTP client."""
        self._http.close()

    def check(self) -> ChannelCheck:
        """Read one order (proves the key) and the store's settings."""
        self._http.json("GET", "/orders", params={"per_page": 1})
        general = self._http.json("GET", "/settings/general")
        settings = (
            {
                str(item.get("id")): str(item.get("value"))
                for item in general
                if isinstance(item, dict)
            }
            if isinstance(general, list)
            else {}
        )
        name = settings.get("woocommerce_store_address") or self._http.base_url
        return ChannelCheck(
            shop_name=name, details={"currency": settings.get("woocommerce_currency", "")}
        )

    def orders_since(self, cursor: str | None) -> OrderBatch:
        """Processing and cancelled orders modified after the cursor, oldest change first."""
        params: dict[str, object] = {
            "status": mapping.POLLED_STATUSES,
            "orderby": "modified",
            "order": "asc",
            "per_page": PAGE_SIZE,
            "dates_are_gmt": "true",
        }
        if cursor:
            since = mapping.modified_at({"date_modified_gmt": cursor}) - OVERLAP
            params["modified_after"] = mapping.cursor_of(since)
        orders: list[ChannelOrderData] = []
        malformed: list[MalformedOrder] = []
        newest = cursor
        more = False
        for page in range(1, PAGES_PER_POLL + 1):
            found = self._http.json("GET", "/orders", params={**params, "page": page})
            if not isinstance(found, list):
                found = []
            for raw in found:
                read = mapping.order(raw)
                if isinstance(read, MalformedOrder):
                    malformed.append(read)
                    continue
                orders.append(read)
                stamp = mapping.cursor_of(read.updated_at)
                newest = stamp if newest is None or stamp > newest else newest
            if len(found) < PAGE_SIZE:
                break
            more = page == PAGES_PER_POLL
        return OrderBatch(tuple(orders), newest, tuple(malformed), more)

    def acknowledge(self, order: ChannelOrderData) -> None:
        """Nothing to accept in WooCommerce: the order stays processing until shipped."""

    def report_shipment(self, order: ChannelOrderData, shipment: ShipmentReport) -> None:
        """Complete the order with the tracking in its meta data, then a customer note."""
        path = f"/orders/{order.channel_order_id}"
        self._http.json(
            "PUT", path, json=mapping.completed(shipment.carrier, shipment.tracking_number)
        )
        self._http.json(
            "POST",
            path + "/notes",
            json=mapping.shipment_note(shipment.carrier, shipment.tracking_number),
        )

    def cancel(self, order: ChannelOrderData, accepted: bool, message: str) -> None:
        """Cancel the order in the shop (unless the shop cancelled it), or note why not."""
        path = f"/orders/{order.channel_order_id}"
        if accepted:
            if order.state is not ChannelOrderState.CANCELLED:
                self._http.json("PUT", path, json={"status": "cancelled"})
        else:
            self._http.json("POST", path + "/notes", json={"note": message, "customer_note": False})

    def disconnect(self) -> None:
        """Nothing to undo: the merchant made the webhooks and the keys, and removes them."""

    def set_stock(self, levels: Sequence[StockLevel]) -> int:
        """Find the products by SKU, then set their stock in batches of 100."""
        wanted = {level.channel_sku: level.quantity for level in levels}
        ids: dict[str, int] = {}
        skus = sorted(wanted)
        for start in range(0, len(skus), PAGE_SIZE):
            chunk = skus[start : start + PAGE_SIZE]
            found = self._http.json(
                "GET", "/products", params={"sku": ",".join(chunk), "per_page": PAGE_SIZE}
            )
            for product in found if isinstance(found, list) else []:
                if isinstance(product, dict) and product.get("sku") in wanted:
                    ids[str(product["sku"])] = int(product["id"])
        updates = [mapping.stock_update(ids[sku], wanted[sku]) for sku in skus if sku in ids]
        for start in range(0, len(updates), PAGE_SIZE):
            self._http.json(
                "POST", "/products/batch", json={"update": updates[start : start + PAGE_SIZE]}
            )
        return len(updates)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> bool:
        """The body's HMAC under the connection's webhook secret, compared in constant time."""
        sent = headers.get(SIGNATURE_HEADER)
        if not sent or not self._webhook_secret:
            return False
        return hmac.compare_digest(signature(self._webhook_secret, body), sent.strip())

    def read_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookNews:
        """An order webhook carries the whole order; other topics are acknowledged, ignored."""
        if headers.get(TOPIC_HEADER, "") not in ORDER_TOPICS:
            return WebhookNews()
        try:
            raw = json.loads(body)
        except ValueError:
            return WebhookNews(malformed=(MalformedOrder(None, "The webhook body is not JSON."),))
        read = mapping.order(raw)
        if isinstance(read, MalformedOrder):
            return WebhookNews(malformed=(read,))
        return WebhookNews(orders=(read,))
