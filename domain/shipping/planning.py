"""What a dispatch needs, read in one statement: parcel, addresses, carriers, the attempt."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

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
from domain.shipping.accounts import build_carrier, is_local
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
from domain.shipping.settings import default_settings, ship_from_address
from domain.suppliers.labels import ship_from_of
from persistence.base import new_id, utcnow
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
    client_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    supplier: bool = False
    """A supplier's fulfillment order (its label ships the supplier's stock)."""
    local: bool = False
    """Every carrier prices and makes labels here, with no remote call."""

    def account_of(self, carrier_code: str) -> uuid.UUID:
        """The account whose carrier has `carrier_code`."""
        return next(a for a, c in self.carriers.items() if c.code == carrier_code)


def plan_dispatch(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> Plan | None:
    """The plan for a packed fulfillment order with its attempt counted, or None when there is
    nothing to do (see `read_plan`). A quote pinned on the attempt comes with it."""
    plan = read_plan(uow, fo_id)
    return None if plan is None else count_attempt(uow, plan)


def read_plan(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> Plan | None:
    """The plan for a packed fulfillment order, or None when there is nothing to do; no locks,
    no writes: one statement (two for a supplier's), the fulfillment order with its order,
    warehouse, the client's settings and enabled carrier accounts, the attempt, a shipment,
    and the lines' products.

    Nothing to do: not PACKED (shipped, cancelled, in exception), the order on hold
    (its release dispatches it), a shipment exists, the client has no enabled carrier
    account (it ships by hand), the parcel is at the client's own merchant location (the
    same) or is a supplier's without a ship-from address. A quote pinned on the attempt
    comes with the plan. Raises PermanentCarrierError for an unshippable address or parcel.
    """
    rows = _plan_rows(uow, fo_id)
    if not rows:
        return None  # no such fulfillment order, or its client has no enabled account
    fo, order, warehouse, settings, attempt, shipment_id = rows[0][:6]
    if fo.status is not FulfillmentStatus.PACKED or order.status is OrderStatus.ON_HOLD:
        return None
    if shipment_id is not None:
        return None
    origin = _origin(uow, fo, warehouse)
    if origin is None:
        return None  # a merchant location's parcel is the client's to hand to a carrier
    accounts = list({row[6].id: row[6] for row in rows}.values())
    pinned = _pinned(attempt)
    if pinned is not None:
        return _pinned_plan(uow, fo, attempt, accounts, pinned)
    settings = settings or default_settings(uow, fo.client_id)
    level = _service_level(order.service_level)
    if settings.rule is RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL:
        level = level or ServiceLevel.STANDARD
    items = {row[7]: ParcelItem(*row[8:12], row[12]) for row in rows}
    return Plan(
        fo_id,
        attempt.generation if attempt is not None else 0,
        _carriers(accounts),
        None,
        parcel=_parcel(list(items.values())),
        ship_from=_address(lambda: origin(settings), "ship-from"),
        ship_to=_address(lambda: order.ship_to, "ship-to"),
        rule=settings.rule,
        service_level=level,
        currency=settings.currency,
        label_format=settings.label_format,
        client_id=fo.client_id,
        order_id=fo.order_id,
        supplier=fo.supplier_id is not None,
        local=all(is_local(account) for account in accounts),
    )


def count_attempt(uow: TenantUnitOfWork, plan: Plan) -> Plan:
    """Count a try on the fulfillment order's attempt (created on first use, locked); the plan
    with the attempt's generation, and with the quote another worker pinned meanwhile."""
    now = utcnow()
    stmt = _insert(uow).values(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=plan.client_id,
        order_id=plan.order_id,
        fulfillment_order_id=plan.fulfillment_order_id,
        status=DispatchStatus.PENDING,
        generation=0,
        attempts=1,
        updated_at=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["provider_id", "fulfillment_order_id"],
        set_={"attempts": DispatchAttempt.attempts + 1, "updated_at": now},
    ).returning(DispatchAttempt.generation, DispatchAttempt.status, DispatchAttempt.quote)
    generation, status, quote = uow.execute(stmt).one()
    if plan.quote is None and status is DispatchStatus.QUOTED and quote:
        plan = replace(plan, quote=Quote.from_json(quote))
    return replace(plan, generation=generation)


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
    An insert that does nothing when the attempt exists (another worker's included), then
    the row locked.
    """
    uow.execute(
        _insert(uow)
        .values(
            provider_id=uow.scope.provider_id,
            id=new_id(),
            client_id=fo.client_id,
            order_id=fo.order_id,
            fulfillment_order_id=fo.id,
            status=DispatchStatus.PENDING,
            generation=0,
            attempts=0,
            updated_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["provider_id", "fulfillment_order_id"])
    )
    return uow.scalars(
        uow.select(DispatchAttempt)
        .where(DispatchAttempt.fulfillment_order_id == fo.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _insert(uow: TenantUnitOfWork) -> Any:
    dialect = postgresql if uow.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(DispatchAttempt)


def _plan_rows(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> list[Any]:
    # One row per enabled account and line (usually one of each).
    fo, line, account = FulfillmentOrder, FulfillmentOrderLine, CarrierAccount
    return list(
        uow.execute(
            uow.select(
                fo,
                fo,
                Order,
                Warehouse,
                ShippingSettings,
                DispatchAttempt,
                Shipment.id,
                account,
                line.id,
                Product.weight_grams,
                Product.length_mm,
                Product.width_mm,
                Product.height_mm,
                line.quantity,
            )
            .join(Order, (Order.provider_id == fo.provider_id) & (Order.id == fo.order_id))
            .outerjoin(
                Warehouse,
                (Warehouse.provider_id == fo.provider_id) & (Warehouse.id == fo.warehouse_id),
            )
            .outerjoin(
                ShippingSettings,
                (ShippingSettings.provider_id == fo.provider_id)
                & (ShippingSettings.client_id == fo.client_id),
            )
            .outerjoin(
                DispatchAttempt,
                (DispatchAttempt.provider_id == fo.provider_id)
                & (DispatchAttempt.fulfillment_order_id == fo.id),
            )
            .outerjoin(
                Shipment,
                (Shipment.provider_id == fo.provider_id) & (Shipment.fulfillment_order_id == fo.id),
            )
            .join(
                account,
                (account.provider_id == fo.provider_id)
                & (account.client_id == fo.client_id)
                & account.enabled.is_(True),
            )
            .join(line, (line.provider_id == fo.provider_id) & (line.fulfillment_order_id == fo.id))
            .join(
                Product,
                (Product.provider_id == line.provider_id) & (Product.id == line.product_id),
            )
            .where(fo.id == fo_id)
            .order_by(account.name, line.id)
        ).all()
    )


def _pinned(attempt: DispatchAttempt | None) -> Quote | None:
    if attempt is None or attempt.status is not DispatchStatus.QUOTED or not attempt.quote:
        return None
    return Quote.from_json(attempt.quote)


def _pinned_plan(
    uow: TenantUnitOfWork,
    fo: FulfillmentOrder,
    attempt: DispatchAttempt,
    accounts: list[CarrierAccount],
    quote: Quote,
) -> Plan:
    # A retry buys exactly what was pinned, with the pinned account even if disabled since.
    pinned = next((a for a in accounts if a.id == quote.account_id), None)
    if pinned is None:
        pinned = uow.scalar(uow.select(CarrierAccount).where(CarrierAccount.id == quote.account_id))
    chosen = [pinned] if pinned is not None else accounts
    return Plan(
        fo.id,
        attempt.generation,
        _carriers(chosen),
        quote,
        client_id=fo.client_id,
        order_id=fo.order_id,
        supplier=fo.supplier_id is not None,
    )


def _origin(
    uow: TenantUnitOfWork, fo: FulfillmentOrder, warehouse: Warehouse | None
) -> Callable[[ShippingSettings], Address] | None:
    # Where the parcel leaves from: a provider warehouse (or the client's override of it),
    # or a supplier's ship-from address; None for a merchant location's or without an address.
    if fo.supplier_id is not None:
        supplier_origin = ship_from_of(uow, fo.supplier_id)
        return None if supplier_origin is None else lambda _: supplier_origin
    if warehouse is None or warehouse.kind is not WarehouseKind.WAREHOUSE:
        return None
    return lambda settings: ship_from_address(settings, warehouse)


def _address(make: Callable[[], Address], which: str) -> Address:
    try:
        return make().deliverable()
    except ValueError as error:
        raise PermanentCarrierError(
            f"The {which} address is invalid: {error}.", code="ADDRESS_INVALID"
        ) from error


def _parcel(items: list[ParcelItem]) -> Parcel:
    try:
        return build_parcel(items)
    except ValueError as error:
        raise PermanentCarrierError(f"No parcel: {error}.", code="PARCEL_INVALID") from error


def _carriers(accounts: list[CarrierAccount]) -> dict[uuid.UUID, Carrier]:
    return {account.id: build_carrier(account) for account in accounts}


def _service_level(value: str) -> ServiceLevel | None:
    try:
        return ServiceLevel(value.strip().lower())
    except ValueError:
        return None
