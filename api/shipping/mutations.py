"""Mutations of shipping: carrier accounts, settings, retrying a dispatch."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate
from api.orders.mutations import FulfillmentStepPayload, step_payload
from api.permissions import requires
from api.shipping.inputs import (
    CreateCarrierAccountInput,
    RetryDispatchInput,
    SetShippingSettingsInput,
    UpdateCarrierAccountInput,
)
from api.shipping.types import CarrierAccountType, ShippingSettingsType
from domain.shipping import accounts, settings, triggers
from domain.shipping.carriers.base import LabelFormat
from domain.shipping.models import CarrierKind
from domain.shipping.rating import RatingRule

_operate = requires("orders:write", provider_only=True)


def _account_changes(
    input: CreateCarrierAccountInput | UpdateCarrierAccountInput,
) -> accounts.AccountChanges:
    """The account fields both create and update may set."""
    return accounts.AccountChanges(
        name=input.name, enabled=input.enabled, base_url=input.base_url, api_key=input.api_key
    )


@strawberry.type
class CreateCarrierAccountPayload(Payload):
    carrier_account: CarrierAccountType | None = strawberry.field(
        default=None, description="The carrier account after the change; null when refused."
    )
    webhook_secret: str | None = strawberry.field(
        default=None, description="Signs the carrier's tracking pushes. Shown once."
    )


@strawberry.type
class UpdateCarrierAccountPayload(Payload):
    carrier_account: CarrierAccountType | None = strawberry.field(
        default=None, description="The carrier account after the change; null when refused."
    )


@strawberry.type
class SetShippingSettingsPayload(Payload):
    shipping_settings: ShippingSettingsType | None = strawberry.field(
        default=None, description="The shipping settings after the change; null when refused."
    )


@strawberry.type
class RetryDispatchPayload(FulfillmentStepPayload):
    pass


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_operate])
    async def create_carrier_account(
        self, info: Info[Context, None], input: CreateCarrierAccountInput
    ) -> CreateCarrierAccountPayload:
        """Give a client an account with a carrier."""
        changes = _account_changes(input)
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
    ) -> UpdateCarrierAccountPayload:
        """Rename, enable or disable a carrier account, or change its URL or API key."""
        changes = _account_changes(input)
        return await mutate(
            info,
            UpdateCarrierAccountPayload,
            lambda uow: accounts.update_carrier_account(
                uow,
                decode_id(input.id, "CarrierAccount", "id"),
                changes,
                allow_private_urls=info.context.allow_private_urls,
            ),
            lambda row: UpdateCarrierAccountPayload(
                carrier_account=CarrierAccountType.from_row(row)
            ),
        )

    @strawberry.mutation(permission_classes=[_operate])
    async def set_shipping_settings(
        self, info: Info[Context, None], input: SetShippingSettingsInput
    ) -> SetShippingSettingsPayload:
        """Choose a client's rating rule, automatic dispatch, currency, label format, ship-from."""
        changes = settings.SettingsChanges(
            rule=RatingRule(input.rule.value) if input.rule else None,
            automatic_dispatch=input.automatic_dispatch,
            currency=input.currency,
            label_format=LabelFormat(input.label_format.value) if input.label_format else None,
            ship_from=input.ship_from.ship_to() if input.ship_from else None,
            use_warehouse_address=input.use_warehouse_address,
        )
        return await mutate(
            info,
            SetShippingSettingsPayload,
            lambda uow: settings.set_shipping_settings(
                uow, decode_id(input.client_id, "Client", "clientId"), changes
            ),
            lambda row: SetShippingSettingsPayload(
                shipping_settings=ShippingSettingsType.from_row(row)
            ),
        )

    @strawberry.mutation(permission_classes=[_operate])
    async def retry_dispatch(
        self, info: Info[Context, None], input: RetryDispatchInput
    ) -> RetryDispatchPayload:
        """Dispatch a fulfillment order in EXCEPTION again, e.g. after fixing its address."""
        return await mutate(
            info,
            RetryDispatchPayload,
            lambda uow: triggers.retry_dispatch(uow, decode_id(input.id, "FulfillmentOrder", "id")),
            step_payload(RetryDispatchPayload),
        )
