"""What a dispatch needs, read in one short transaction: parcel, addresses, carriers, quote."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from domain.addresses import Address
from domain.catalog.models import Product, Warehouse, WarehouseKind
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderStatus,
)
from domain.orders.status import lock_order
from domain.shipping.accounts import build_carrier, enabled_accounts
from domain.shipping.carriers.base import (
    Carrier,
    LabelFormat,
    PermanentCarrierError,
    ServiceLevel,
)
from domain.shipping.models import (
    CarrierAccount,
    DispatchAttempt,
    DispatchStatus,
    Shipment,
    ShippingSettings,
)
from domain.shipping.parcels import Parcel, ParcelItem, build_parcel
from domain.shipping.quotes import Quote
from domain.shipping.rating import RatingRule
from domain.shipping.settings import settings_for, ship_from_address
from domain.suppliers.labels import ship_from_of
from persistence.base import new_id
from tenants.unit_of_work import TenantUnitOfWork


@dataclass
class Plan:
    """Everything the carrier calls need, detached from the session."""

    fulfillment_order_id: uuid.UUID
    generation: int
    carriers: dict[uuid.UUID, Carrier]
    """By carrier account id; a carrier's code is its account's name."""
    quote: Quote | None
    parcel: Parcel | None = None
    ship_from: Address | None = None
    ship_to: Address | None = None
    rule: RatingRule = RatingRule.CHEAPEST
    service_level: ServiceLevel | None = None
    currency: str = "USD"
    label_format: LabelFormat = LabelFormat.ZPL

    def account_of(self, carrier_code: str) -> uuid.UUID:
        """The account whose carrier has `carrier_code`."""
        return next(a for a, c in self.carriers.items() if c.code == carrier_code)


def plan_dispatch(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> Plan | None:
    """The plan for a packed fulfillment order, or None when there is nothing to do.

    Nothing to do: not PACKED (shipped, cancelled, in exception), the order on hold
    (its release dispatches it), the client has no enabled carrier account (it ships
    by hand), the parcel is at the client's own merchant location (the same) or is a
    supplier's without a ship-from address. Counts
    the attempt. Raises PermanentCarrierError for an unshippable address.
    """
    locked = lock_for_dispatch(uow, fo_id)
    if locked is None:
        return None
    fo, order = locked
    if fo.status is not FulfillmentStatus.PACKED:
        return None
    if order.status is OrderStatus.ON_HOLD or _shipment_exists(uow, fo_id):
        return None
    accounts = enabled_accounts(uow, fo.client_id)
    if not accounts:
        return None
    origin = _origin(uow, fo)
    if origin is None:
        return None  # a merchant location's parcel is the client's to hand to a carrier
    attempt = ensure_attempt(uow, fo)
    attempt.attempts += 1
    if attempt.status is DispatchStatus.QUOTED and attempt.quote:
        quote = Quote.from_json(attempt.quote)
        pinned = uow.scalar(uow.select(CarrierAccount).where(CarrierAccount.id == quote.account_id))
        accounts = [pinned] if pinned is not None else accounts
        return Plan(fo_id, attempt.generation, _carriers(accounts), quote)
    settings = settings_for(uow, fo.client_id)
    level = _service_level(order.service_level)
    if settings.rule is RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL:
        level = level or ServiceLevel.STANDARD
    return Plan(
        fo_id,
        attempt.generation,
        _carriers(accounts),
        None,
        parcel=_parcel(uow, fo_id),
        ship_from=_address(lambda: origin(settings), "ship-from"),
        ship_to=_address(lambda: order.ship_to, "ship-to"),
        rule=settings.rule,
        service_level=level,
        currency=settings.currency,
        label_format=settings.label_format,
    )


def _origin(
    uow: TenantUnitOfWork, fo: FulfillmentOrder
) -> Callable[[ShippingSettings], Address] | None:
    # Where the parcel leaves from: a provider warehouse (or the client's override of it),
    # or a supplier's ship-from address; None for a merchant location's or without an address.
    if fo.supplier_id is not None:
        supplier_origin = ship_from_of(uow, fo.supplier_id)
        return None if supplier_origin is None else lambda _: supplier_origin
    warehouse = uow.scalar(uow.select(Warehouse).where(Warehouse.id == fo.warehouse_id))
    if warehouse is None or warehouse.kind is not WarehouseKind.WAREHOUSE:
        return None
    return lambda settings: ship_from_address(settings, warehouse)


def lock_for_dispatch(
    uow: TenantUnitOfWork, fo_id: uuid.UUID
) -> tuple[FulfillmentOrder, Order] | None:
    """A fulfillment order and its order, locked and fresh; None if there is no such order.

    Every transaction that locks a dispatch attempt together with other rows locks them in
    one order: inventory levels (shipping only), the order, the fulfillment order, then the
    attempt (`ensure_attempt`). The order and fulfillment order are locked here, so call
    this before `ensure_attempt`; `mark_shipped` and `mark_exception` lock them again in
    the same order, which holds the locks already taken.
    """
    order_id = uow.scalar(
        uow.select(FulfillmentOrder, FulfillmentOrder.order_id).where(FulfillmentOrder.id == fo_id)
    )
    if order_id is None:
        return None
    order = lock_order(uow, order_id)
    fo = uow.scalar(
        uow.select(FulfillmentOrder)
        .where(FulfillmentOrder.id == fo_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None or fo is None:
        return None
    return fo, order


def ensure_attempt(uow: TenantUnitOfWork, fo: FulfillmentOrder) -> DispatchAttempt:
    """The fulfillment order's dispatch attempt, created on first use, locked.

    Lock the order and fulfillment order first (`lock_for_dispatch`): the attempt comes last.
    """
    stmt = (
        uow.select(DispatchAttempt)
        .where(DispatchAttempt.fulfillment_order_id == fo.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = uow.scalar(stmt)
    if found is not None:
        return found
    try:
        with uow.session.begin_nested():
            uow.add(
                DispatchAttempt(
                    provider_id=uow.scope.provider_id,
                    id=new_id(),
                    client_id=fo.client_id,
                    order_id=fo.order_id,
                    fulfillment_order_id=fo.id,
                    status=DispatchStatus.PENDING,
                    generation=0,
                    attempts=0,
                )
            )
    except IntegrityError:  # another worker created it first
        pass
    return uow.scalars(stmt).one()


def _address(make: Callable[[], Address], which: str) -> Address:
    try:
        return make().deliverable()
    except ValueError as error:
        raise PermanentCarrierError(
            f"The {which} address is invalid: {error}.", code="ADDRESS_INVALID"
        ) from error


def _parcel(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> Parcel:
    rows = uow.execute(
        uow.select(FulfillmentOrderLine, Product, FulfillmentOrderLine.quantity)
        .join(
            Product,
            (Product.provider_id == FulfillmentOrderLine.provider_id)
            & (Product.id == FulfillmentOrderLine.product_id),
        )
        .where(FulfillmentOrderLine.fulfillment_order_id == fo_id)
        .order_by(FulfillmentOrderLine.id)
    ).all()
    try:
        return build_parcel(ParcelItem.of(product, quantity) for product, quantity in rows)
    except ValueError as error:
        raise PermanentCarrierError(f"No parcel: {error}.", code="PARCEL_INVALID") from error


def _carriers(accounts: list[CarrierAccount]) -> dict[uuid.UUID, Carrier]:
    return {account.id: build_carrier(account) for account in accounts}


def _service_level(value: str) -> ServiceLevel | None:
    try:
        return ServiceLevel(value.strip().lower())
    except ValueError:
        return None


def _shipment_exists(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> bool:
    found = uow.scalar(
        uow.select(Shipment, Shipment.id).where(Shipment.fulfillment_order_id == fo_id)
    )
    return found is not None
