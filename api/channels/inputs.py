"""Inputs of sales-channel mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from api.channels.types import ChannelKindEnum


@strawberry.input(description="Connect a client's shop.")
class CreateChannelConnectionInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The client; a client key's own when left out."
    )
    kind: ChannelKindEnum = strawberry.field(description="The shop platform.")  # type: ignore[valid-type]
    name: str = strawberry.field(description="Unique per client; prefixes imported references.")
    shop_url: str = strawberry.field(description="The shop's address, e.g. https://shop.example.")
    warehouse_id: relay.GlobalID = strawberry.field(
        description="The warehouse whose available stock the shop shows (which warehouse "
        "ships an order is the client's routing's choice)."
    )
    api_key: str = strawberry.field(
        description="Shopify: the Admin API access token; WooCommerce: the consumer key. "
        "Stored sealed, never shown again."
    )
    api_secret: str = strawberry.field(
        description="Shopify: the app's client secret (signs webhooks); WooCommerce: the "
        "consumer secret. Stored sealed, never shown again."
    )
    import_orders: bool = strawberry.field(default=True, description="Import the shop's orders.")
    sync_fulfillments: bool = strawberry.field(
        default=True, description="Report shipments to the shop."
    )
    sync_inventory: bool = strawberry.field(default=True, description="Push stock to the shop.")


@strawberry.input(description="Change a channel connection; fields left out stay as they are.")
class UpdateChannelConnectionInput:
    id: relay.GlobalID = strawberry.field(description="The connection.")
    name: str | None = strawberry.field(default=None, description="A new name.")
    shop_url: str | None = strawberry.field(default=None, description="A new shop address.")
    warehouse_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Another warehouse for the shop's stock."
    )
    api_key: str | None = strawberry.field(
        default=None,
        description="A new access token or consumer key; never shown again. New credentials "
        "push all stock and send the shipment reports the shop has not had, once.",
    )
    api_secret: str | None = strawberry.field(
        default=None, description="A new client or consumer secret; never shown again."
    )
    import_orders: bool | None = strawberry.field(default=None, description="Import orders.")
    sync_fulfillments: bool | None = strawberry.field(default=None, description="Report shipments.")
    sync_inventory: bool | None = strawberry.field(default=None, description="Push stock.")
    rotate_webhook_secret: bool = strawberry.field(
        default=False,
        description="WooCommerce: make a new webhook signing secret, returned once in the "
        "payload; deliveries signed with the old one are refused from now on.",
    )


@strawberry.input(description="Map a channel SKU to a product (replacing an earlier mapping).")
class SetChannelSkuMappingInput:
    connection_id: relay.GlobalID = strawberry.field(description="The connection.")
    channel_sku: str = strawberry.field(
        description="The SKU in the channel, or `variant:<id>` for a line without a SKU."
    )
    product_id: relay.GlobalID = strawberry.field(description="A product of the same client.")


@strawberry.input(description="Forget a SKU mapping; the exact-SKU match applies again.")
class DeleteChannelSkuMappingInput:
    id: relay.GlobalID = strawberry.field(description="The mapping.")


@strawberry.input(description="Reach the shop with the stored credentials.")
class CheckChannelConnectionInput:
    id: relay.GlobalID = strawberry.field(description="The connection.")


@strawberry.input(description="Import again from a time, and/or push all stock again.")
class ResyncChannelInput:
    id: relay.GlobalID = strawberry.field(description="The connection.")
    orders_since: datetime | None = strawberry.field(
        default=None, description="Poll orders changed since then (moves the cursor back)."
    )
    full_stock_push: bool = strawberry.field(
        default=False, description="Push the stock of every product of the client."
    )


@strawberry.input(
    description="Disconnect a shop: nothing flows through the connection again, its imported "
    "orders and history stay, and the shop may be connected anew."
)
class DisconnectChannelConnectionInput:
    id: relay.GlobalID = strawberry.field(description="The connection.")
