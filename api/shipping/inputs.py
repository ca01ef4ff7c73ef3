"""Inputs of shipping mutations: carrier accounts, shipping settings, retrying a dispatch."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.addresses import AddressInput
from api.money import CurrencyCodeEnum
from api.shipping.types import CarrierKindEnum, LabelFormatEnum, RatingRuleEnum


@strawberry.input(description="Give a client an account with a carrier.")
class CreateCarrierAccountInput:
    client_id: relay.GlobalID
    kind: CarrierKindEnum  # type: ignore[valid-type]
    name: str = strawberry.field(description="Unique per client; the carrier code on shipments.")
    enabled: bool = True
    base_url: str | None = strawberry.field(default=None, description="Aggregator accounts.")
    api_key: str | None = strawberry.field(default=None, description="Stored, never shown again.")


@strawberry.input(description="Change a carrier account; fields left out stay as they are.")
class UpdateCarrierAccountInput:
    id: relay.GlobalID = strawberry.field(description="The carrier account.")
    name: str | None = None
    enabled: bool | None = None
    base_url: str | None = None
    api_key: str | None = None


@strawberry.input(description="A client's shipping settings; fields left out stay as they are.")
class SetShippingSettingsInput:
    client_id: relay.GlobalID
    rule: RatingRuleEnum | None = None  # type: ignore[valid-type]
    automatic_dispatch: bool | None = None
    currency: CurrencyCodeEnum | None = None  # type: ignore[valid-type]
    label_format: LabelFormatEnum | None = None  # type: ignore[valid-type]
    ship_from: AddressInput | None = None
    use_warehouse_address: bool = False


@strawberry.input(description="Dispatch a fulfillment order in EXCEPTION again.")
class RetryDispatchInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")
