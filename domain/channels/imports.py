"""Importing a channel's order: once per channel order id, newest news only, never half-made.

The channel order id is the key (unique per connection); the Crossdock order's external
reference is ``<connection name>-<channel order id>``, so two shops of one client never
collide. The client is always the connection's: nothing in a payload can name another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from domain.channels.adapter import (
    CHANNEL_ORDER_ID_MAX,
    ChannelOrderData,
    ChannelOrderState,
    MalformedOrder,
)
from domain.channels.failures import ERROR_MAX, import_failed
from domain.channels.models import ChannelConnection, ChannelOrder, ChannelOrderStatus
from domain.channels.payloads import to_payload
from domain.channels.skus import resolve_lines
from domain.orders.cancellation import cancel_order
from domain.orders.commands import CreateOrder, LineRequest
from domain.orders.creation import create_held_order, create_order
from domain.orders.models import HoldReason
from domain.orders.validation import REFERENCE_MAX
from persistence.base import new_id, utcnow
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork

UNREAD = datetime(1970, 1, 1, tzinfo=UTC)
"""The version of an order never read: any readable version of it is newer."""
UNMAPPED_NOTE = "Unmapped channel SKUs: "


class ImportOutcome(StrEnum):
    """What one import call did."""

    IMPORTED = "imported"
    HELD = "held"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    """Seen already, this version or a newer one: nothing changed."""
    UPDATED = "updated"
    """A newer version of an imported order (e.g. its cancellation)."""
    SKIPPED = "skipped"
    """Not (yet) for fulfilment, e.g. awaiting payment."""


@dataclass(frozen=True)
class ImportResult:
    """The outcome, the channel order row, and the answer to a cancellation it carried."""

    outcome: ImportOutcome
    channel_order: ChannelOrder | None
    cancellation: bool | None = None
    """True: honoured (cancelled, or nothing was made); False: refused (it shipped)."""
    message: str = ""


def external_reference(connection: ChannelConnection, channel_order_id: str) -> str:
    """The Crossdock reference of a channel order."""
    return f"{connection.name}-{channel_order_id}"[:REFERENCE_MAX]


def import_order(
    uow: TenantUnitOfWork, connection: ChannelConnection, data: ChannelOrderData
) -> ImportResult:
    """Make (or find) the Crossdock order of a channel order; late and repeated news do nothing."""
    row = _locked(uow, connection, data.channel_order_id)
    if row is not None:
        return _update(uow, connection, row, data)
    row = ChannelOrder(
        provider_id=connection.provider_id,
        id=new_id(),
        client_id=connection.client_id,
        connection_id=connection.id,
        channel_order_id=data.channel_order_id,
        status=ChannelOrderStatus.FAILED,
        channel_updated_at=data.updated_at,
        payload=to_payload(data),
    )
    try:
        with uow.session.begin_nested():
            uow.add(row)
            uow.flush()
    except IntegrityError:  # the same order arrived at the same moment by another path
        return ImportResult(
            ImportOutcome.DUPLICATE, _locked(uow, connection, data.channel_order_id)
        )
    if data.state is not ChannelOrderState.OPEN:
        # kept, so that an older open version arriving late is known to be old news
        row.status = ChannelOrderStatus.SKIPPED
        uow.flush()
        return ImportResult(ImportOutcome.SKIPPED, row, *_nothing_to_cancel(data))
    return _create(uow, connection, row, data)


def record_malformed(
    uow: TenantUnitOfWork, connection: ChannelConnection, bad: MalformedOrder
) -> None:
    """Keep an unreadable order as a failed import (by its id when it has one), as the
    connection's last error, and tell the provider (unless this very error was told)."""
    message = bad.message[:ERROR_MAX]
    if bad.channel_order_id is None:
        import_failed(uow, connection, None, message)
        return
    row = _locked(uow, connection, bad.channel_order_id[:CHANNEL_ORDER_ID_MAX])
    told = row is not None and row.status is ChannelOrderStatus.FAILED and row.error == message
    # Shopify lists an unreadable request at every poll: tell each error once
    import_failed(uow, connection, bad.channel_order_id, message, tell=not told)
    if row is None:
        uow.add(
            ChannelOrder(
                provider_id=connection.provider_id,
                id=new_id(),
                client_id=connection.client_id,
                connection_id=connection.id,
                channel_order_id=bad.channel_order_id[:CHANNEL_ORDER_ID_MAX],
                status=ChannelOrderStatus.FAILED,
                channel_updated_at=UNREAD,
                payload={},
                error=message,
            )
        )
    elif row.status is ChannelOrderStatus.FAILED:
        row.error = message
    uow.flush()


