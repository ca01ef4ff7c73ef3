"""Mutations of shipping: carrier accounts, settings, retrying a dispatch, fixing a ship-to."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate
from api.orders.inputs import FulfillmentOrderPayload, ShipToInput
from api.orders.types import FulfillmentOrderType, OrderType
from api.permissions import requires
from api.shipping.types import (
    CarrierAccountType,
    CarrierKindEnum,
    LabelFormatEnum,
    RatingRuleEnum,
    ShippingSettingsType,
)
from domain.addresses import Address
from domain.orders.ship_to import update_ship_to
from domain.shipping import accounts, settings, triggers
from domain.shipping.carriers.base import LabelFormat
from domain.shipping.models import CarrierKind
from domain.shipping.rating import RatingRule

_write = requires("orders:write")
_operate = requires("orders:write", provider_only=True)


def _ship_to(value: ShipToInput) -> Address:
    return Address(
        name=value.name,
        line1=value.line1,
        city=value.city,
        postal_code=value.postal_code,
        country=value.country,
        company=value.company,
        line2=value.line2,
        region=value.region,
        phone=value.phone,
        email=value.email,
    )


@strawberry.input
class CreateCarrierAccountInput:
    client_id: relay.GlobalID
    kind: CarrierKindEnum  # type: ignore[valid-type]
    name: str = strawberry.field(description="Unique per client; the carrier code on shipments.")
    enabled: bool = True
    base_url: str | None = strawberry.field(default=None, description="Aggregator accounts.")
    api_key: str | None = strawberry.field(default=None, description="Stored, never shown again.")


@strawberry.type
class CreateCarrierAccountPayload(Payload):
    carrier_account: CarrierAccountType | None = None
    webhook_secret: str | None = strawberry.field(
        default=None, description="Signs the carrier's tracking pushes. Shown once."
    )


@strawberry.input
class UpdateCarrierAccountInput:
    id: relay.GlobalID
    name: str | None = None
    enabled: bool | None = None
    base_url: str | None = None
    api_key: str | None = None


@strawberry.type
class CarrierAccountPayload(Payload):
    carrier_account: CarrierAccountType | None = None


@strawberry.input
class SetShippingSettingsInput:
    client_id: relay.GlobalID
    rule: RatingRuleEnum | None = None  # type: ignore[valid-type]
    automatic_dispatch: bool | None = None
    currency: str | None = None
    label_format: LabelFormatEnum | None = None  # type: ignore[valid-type]
    ship_from: ShipToInput | None = None
    use_warehouse_address: bool = False


@strawberry.type
class ShippingSettingsPayload(Payload):
    shipping_settings: ShippingSettingsType | None = None


@strawberry.input
class RetryDispatchInput:
    fulfillment_order_id: relay.GlobalID


@strawberry.input
class UpdateOrderShipToInput:
    order_id: relay.GlobalID
    ship_to: ShipToInput


@strawberry.type
class OrderPayload(Payload):
    order: OrderType | None = None


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_operate])
    async def create_carrier_account(
        self, info: Info[Context, None], input: CreateCarrierAccountInput
    ) -> CreateCarrierAccountPayload:
        """Give a client an account with a carrier."""
        changes = accounts.AccountChanges(
            name=input.name, enabled=input.enabled, base_url=input.base_url, api_key=input.api_key
        )
        return await mutate(
            info,
            CreateCarrierAccountPayload,
            lambda uow: accounts.create_carrier_account(
                uow,
                decode_id(input.client_id, "Client", "clientId"),
                CarrierKind(input.kind.value),
                changes,
                allow_private_urls=info.context.allow_private_urls,
            ),
            lambda made: CreateCarrierAccountPayload(
                carrier_account=CarrierAccountType.from_row(made.account),
                webhook_secret=made.webhook_secret,
            ),
        )

    @strawberry.mutation(permission_classes=[_operate])
    async def update_carrier_account(
        self, info: Info[Context, None], input: UpdateCarrierAccountInput
    ) -> CarrierAccountPayload:
        """Rename, enable or disable a carrier account, or change its URL or API key."""
        changes = accounts.AccountChanges(
            name=input.name, enabled=input.enabled, base_url=input.base_url, api_key=input.api_key
        )
        return await mutate(
            info,
            CarrierAccountPayload,
            lambda uow: accounts.update_carrier_account(
                uow,
                decode_id(input.id, "CarrierAccount", "id"),
                changes,
                allow_private_urls=info.context.allow_private_urls,
            ),
            lambda row: CarrierAccountPayload(carrier_account=CarrierAccountType.from_row(row)),
        )

    @strawberry.mutation(permission_classes=[_operate])
    async def set_shipping_settings(
        self, info: Info[Context, None], input: SetShippingSettingsInput
    ) -> ShippingSettingsPayload:
        """Choose a client's rating rule, automatic dispatch, currency, label format, ship-from."""
        changes = settings.SettingsChanges(
            rule=RatingRule(input.rule.value) if input.rule else None,
            automatic_dispatch=input.automatic_dispatch,
            currency=input.currency,
            label_format=LabelFormat(input.label_format.value) if input.label_format else None,
            ship_from=_ship_to(input.ship_from) if input.ship_from else None,
            use_warehouse_address=input.use_warehouse_address,
        )
        return await mutate(
            info,
            ShippingSettingsPayload,
            lambda uow: settings.set_shipping_settings(
                uow, decode_id(input.client_id, "Client", "clientId"), changes
            ),
            lambda row: ShippingSettingsPayload(
                shipping_settings=ShippingSettingsType.from_row(row)
            ),
        )

    @strawberry.mutation(permission_classes=[_operate])
    async def retry_dispatch(
        self, info: Info[Context, None], input: RetryDispatchInput
    ) -> FulfillmentOrderPayload:
        """Dispatch a fulfillment order in EXCEPTION again, e.g. after fixing its address."""
        return await mutate(
            info,
            FulfillmentOrderPayload,
            lambda uow: triggers.retry_dispatch(
                uow,
                decode_id(input.fulfillment_order_id, "FulfillmentOrder", "fulfillmentOrderId"),
            ),
            lambda step: FulfillmentOrderPayload(
                fulfillment_order=FulfillmentOrderType.from_row(step[0]),
                order=OrderType.from_row(step[1]),
            ),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def update_order_ship_to(
        self, info: Info[Context, None], input: UpdateOrderShipToInput
    ) -> OrderPayload:
        """Correct an order's address until its parcels are packed (or while in EXCEPTION)."""
        return await mutate(
            info,
            OrderPayload,
            lambda uow: update_ship_to(
                uow,
                decode_id(input.order_id, "Order", "orderId"),
                _ship_to(input.ship_to),
            ),
            lambda row: OrderPayload(order=OrderType.from_row(row)),
        )
