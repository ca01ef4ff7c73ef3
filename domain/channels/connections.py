"""A client's channel connections: create, change, and the adapter each one stands for."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.exc import IntegrityError

from domain.catalog.models import Warehouse
from domain.channels.adapter import PermanentChannelError, SalesChannel
from domain.channels.models import ChannelConnection, ChannelKind
from domain.channels.syncs import mark_all_stock, request_sync, start_syncing
from domain.clients import owning_client
from domain.errors import DomainError, DomainErrorCode
from domain.urls import clean_outbound_url
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

NAME_MAX = 32
URL_MAX = 500
CREDENTIAL_MAX = 500


@dataclass(frozen=True)
class ConnectionChanges:
    """What a create or update sets; None leaves a field as it is."""

    name: str | None = None
    shop_url: str | None = None
    warehouse_id: uuid.UUID | None = None
    api_key: str | None = None
    api_secret: str | None = None
    import_orders: bool | None = None
    sync_fulfillments: bool | None = None
    sync_inventory: bool | None = None
    rotate_webhook_secret: bool = False


@dataclass(frozen=True)
class CreatedConnection:
    """A new or changed connection and, when one was made, the secret its webhooks are
    signed with (WooCommerce; shown once)."""

    connection: ChannelConnection
    webhook_secret: str | None


def create_connection(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID | None,
    kind: ChannelKind,
    changes: ConnectionChanges,
    *,
    allow_private_urls: bool = False,
) -> CreatedConnection:
    """A new connection of a client (a client key: its own); names are unique per client."""
    client_id = owning_client(uow, client_id)
    for value, field in ((changes.shop_url, "shopUrl"), (changes.api_key, "apiKey")):
        if not value:
            raise DomainError(DomainErrorCode.REQUIRED, f"{field} is required.", field)
    if changes.api_secret is None:
        raise DomainError(DomainErrorCode.REQUIRED, "apiSecret is required.", "apiSecret")
    if changes.warehouse_id is None:
        raise DomainError(DomainErrorCode.REQUIRED, "warehouseId is required.", "warehouseId")
    connection = ChannelConnection(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=client_id,
        kind=kind,
        name="",
        settings={},
        import_orders=True,
        sync_fulfillments=True,
        sync_inventory=True,
    )
    if kind is ChannelKind.WOOCOMMERCE:
        # WooCommerce signs with a secret the merchant types into the shop's webhook form
        connection.webhook_secret = secrets.token_urlsafe(32)
    if changes.rotate_webhook_secret:
        raise DomainError(
            DomainErrorCode.INVALID, "A new connection's secret is new.", "rotateWebhookSecret"
        )
    apply_changes(uow, connection, changes, allow_private_urls)
    uow.add(connection)
    _flush(uow, connection)
    return CreatedConnection(connection, connection.webhook_secret)


def update_connection(
    uow: TenantUnitOfWork,
    connection_id: uuid.UUID,
    changes: ConnectionChanges,
    *,
    allow_private_urls: bool = False,
) -> CreatedConnection:
    """Rename a connection, move it, change its credentials or its switches, or give its
    webhooks a new signing secret (WooCommerce: the old one stops working at once).

    New credentials start it syncing again (`start_syncing`): what the shop refused with
    the old ones (shipment reports, even those the redelivery sweep gave up on, and stock)
    is sent again through the outbox, once."""
    connection = live_connection(uow, connection_id)
    apply_changes(uow, connection, changes, allow_private_urls)
    if changes.api_key is not None or changes.api_secret is not None:
        start_syncing(uow, connection)
    made = None
    if changes.rotate_webhook_secret:
        if connection.kind is not ChannelKind.WOOCOMMERCE:
            raise DomainError(
                DomainErrorCode.INVALID,
                "Shopify signs webhooks with the app's client secret: change apiSecret.",
                "rotateWebhookSecret",
            )
        made = connection.webhook_secret = secrets.token_urlsafe(32)
    connection.updated_at = utcnow()
    _flush(uow, connection)
    return CreatedConnection(connection, made)


CURSOR_FORMAT = "%Y-%m-%dT%H:%M:%S"
"""Cursors of every adapter are the UTC modification time of the last order seen."""


def resync(
    uow: TenantUnitOfWork,
    connection_id: uuid.UUID,
    orders_since: datetime | None,
    full_stock_push: bool,
) -> ChannelConnection:
    """Move the cursor back and/or mark all stock dirty, then ask the workers to sync."""
    connection = live_connection(uow, connection_id)
    if orders_since is not None:
        if orders_since.tzinfo is None:
            raise DomainError(DomainErrorCode.INVALID, "Give a time with an offset.", "ordersSince")
        connection.cursor = orders_since.astimezone(UTC).strftime(CURSOR_FORMAT)
    if full_stock_push:
        mark_all_stock(uow, connection)
    request_sync(uow, connection, poll=orders_since is not None, stock=full_stock_push)
    connection.updated_at = utcnow()
    uow.flush()
    return connection


def find_connection(
    uow: TenantUnitOfWork, connection_id: uuid.UUID, field: str = "id"
) -> ChannelConnection:
    """The caller's connection by id, or NOT_FOUND (also for another client's)."""
    return uow.get_or_not_found(ChannelConnection, connection_id, "channel connection", field)


def live_connection(
    uow: TenantUnitOfWork, connection_id: uuid.UUID, field: str = "id"
) -> ChannelConnection:
    """`find_connection`, refused with ARCHIVED when it was disconnected (it takes no work)."""
    connection = find_connection(uow, connection_id, field)
    if connection.disconnected_at is not None:
        raise DomainError(
            DomainErrorCode.ARCHIVED,
            "The connection is disconnected; connect the shop again as a new connection.",
            field,
        )
    return connection


def disconnect_connection(uow: TenantUnitOfWork, connection_id: uuid.UUID) -> ChannelConnection:
    """Stop everything flowing through a connection and free its shop's address for a new
    one. Its imported orders, SKU mappings and counts stay; its credentials and webhook
    secret are forgotten (nothing can reach the shop through it again). Disconnecting a
    disconnected connection changes nothing."""
    connection = find_connection(uow, connection_id)
    if connection.disconnected_at is not None:
        return connection
    connection.disconnected_at = connection.updated_at = utcnow()
    connection.import_orders = connection.sync_fulfillments = connection.sync_inventory = False
    connection.credentials = json.dumps({})
    connection.webhook_secret = None
    uow.flush()
    return connection


def apply_changes(
    uow: TenantUnitOfWork,
    connection: ChannelConnection,
    changes: ConnectionChanges,
    allow_private_urls: bool,
) -> None:
    """Check and set every field `changes` names."""
    if changes.name is not None:
        name = clean_text(changes.name, "name", NAME_MAX)
        if name != connection.name and _name_taken(uow, connection.client_id, name):
            raise DomainError(
                DomainErrorCode.DUPLICATE, f"The client has a connection {name!r}.", "name"
            )
        connection.name = name
    elif not connection.name:
        raise DomainError(DomainErrorCode.REQUIRED, "name must not be blank.", "name")
    if changes.shop_url is not None:
        address = shop_address(
            clean_outbound_url(
                changes.shop_url, field="shopUrl", max_length=URL_MAX,
                allow_private=allow_private_urls, what="Shop URLs",
            )
        )  # fmt: skip
        if address != connection.shop_url and shop_taken(uow, connection, address):
            raise already_connected()
        connection.shop_url = address
    if changes.warehouse_id is not None:
        uow.get_or_not_found(Warehouse, changes.warehouse_id, "warehouse", "warehouseId")
        connection.warehouse_id = changes.warehouse_id
    if changes.api_key is not None or changes.api_secret is not None:
        current = read_credentials(connection) if connection.credentials else {}
        if changes.api_key is not None:
            current["key"] = clean_text(changes.api_key, "apiKey", CREDENTIAL_MAX)
        if changes.api_secret is not None:
            current["secret"] = clean_text(changes.api_secret, "apiSecret", CREDENTIAL_MAX)
        connection.credentials = json.dumps(current)
    for switch in ("import_orders", "sync_fulfillments", "sync_inventory"):
        value = getattr(changes, switch)
        if value is not None:
            setattr(connection, switch, value)


def shop_address(url: str) -> str:
    """A shop's URL as connections keep and compare it: scheme and host in lower case (they
    name the same shop in any case), no fragment, no trailing slash."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, "")).rstrip("/")


