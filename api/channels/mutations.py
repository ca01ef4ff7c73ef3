"""Mutations of sales channels: connections, SKU mappings, checking and resyncing a shop."""

from __future__ import annotations

import uuid

import strawberry
from strawberry.types import Info

from api.channels.inputs import (
    CheckChannelConnectionInput,
    CreateChannelConnectionInput,
    DeleteChannelSkuMappingInput,
    DisconnectChannelConnectionInput,
    ResyncChannelInput,
    SetChannelSkuMappingInput,
    UpdateChannelConnectionInput,
)
from api.channels.types import (
    ChannelCheckDetailType,
    ChannelConnectionType,
    ChannelSkuMappingType,
)
from api.context import Context
from api.mutations import Payload, decode_id, mutate, mutate_by_service, optional_id
from api.permissions import requires
from domain.channels import connections, release, skus
from domain.channels.adapter import ChannelCheck, ChannelError
from domain.channels.models import ChannelConnection, ChannelKind
from services.channel_imports import Disconnected, check_connection, disconnect
from tenants.unit_of_work import TenantUnitOfWork

_write = requires("orders:write")


def _changes(
    input: CreateChannelConnectionInput | UpdateChannelConnectionInput,
) -> connections.ConnectionChanges:
    return connections.ConnectionChanges(
        name=input.name,
        shop_url=input.shop_url,
        warehouse_id=optional_id(input.warehouse_id, "Warehouse", "warehouseId"),
        api_key=input.api_key,
        api_secret=input.api_secret,
        import_orders=input.import_orders,
        sync_fulfillments=input.sync_fulfillments,
        sync_inventory=input.sync_inventory,
        rotate_webhook_secret=getattr(input, "rotate_webhook_secret", False),
    )


@strawberry.type
class CreateChannelConnectionPayload(Payload):
    channel_connection: ChannelConnectionType | None = strawberry.field(
        default=None, description="The connection after the change; null when refused."
    )
    webhook_secret: str | None = strawberry.field(
        default=None,
        description="WooCommerce: the secret to enter in the shop's webhook settings. Shown once.",
    )


@strawberry.type
class UpdateChannelConnectionPayload(Payload):
    channel_connection: ChannelConnectionType | None = strawberry.field(
        default=None, description="The connection after the change; null when refused."
    )
    webhook_secret: str | None = strawberry.field(
        default=None,
        description="WooCommerce, with rotateWebhookSecret: the new secret to enter in the "
        "shop's webhook settings. Shown once.",
    )


@strawberry.type
class SetChannelSkuMappingPayload(Payload):
    channel_sku_mapping: ChannelSkuMappingType | None = strawberry.field(
        default=None, description="The mapping after the change; null when refused."
    )


@strawberry.type
class DeleteChannelSkuMappingPayload(Payload):
    deleted_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the mapping forgotten; null when refused."
    )


@strawberry.type
class CheckChannelConnectionPayload(Payload):
    channel_connection: ChannelConnectionType | None = strawberry.field(
        default=None, description="The connection, with what the check found; null when refused."
    )
    reachable: bool | None = strawberry.field(
        default=None, description="Whether the shop answered and accepted the credentials."
    )
    message: str | None = strawberry.field(
        default=None, description="What the shop said when it did not (never the credentials)."
    )
    details: list[ChannelCheckDetailType] | None = strawberry.field(
        default=None,
        description=(
            "What else the shop told about itself (shop name and location are on the "
            "connection); null when it was not reached."
        ),
    )


@strawberry.type
class ResyncChannelPayload(Payload):
    channel_connection: ChannelConnectionType | None = strawberry.field(
        default=None, description="The connection after the change; null when refused."
    )


