"""A connection's failures: the last one shown on it until work of the shop succeeds, each
told to the provider as a webhook (`channel.import_failed`, `channel.sync_failed`).

One place records them all: an order that cannot be imported, an unreadable one, and a
call to the shop that failed (poll, check, acknowledge, shipment report, stock push).
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.channels.adapter import ChannelAccessError, ChannelError, TransientChannelError
from domain.channels.models import ChannelConnection
from domain.outbox.events import Topic, record
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork

ERROR_MAX = 1000
"""The longest error kept (`ChannelConnection.last_error`, `ChannelOrder.error`)."""


def record_error(
    uow: TenantUnitOfWork,
    connection: ChannelConnection,
    topic: Topic,
    shown: str,
    details: Mapping[str, object],
    *,
    tell: bool = True,
) -> None:
    """Keep `shown` as the connection's last error and, unless `tell` is False (this very
    error was told already), tell the provider: a `topic` webhook naming the connection,
    its client and kind, then `details`."""
    connection.last_error = shown[:ERROR_MAX]
    connection.last_error_at = utcnow()
    if not tell:
        return
    record(
        uow,
        topic,
        aggregate_type="channel_connection",
        aggregate_id=connection.id,
        client_id=connection.client_id,
        payload={
            "connection_id": str(connection.id),
            "client_id": str(connection.client_id),
            "kind": connection.kind.value,
            **details,
        },
    )


def import_failed(
    uow: TenantUnitOfWork,
    connection: ChannelConnection,
    channel_order_id: str | None,
    message: str,
    *,
    tell: bool = True,
) -> None:
    """An order of the shop could not be imported (`channel.import_failed`)."""
    record_error(
        uow,
        connection,
        Topic.CHANNEL_IMPORT_FAILED,
        f"Order {channel_order_id or '?'}: {message}",
        {"channel_order_id": channel_order_id, "message": message[:ERROR_MAX]},
        tell=tell,
    )


def sync_failed(
    uow: TenantUnitOfWork,
    connection: ChannelConnection,
    work: str,
    error: ChannelError,
    *,
    once: bool = False,
) -> None:
    """A call to the shop failed (`channel.sync_failed`); `work` says which. With `once`,
    an error that is already the connection's last is not told again."""
    message = f"{work}: {error.message}"[:ERROR_MAX]
    if isinstance(error, ChannelAccessError):
        refused = dict((connection.settings or {}).get(REFUSED) or {})
        refused[work] = utcnow().isoformat()
        connection.settings = dict(connection.settings or {}, **{REFUSED: refused})
    record_error(
        uow,
        connection,
        Topic.CHANNEL_SYNC_FAILED,
        message,
        {"work": work, "message": message, "transient": isinstance(error, TransientChannelError)},
        tell=not (once and connection.last_error == message),
    )


REFUSED = "refused"
"""The connection's setting that says which work the shop refused with the connection
itself (ChannelAccessError), and when: what it kept waits to be sent again once the
connection works."""


def was_refused(connection: ChannelConnection, work: str | None = None) -> bool:
    """Whether the shop refused the connection itself (for `work`, if given) since it
    last started syncing."""
    refused = (connection.settings or {}).get(REFUSED) or {}
    return bool(refused) if work is None else work in refused


def forget_refusal(connection: ChannelConnection, work: str | None = None) -> None:
    """The connection starts syncing again (`work` works again): its refusal is history."""
    if not was_refused(connection, work):
        return
    refused = {k: v for k, v in connection.settings[REFUSED].items() if work not in (None, k)}
    settings = {k: v for k, v in connection.settings.items() if k != REFUSED}
    connection.settings = dict(settings, **{REFUSED: refused}) if refused else settings


def clear_error(connection: ChannelConnection) -> None:
    """The shop answered and the work was done: its last error is history (the provider
    was told of it when it happened)."""
    connection.last_error = None
    connection.last_error_at = None