def shop_taken(uow: TenantUnitOfWork, connection: ChannelConnection, address: str) -> bool:
    """Whether another live connection of the provider (any client's) reaches that shop."""
    view = uow.provider_view()  # a client's key cannot see the other clients' connections
    return (
        view.scalar(
            view.select(ChannelConnection, ChannelConnection.id).where(
                ChannelConnection.kind == connection.kind,
                ChannelConnection.shop_url == address,
                ChannelConnection.disconnected_at.is_(None),
                ChannelConnection.id != connection.id,
            )
        )
        is not None
    )


def already_connected() -> DomainError:
    """The refusal of a second live connection to one shop; it names no other client."""
    return DomainError(
        DomainErrorCode.ALREADY_CONNECTED,
        "This shop is connected already; disconnect that connection first.",
        "shopUrl",
    )


def _flush(uow: TenantUnitOfWork, connection: ChannelConnection) -> None:
    try:
        with uow.session.begin_nested():
            uow.flush()
    except IntegrityError:  # connected at the same moment by another request
        if shop_taken(uow, connection, connection.shop_url):
            raise already_connected() from None
        raise


def read_credentials(connection: ChannelConnection) -> dict[str, str]:
    """The connection's credentials, opened (for adapters only; never logged or returned)."""
    value = json.loads(connection.credentials or "{}")
    return value if isinstance(value, dict) else {}


def _name_taken(uow: TenantUnitOfWork, client_id: uuid.UUID, name: str) -> bool:
    return (
        uow.scalar(
            uow.select(ChannelConnection, ChannelConnection.id).where(
                ChannelConnection.client_id == client_id, ChannelConnection.name == name
            )
        )
        is not None
    )


ChannelConnector = Callable[[ChannelConnection], SalesChannel]
"""Makes the adapter of a connection of one kind."""
_connectors: dict[ChannelKind, ChannelConnector] = {}


def install_channel_connector(kind: ChannelKind, connect: ChannelConnector) -> None:
    """Let connections of `kind` reach their shop through `connect` (the composition root)."""
    _connectors[kind] = connect


def build_channel(connection: ChannelConnection) -> SalesChannel:
    """The adapter of a connection."""
    connect = _connectors.get(connection.kind)
    if connect is None:
        raise PermanentChannelError(f"No adapter is installed for {connection.kind.value} shops.")
    return connect(connection)


def close_channel(channel: SalesChannel) -> None:
    """Release what an adapter holds (its HTTP client)."""
    close = getattr(channel, "close", None)
    if close is not None:
        close()