@strawberry.type
class DisconnectChannelConnectionPayload(Payload):
    channel_connection: ChannelConnectionType | None = strawberry.field(
        default=None, description="The connection, disconnected; null when refused."
    )
    shop_released: bool | None = strawberry.field(
        default=None,
        description=(
            "Whether the shop undid what Crossdock set up in it (Shopify: its fulfillment "
            "service and location are deleted; WooCommerce: nothing to undo, true). False: "
            "the shop could not be reached; the connection is disconnected all the same, "
            "and what Crossdock set up in the shop is for the merchant to remove."
        ),
    )
    message: str | None = strawberry.field(
        default=None, description="What the shop said when it could not (never the credentials)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_write])
    async def create_channel_connection(
        self, info: Info[Context, None], input: CreateChannelConnectionInput
    ) -> CreateChannelConnectionPayload:
        """Connect a client's Shopify or WooCommerce shop."""
        return await mutate(
            info,
            CreateChannelConnectionPayload,
            lambda uow: connections.create_connection(
                uow,
                optional_id(input.client_id, "Client", "clientId"),
                ChannelKind(input.kind.value),
                _changes(input),
                allow_private_urls=info.context.allow_private_urls,
            ),
            lambda made: CreateChannelConnectionPayload(
                channel_connection=ChannelConnectionType.from_row(made.connection),
                webhook_secret=made.webhook_secret,
            ),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def update_channel_connection(
        self, info: Info[Context, None], input: UpdateChannelConnectionInput
    ) -> UpdateChannelConnectionPayload:
        """Rename or move a connection, change its credentials or switches."""
        return await mutate(
            info,
            UpdateChannelConnectionPayload,
            lambda uow: connections.update_connection(
                uow,
                decode_id(input.id, "ChannelConnection", "id"),
                _changes(input),
                allow_private_urls=info.context.allow_private_urls,
            ),
            lambda made: UpdateChannelConnectionPayload(
                channel_connection=ChannelConnectionType.from_row(made.connection),
                webhook_secret=made.webhook_secret,
            ),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def set_channel_sku_mapping(
        self, info: Info[Context, None], input: SetChannelSkuMappingInput
    ) -> SetChannelSkuMappingPayload:
        """Map a channel SKU to a product; orders held for it are released when complete."""
        return await mutate(
            info,
            SetChannelSkuMappingPayload,
            lambda uow: release.map_and_release(
                uow,
                decode_id(input.connection_id, "ChannelConnection", "connectionId"),
                input.channel_sku,
                decode_id(input.product_id, "Product", "productId"),
            ),
            lambda row: SetChannelSkuMappingPayload(
                channel_sku_mapping=ChannelSkuMappingType.from_row(row)
            ),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def delete_channel_sku_mapping(
        self, info: Info[Context, None], input: DeleteChannelSkuMappingInput
    ) -> DeleteChannelSkuMappingPayload:
        """Forget a SKU mapping."""
        return await mutate(
            info,
            DeleteChannelSkuMappingPayload,
            lambda uow: skus.delete_mapping(uow, decode_id(input.id, "ChannelSkuMapping", "id")),
            lambda row: DeleteChannelSkuMappingPayload(deleted_id=strawberry.ID(str(input.id))),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def check_channel_connection(
        self, info: Info[Context, None], input: CheckChannelConnectionInput
    ) -> CheckChannelConnectionPayload:
        """Call the shop with the stored credentials and report what it found."""

        async def run() -> tuple[ChannelCheck | None, str | None]:
            connection_id = decode_id(input.id, "ChannelConnection", "id")
            try:
                return await info.context.service(check_connection, connection_id), None
            except ChannelError as error:
                return None, error.message

        async def done(
            result: tuple[ChannelCheck | None, str | None],
        ) -> CheckChannelConnectionPayload:
            row = await info.context.read(
                _connection, decode_id(input.id, "ChannelConnection", "id")
            )
            return CheckChannelConnectionPayload(
                channel_connection=ChannelConnectionType.from_row(row) if row else None,
                reachable=result[0] is not None,
                message=result[1],
                details=_details(result[0]),
            )

        return await mutate_by_service(info, CheckChannelConnectionPayload, run, done)

    @strawberry.mutation(permission_classes=[_write])
    async def disconnect_channel_connection(
        self, info: Info[Context, None], input: DisconnectChannelConnectionInput
    ) -> DisconnectChannelConnectionPayload:
        """Disconnect a shop: imports, polls, shipment reports and stock pushes stop, its
        credentials are forgotten, its imported orders and history stay, and its address is
        free for a new connection (under a new name: names prefix order references)."""

        async def run() -> Disconnected:
            connection_id = decode_id(input.id, "ChannelConnection", "id")
            return await info.context.service(disconnect, connection_id)

        async def done(result: Disconnected) -> DisconnectChannelConnectionPayload:
            return DisconnectChannelConnectionPayload(
                channel_connection=ChannelConnectionType.from_row(result.connection),
                shop_released=result.released,
                message=result.message,
            )

        return await mutate_by_service(info, DisconnectChannelConnectionPayload, run, done)

    @strawberry.mutation(permission_classes=[_write])
    async def resync_channel(
        self, info: Info[Context, None], input: ResyncChannelInput
    ) -> ResyncChannelPayload:
        """Import again from a time (the cursor moves back) and/or push all stock again."""
        return await mutate(
            info,
            ResyncChannelPayload,
            lambda uow: connections.resync(
                uow,
                decode_id(input.id, "ChannelConnection", "id"),
                input.orders_since,
                input.full_stock_push,
            ),
            lambda row: ResyncChannelPayload(
                channel_connection=ChannelConnectionType.from_row(row)
            ),
        )


def _details(found: ChannelCheck | None) -> list[ChannelCheckDetailType] | None:
    if found is None:
        return None
    return [
        ChannelCheckDetailType(name=name, value=value)
        for name, value in sorted(found.details.items())
        if value
    ]


def _connection(uow: TenantUnitOfWork, connection_id: uuid.UUID) -> ChannelConnection | None:
    return uow.get(ChannelConnection, connection_id)
