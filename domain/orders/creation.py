"""Creating an order: validate, deduplicate on the external reference, allocate."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.catalog.models import Product
from domain.errors import DomainError, DomainErrorCode
from domain.orders import events
from domain.orders.commands import CreateOrder, LineRequest
from domain.orders.models import HoldReason, Order, OrderHold, OrderLine, OrderStatus
from domain.orders.status import refresh_status
from domain.orders.validation import clean_order, products_of
from domain.routing.models import DecisionKind
from domain.routing.orders import route_and_allocate
from domain.routing.preparation import prepare_routing
from persistence.base import new_id, utcnow
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork


@dataclass(frozen=True)
class CreatedOrder:
    """The order, and whether this call made it (False: a retry of an earlier call)."""

    order: Order
    created: bool


def create_order(uow: TenantUnitOfWork, command: CreateOrder) -> CreatedOrder:
    """Create and allocate an order; the same reference with the same content returns it again.

    Concurrent identical requests make one order: the unique reference decides, inside
    a savepoint so the loser's transaction survives to return the winner's order.
    """
    command = clean_order(uow, command)
    digest = command.content_hash()
    existing = find_by_reference(uow, command)
    if existing is not None:
        return CreatedOrder(same_content_or_conflict(existing, digest), created=False)
    assert command.client_id is not None
    products = products_of(uow, command.client_id, command.lines)
    routing = prepare_routing(uow, command.client_id, products, lock=True)
    order = _new_order(uow.scope, command, digest)
    try:
        with uow.session.begin_nested():
            uow.add(order)
            uow.flush()
    except IntegrityError:
        existing = find_by_reference(uow, command)
        if existing is None:
            raise
        return CreatedOrder(same_content_or_conflict(existing, digest), created=False)
    events.order_created(uow, order)
    lines = _add_lines(uow.session, order, command, products)
    route_and_allocate(
        uow,
        order,
        lines,
        routing.facts(command, products),
        routing.rule_set,
        routing.network,
        routing.levels,
        DecisionKind.CREATION,
    )
    refresh_status(uow, order)
    return CreatedOrder(order, created=True)


def create_held_order(
    uow: TenantUnitOfWork, command: CreateOrder, reason: HoldReason, note: str
) -> CreatedOrder:
    """An order whose lines cannot be resolved yet: made with no lines, held for `reason`.

    `command.lines` are checked as text only; `add_lines` adds the real ones before release.
    """
    command = clean_order(uow, command)
    digest = command.content_hash()
    existing = find_by_reference(uow, command)
    if existing is not None:
        return CreatedOrder(same_content_or_conflict(existing, digest), created=False)
    order = _new_order(uow.scope, command, digest)
    try:
        with uow.session.begin_nested():
            uow.add(order)
            uow.flush()
    except IntegrityError:
        existing = find_by_reference(uow, command)
        if existing is None:
            raise
        return CreatedOrder(same_content_or_conflict(existing, digest), created=False)
    events.order_created(uow, order)
    uow.add(
        OrderHold(
            provider_id=order.provider_id,
            id=new_id(),
            client_id=order.client_id,
            order_id=order.id,
            reason=reason,
            note=note[:500],
            placed_by=uow.scope.actor,
            placed_at=utcnow(),
        )
    )
    refresh_status(uow, order)
    return CreatedOrder(order, created=True)


def add_lines(uow: TenantUnitOfWork, order: Order, lines: tuple[LineRequest, ...]) -> None:
    """Give an order created without lines its lines (unallocated: release allocates them)."""
    products = products_of(uow, order.client_id, lines)
    command = CreateOrder(
        external_reference=order.external_reference, ship_to=order.ship_to, lines=lines
    )
    _add_lines(uow.session, order, command, products)


def find_by_reference(uow: TenantUnitOfWork, command: CreateOrder) -> Order | None:
    """The client's order with the command's reference, if one exists."""
    return uow.scalar(
        uow.select(Order)
        .where(
            Order.client_id == command.client_id,
            Order.external_reference == command.external_reference,
        )
        .execution_options(populate_existing=True)
    )


def same_content_or_conflict(existing: Order, digest: str) -> Order:
    """The existing order when its content matches `digest`; IDEMPOTENCY_CONFLICT if not."""
    if existing.content_hash != digest:
        raise DomainError(
            DomainErrorCode.IDEMPOTENCY_CONFLICT,
            f"Order {existing.external_reference!r} exists with different content.",
            "externalReference",
        )
    return existing


def _new_order(scope: TenantScope, command: CreateOrder, digest: str) -> Order:
    assert command.client_id is not None
    return Order(
        provider_id=scope.provider_id,
        id=new_id(),
        client_id=command.client_id,
        external_reference=command.external_reference,
        content_hash=digest,
        status=OrderStatus.RECEIVED,
        service_level=command.service_level,
        ship_to=command.ship_to,
        tags=list(command.tags),
        created_by=scope.actor,
    )


def _add_lines(
    session: Session, order: Order, command: CreateOrder, products: list[Product]
) -> list[OrderLine]:
    lines = [
        OrderLine(
            provider_id=order.provider_id,
            id=new_id(),
            client_id=order.client_id,
            order_id=order.id,
            line_number=number,
            product_id=product.id,
            sku=product.sku,
            quantity=request.quantity,
            allocated_quantity=0,
        )
        for number, (request, product) in enumerate(
            zip(command.lines, products, strict=True), start=1
        )
    ]
    session.add_all(lines)
    session.flush()
    return lines