def _create(
    uow: TenantUnitOfWork,
    connection: ChannelConnection,
    row: ChannelOrder,
    data: ChannelOrderData,
) -> ImportResult:
    resolution = resolve_lines(uow, connection, data.lines)
    reference = external_reference(connection, data.channel_order_id)
    try:
        with uow.session.begin_nested():
            if resolution.unmapped:
                command = CreateOrder(
                    external_reference=reference,
                    ship_to=data.ship_to,
                    lines=tuple(LineRequest(sku[:64], 1) for sku in resolution.unmapped),
                    service_level=data.service_level,
                    client_id=connection.client_id,
                )
                note = UNMAPPED_NOTE + ", ".join(resolution.unmapped)
                made = create_held_order(
                    uow,
                    command,
                    HoldReason.UNMAPPED_SKU,
                    note,
                    resolution.unmapped,
                    channel_connection_id=connection.id,
                )
                row.status = ChannelOrderStatus.HELD
            else:
                command = CreateOrder(
                    external_reference=reference,
                    ship_to=data.ship_to,
                    lines=resolution.lines,
                    service_level=data.service_level,
                    client_id=connection.client_id,
                )
                made = create_order(uow, command, channel_connection_id=connection.id)
                row.status = ChannelOrderStatus.IMPORTED
            row.order_id = made.order.id
            row.error = None
            uow.flush()
    except UserFacingError as error:  # the payload cannot be an order: record, do not crash
        row.status = ChannelOrderStatus.FAILED
        row.order_id = None
        row.error = _describe(error)[:ERROR_MAX]
        import_failed(uow, connection, data.channel_order_id, row.error)
        uow.flush()
        return ImportResult(ImportOutcome.FAILED, row)
    held = row.status is ChannelOrderStatus.HELD
    return ImportResult(ImportOutcome.HELD if held else ImportOutcome.IMPORTED, row)


def _update(
    uow: TenantUnitOfWork, connection: ChannelConnection, row: ChannelOrder, data: ChannelOrderData
) -> ImportResult:
    # shops keep times to the second: the same second with another state is still news
    same_state = (row.payload or {}).get("state") == data.state.value
    if data.updated_at < row.channel_updated_at or (
        data.updated_at == row.channel_updated_at and same_state
    ):
        if row.status is ChannelOrderStatus.FAILED and row.error:
            # still unimportable (Shopify lists it at every poll): shown again, told once
            import_failed(uow, connection, row.channel_order_id, row.error, tell=False)
        return ImportResult(ImportOutcome.DUPLICATE, row)
    row.channel_updated_at = data.updated_at
    row.updated_at = utcnow()
    row.payload = {**(row.payload or {}), "state": data.state.value}
    retry = (ChannelOrderStatus.FAILED, ChannelOrderStatus.SKIPPED)
    if row.status in retry and data.state is ChannelOrderState.OPEN:
        row.payload = to_payload(data)
        return _create(uow, connection, row, data)
    if data.state is not ChannelOrderState.CANCELLED:
        uow.flush()
        return ImportResult(ImportOutcome.UPDATED, row)
    if row.order_id is None:
        uow.flush()
        return ImportResult(ImportOutcome.UPDATED, row, *_nothing_to_cancel(data))
    try:
        with uow.session.begin_nested():
            cancel_order(uow, row.order_id)
    except UserFacingError as error:
        message = f"Too late to cancel: {_describe(error)}"[:ERROR_MAX]
        row.error = message
        uow.flush()
        return ImportResult(ImportOutcome.UPDATED, row, False, message)
    uow.flush()
    return ImportResult(ImportOutcome.UPDATED, row, True, "Cancelled in Crossdock.")


def _nothing_to_cancel(data: ChannelOrderData) -> tuple[bool | None, str]:
    if data.state is ChannelOrderState.CANCELLED:
        return True, "Nothing was fulfilled."
    return None, ""


def _locked(
    uow: TenantUnitOfWork, connection: ChannelConnection, channel_order_id: str
) -> ChannelOrder | None:
    return uow.scalar(
        uow.select(ChannelOrder)
        .where(
            ChannelOrder.connection_id == connection.id,
            ChannelOrder.channel_order_id == channel_order_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _describe(error: UserFacingError) -> str:
    field = getattr(error, "field", None)
    message = getattr(error, "message", None) or str(error)
    return f"{field}: {message}" if field else message
