"""A client's shipping settings: rating rule, automatic dispatch, currency, label, ship-from."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass

from domain.addresses import Address
from domain.catalog.models import Warehouse
from domain.clients import owning_client, require_provider
from domain.currencies import MINOR_UNITS
from domain.errors import DomainError, DomainErrorCode
from domain.orders.validation import clean_ship_to
from domain.shipping.carriers.base import LabelFormat
from domain.shipping.models import ShippingSettings
from domain.shipping.rating import RatingRule
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork


@dataclass(frozen=True)
class SettingsChanges:
    """What `set_shipping_settings` changes; None keeps the current value."""

    rule: RatingRule | None = None
    automatic_dispatch: bool | None = None
    currency: str | None = None
    label_format: LabelFormat | None = None
    ship_from: Address | None = None
    use_warehouse_address: bool = False
    """Drop a ship-from override and ship from each warehouse's address again."""


def settings_for(uow: TenantUnitOfWork, client_id: uuid.UUID) -> ShippingSettings:
    """The client's settings; an unsaved row of defaults when it has none."""
    found = uow.scalar(uow.select(ShippingSettings).where(ShippingSettings.client_id == client_id))
    return found if found is not None else default_settings(uow, client_id)


def default_settings(uow: TenantUnitOfWork, client_id: uuid.UUID) -> ShippingSettings:
    """An unsaved row of the defaults, for a client that has no settings."""
    return ShippingSettings(
        provider_id=uow.scope.provider_id,
        client_id=client_id,
        rule=RatingRule.CHEAPEST,
        automatic_dispatch=False,
        currency="USD",
        label_format=LabelFormat.ZPL,
        ship_from=None,
    )


def set_shipping_settings(
    uow: TenantUnitOfWork, client_id: uuid.UUID, changes: SettingsChanges
) -> ShippingSettings:
    """Change a client's shipping settings (the provider decides how its clients ship)."""
    require_provider(uow.scope)
    client_id = owning_client(uow, client_id)
    current = settings_for(uow, client_id)
    if current.id is None:
        current.id = new_id()
        uow.add(current)
    if changes.rule is not None:
        current.rule = changes.rule
    if changes.automatic_dispatch is not None:
        current.automatic_dispatch = changes.automatic_dispatch
    if changes.currency is not None:
        currency = changes.currency.strip().upper()
        if currency not in MINOR_UNITS:
            raise DomainError(
                DomainErrorCode.INVALID, "currency must be an ISO 4217 code, e.g. USD.", "currency"
            )
        current.currency = currency
    if changes.label_format is not None:
        current.label_format = changes.label_format
    if changes.ship_from is not None:
        current.ship_from = asdict(clean_ship_to(changes.ship_from, "shipFrom"))
    elif changes.use_warehouse_address:
        current.ship_from = None
    current.updated_at = utcnow()
    uow.flush()
    return current


def ship_from_address(settings: ShippingSettings, warehouse: Warehouse) -> Address:
    """Where parcels ship from: the client's override, else the warehouse's address."""
    if settings.ship_from:
        return Address(**settings.ship_from)
    return warehouse.address.addressed_to(warehouse.name)
