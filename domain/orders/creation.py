"""Creating an order: validate, deduplicate on the external reference, allocate."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, make_transient_to_detached

from domain.addresses import ADDRESS_PARTS
from domain.catalog.models import Product
from domain.errors import DomainError, DomainErrorCode
from domain.inventory.ledger import StockMoved
from domain.orders import events
from domain.orders.commands import CreateOrder, LineRequest
from domain.orders.models import HoldReason, Order, OrderHold, OrderLine, OrderStatus
from domain.orders.status import settle_new_order
from domain.orders.validation import (
    clean_order,
    products_of,
    products_with_levels,
    resolve_client,
)
from domain.routing import configuration
from domain.routing.decision import Decision
from domain.routing.facts import OrderFacts
from domain.routing.models import DecisionKind
from domain.routing.orders import route_and_allocate
from domain.routing.preparation import prepare_routing, reads_late
from domain.routing.route import route
from persistence.base import new_id, utcnow
from persistence.deadlocks import is_deadlock
from persistence.new_rows import insert_new_rows, waiting
from tenants.errors import UserFacingError
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

REFERENCE_KEY = ["provider_id", "client_id", "external_reference"]
"""The unique key that makes creation idempotent."""


@dataclass(frozen=True)
class CreatedOrder:
    """The order, and whether this call made it (False: a retry of an earlier call)."""

    order: Order
    created: bool


def create_order(
    uow: TenantUnitOfWork,
    command: CreateOrder,
    *,
    late: bool = False,
    channel_connection_id: uuid.UUID | None = None,
) -> CreatedOrder:
    """Create and allocate an order; the same reference with the same content returns it again.

    Concurrent identical requests make one order: the order row goes in with
    ON CONFLICT DO NOTHING on the client's reference, so the loser reads the winner's
    order in the same transaction, with no savepoint. Everything else the order makes
    (lines, fulfillment orders, ledger, outbox) is staged and sent in one flush, one
    multi-row INSERT per table.

    With `late` (on PostgreSQL, no suppliers in the rules), an order the stock as read
    covers is routed on levels read without a lock (by the products' statement) and
    reserves them with one conditional
    statement, the last before the commit (`ledger.reserve`); the flush or commit that
    sends it raises ledger.StockMoved when the stock went elsewhere meanwhile: roll back
    and call again without `late`. An order
    the stock does not cover is routed again on locked levels (a backorder sees the latest).

    `channel_connection_id`: the shop an import came from, told with `order.created`.
    """
    command = clean_order(uow, command, confirm_client=False)
    digest = command.content_hash()
    assert command.client_id is not None
    levels = None
    try:
        config = configuration.CONFIGURATIONS.of(uow, command.client_id)
        if late and reads_late(uow, config[0]):  # the levels come with the products
            warehouses = [place.id for place in config[1]]
            products, levels = products_with_levels(
                uow, command.client_id, command.lines, warehouses
            )
        else:
            products = products_of(uow, command.client_id, command.lines)
    except UserFacingError as error:
        # A retry finds its order even if a product has since been archived or renamed.
        return CreatedOrder(_earlier_order(uow, command, digest, error), created=False)
    routing = prepare_routing(
        uow, command.client_id, products, lock=True, late=late, levels=levels, config=config
    )
    facts = routing.facts(command, products)
    decision = route(facts, routing.rule_set, routing.network)
    status = expected_status(decision, facts)
    if not routing.locked and status is not OrderStatus.ALLOCATED:
        routing = prepare_routing(uow, command.client_id, products, lock=True)
        facts = routing.facts(command, products)
        decision = route(facts, routing.rule_set, routing.network)
        status = expected_status(decision, facts)
    order = _insert_order(uow, _new_order(uow.scope, command, digest, status))
    if order is None:
        return CreatedOrder(_earlier_order(uow, command, digest), created=False)
    events.order_created(uow, order, channel_connection_id)
    lines = _add_lines(uow.session, order, command, products)
    route_and_allocate(
        uow,
        order,
        lines,
        facts,
        routing.rule_set,
        routing.network,
        routing.levels,
        DecisionKind.CREATION,
        decision=decision,
        locked=routing.locked,
    )
    suppliers = any(pick.source.is_supplier for pick in decision.picks)
    settle_new_order(uow, order, lines, staged=not suppliers)
    # Lines, fulfillment orders, ledger, outbox and decision are not read again: one plain
    # INSERT per table, without the ORM flush's bookkeeping for each row. A reservation
    # from unlocked levels waits to go with them, as late as it can: the caller's next flush
    # or its commit sends them (the API's audit row joins them).
    if not waiting(uow.session):
        insert_new_rows(uow.session)
        uow.flush()
    return CreatedOrder(order, created=True)


def expected_status(decision: Decision, facts: OrderFacts) -> OrderStatus:
    """The status a new order gets when every pick of its routing decision is reserved."""
    if not decision.picks:
        return OrderStatus.BACKORDERED
    picked = sum(pick.quantity for pick in decision.picks)
    ordered = sum(line.ordered for line in facts.lines)
    return OrderStatus.ALLOCATED if picked >= ordered else OrderStatus.PARTIALLY_ALLOCATED


def _earlier_order(
    uow: TenantUnitOfWork,
    command: CreateOrder,
    digest: str,
    error: UserFacingError | None = None,
) -> Order:
    # The order this reference made before; without one, `error` (a client that does not
    # exist explains it first: no client has no products either).
    existing = find_by_reference(uow, command)
    if existing is not None:
        return same_content_or_conflict(existing, digest)
    if error is None:
        raise DomainError(
            DomainErrorCode.CONFLICT,
            "The change conflicts with another one made at the same time; try again.",
        )
    resolve_client(uow, command.client_id)
    raise error


def create_held_order(
    uow: TenantUnitOfWork,
    command: CreateOrder,
    reason: HoldReason,
    note: str,
    unmapped_skus: tuple[str, ...] = (),
    channel_connection_id: uuid.UUID | None = None,
) -> CreatedOrder:
    """An order whose lines cannot be resolved yet: made with no lines, held for `reason`
    (with the `unmapped_skus` that held it, when those are the reason; from the channel
    connection `channel_connection_id` when an import).

    `command.lines` are checked as text only; `add_lines` adds the real ones before release.
    """
    command = clean_order(uow, command)
    digest = command.content_hash()
    order = _insert_order(uow, _new_order(uow.scope, command, digest, OrderStatus.ON_HOLD))
    if order is None:
        return CreatedOrder(_earlier_order(uow, command, digest), created=False)
    events.order_created(uow, order, channel_connection_id)
    uow.add(
        OrderHold(
            provider_id=order.provider_id,
            id=new_id(),
            client_id=order.client_id,
            order_id=order.id,
            reason=reason,
            note=note[:500],
            unmapped_skus=list(unmapped_skus),
            placed_by=uow.scope.actor,
            placed_at=utcnow(),
        )
    )
    settle_new_order(uow, order, [], held=True)
    uow.flush()
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


def _new_order(
    scope: TenantScope, command: CreateOrder, digest: str, status: OrderStatus
) -> dict[str, Any]:
    assert command.client_id is not None
    ship_to = command.ship_to
    return {
        "provider_id": scope.provider_id,
        "id": new_id(),
        "client_id": command.client_id,
        "external_reference": command.external_reference,
        "content_hash": digest,
        "status": status,
        "service_level": command.service_level,
        **{f"ship_to_{part}": getattr(ship_to, part) for part in ADDRESS_PARTS},
        "tags": list(command.tags),
        "created_by": scope.actor,
    }


def _insert_order(uow: TenantUnitOfWork, values: dict[str, Any]) -> Order | None:
    # The row, or None when the client already has an order with this reference; columns
    # not given (change_seq, stamped by the database) are left to their defaults.
    session = uow.session
    stmt = _order_insert(session.get_bind().dialect.name)
    try:
        row = session.connection().execute(stmt, values).first()
    except OperationalError as error:
        # A copy of this order holds the reference and waits for levels this transaction
        # locked: PostgreSQL ended this one. Run again, it finds that copy's order.
        if is_deadlock(error):
            raise StockMoved("the reference was held by a copy waiting for this one") from error
        raise
    if row is None:
        return None
    # The returned row as a loaded, unchanged Order of the session (as a query would give
    # it): cheaper than the ORM's INSERT ... RETURNING of an entity (~0.3 ms a call).
    order = Order(**{key: row[index] for index, key in enumerate(_ORDER_KEYS)})
    make_transient_to_detached(order)
    session.add(order)
    return order


_ORDER_INSERTS: dict[str, Any] = {}
_ORDER_KEYS = [prop.key for prop in Order.__mapper__.column_attrs]
"""The order's attributes, in the order of the columns the INSERT returns."""


def _order_insert(dialect: str) -> Any:
    # Built once per dialect, the values passed as parameters: a statement carrying its
    # values had its cache key computed from every value on each call (about 0.4 ms).
    stmt = _ORDER_INSERTS.get(dialect)
    if stmt is None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        columns = [prop.columns[0] for prop in Order.__mapper__.column_attrs]
        stmt = _ORDER_INSERTS[dialect] = (
            insert(Order.__table__)
            .on_conflict_do_nothing(index_elements=REFERENCE_KEY)
            .returning(*columns)
        )
    return stmt


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
    return lines
