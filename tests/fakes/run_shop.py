"""Serve a fake shop by hand, to try sales channels on one machine without a real store.

    .venv/bin/python -m tests.fakes.run_shop woocommerce --port 8715 --sku LAMP-LED
    .venv/bin/python -m tests.fakes.run_shop shopify --port 8716 --sku LAMP-LED

The shop answers its platform's API (the subset Crossdock uses) with the credentials it
prints, and has a merchant's side over HTTP:

    POST /_merchant/orders    {"lines": [["LAMP-LED", 2]]}     place an order (a request)
    POST /_merchant/webhooks  {"url": "...", "secret": "..."}  deliver webhooks there
                              (WooCommerce: signed with `secret`, the connection's
                              webhookSecret; Shopify: with the app's client secret)
    GET  /_merchant/state                                      orders, stock, shipments
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse

from tests.fakes.shop_base import post_to
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce


def merchant_routes(shop: FakeShopify | FakeWooCommerce) -> None:
    """Add the merchant's side to the shop's app."""
    woo = isinstance(shop, FakeWooCommerce)

    async def orders(request: Request) -> JSONResponse:
        lines = [(str(sku), int(qty)) for sku, qty in (await request.json())["lines"]]
        placed = await _in_thread(shop.place_order, lines)
        return JSONResponse(placed, 201)

    async def webhooks(request: Request) -> JSONResponse:
        wanted = await request.json()
        if woo:
            shop.subscribe(post_to(wanted["url"]), wanted.get("secret", ""))
        else:
            shop.subscribe(post_to(wanted["url"]))
        return JSONResponse({"subscribed": wanted["url"]})

    async def state(_: Request) -> JSONResponse:
        with shop.lock:
            if woo:
                found: dict[str, Any] = {
                    "orders": list(shop.orders.values()),
                    "notes": shop.notes,
                    "products": list(shop.products.values()),
                }
            else:
                found = {
                    "fulfillment_orders": list(shop.fulfillment_orders.values()),
                    "fulfillments": shop.fulfillments,
                    "stock": {sku: shop.stock_of(sku) for sku in shop.variants},
                    "location_id": shop.location_id,
                }
        return JSONResponse({**found, "webhooks_delivered": shop.delivered})

    shop.app.add_route("/_merchant/orders", orders, methods=["POST"])
    shop.app.add_route("/_merchant/webhooks", webhooks, methods=["POST"])
    shop.app.add_route("/_merchant/state", state, methods=["GET"])


async def _in_thread(work: Any, *args: Any) -> Any:
    # placing an order delivers its webhook with a blocking POST: keep the loop free
    import anyio.to_thread

    return await anyio.to_thread.run_sync(work, *args)


def main() -> None:
    """Parse the command line and serve the shop until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("woocommerce", "shopify"))
    parser.add_argument("--port", type=int, default=8715)
    parser.add_argument("--sku", action="append", default=[], help="a product the shop sells")
    args = parser.parse_args()
    shop: FakeShopify | FakeWooCommerce
    if args.kind == "woocommerce":
        shop = FakeWooCommerce()
        for sku in args.sku:
            shop.add_product(sku)
        credentials = f"apiKey {shop.consumer_key}, apiSecret {shop.consumer_secret}"
    else:
        shop = FakeShopify()
        for sku in args.sku:
            shop.add_variant(sku)
        credentials = f"apiKey {shop.access_token}, apiSecret {shop.client_secret}"
    merchant_routes(shop)
    print(f"fake {args.kind} shop at http://127.0.0.1:{args.port} ({credentials})", flush=True)
    uvicorn.run(shop.app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
