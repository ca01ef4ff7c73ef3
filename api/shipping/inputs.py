"""Inputs of shipping mutations: carrier accounts, shipping settings, retrying a dispatch."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.addresses import AddressInput
from api.money import CurrencyCodeEnum
from api.shipping.types import CarrierKindEnum, LabelFormatEnum, RatingRuleEnum


@strawberry.input(description="Give a client an account with a carrier.")
class CreateCarrierAccountInput:
    client_id: relay.GlobalID = strawberry.field(description="The client the account ships for.")
    kind: CarrierKindEnum = strawberry.field(description="Which carrier adapter.")  # type: ignore[valid-type]
    name: str = strawberry.field(description="Unique per client; the carrier code on shipments.")
    enabled: bool = strawberry.field(default=True, description="Whether it is rate-shopped now.")
    base_url: str | None = strawberry.field(default=None, description="Aggregator accounts.")
    api_key: str | None = strawberry.field(default=None, description="Stored, never shown again.")


@strawberry.input(description="Change a carrier account; fields left out stay as they are.")
class UpdateCarrierAccountInput:
    id: relay.GlobalID = strawberry.field(description="The carrier account.")
    name: str | None = strawberry.field(default=None, description="A new name, unique per client.")
    enabled: bool | None = strawberry.field(default=None, description="Whether it is rate-shopped.")
    base_url: str | None = strawberry.field(default=None, description="A new aggregator URL.")
    api_key: str | None = strawberry.field(
        default=None, description="A new API key; stored, never shown again."
    )


@strawberry.input(description="A client's shipping settings; fields left out stay as they are.")
class SetShippingSettingsInput:
    client_id: relay.GlobalID = strawberry.field(description="The client.")
    rule: RatingRuleEnum | None = strawberry.field(
        default=None, description="How a rate is chosen."
    )  # type: ignore[valid-type]
    automatic_dispatch: bool | None = strawberry.field(
        default=None, description="Pick, pack and ship as soon as an order is allocated."
    )
    currency: CurrencyCodeEnum | None = strawberry.field(
        default=None, description="The currency rates are compared in."
    )  # type: ignore[valid-type]
    label_format: LabelFormatEnum | None = strawberry.field(
        default=None, description="The label file format."
    )  # type: ignore[valid-type]
    ship_from: AddressInput | None = strawberry.field(
        default=None, description="The sender address on labels, instead of the warehouse's."
    )
    use_warehouse_address: bool = strawberry.field(
        default=False, description="true: forget shipFrom and ship from the warehouse again."
    )


@strawberry.input(description="Dispatch a fulfillment order in EXCEPTION again.")
class RetryDispatchInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")
