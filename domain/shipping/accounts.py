"""A client's carrier accounts: create, change, and the adapter each one stands for."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.clients import owning_client, require_provider
from domain.errors import DomainError, DomainErrorCode
from domain.shipping.carriers.base import Carrier, PermanentCarrierError
from domain.shipping.carriers.rate_table import RateTableCarrier
from domain.shipping.models import CarrierAccount, CarrierKind
from domain.urls import clean_outbound_url
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

NAME_MAX = 64
URL_MAX = 500
API_KEY_MAX = 500


@dataclass(frozen=True)
class AccountChanges:
    """What a create or update sets; None leaves a field as it is."""

    name: str | None = None
    enabled: bool | None = None
    base_url: str | None = None
    api_key: str | None = None


@dataclass(frozen=True)
class CreatedAccount:
    """A new account and, for a carrier that pushes tracking, its webhook secret (shown once)."""

    account: CarrierAccount
    webhook_secret: str | None


def create_carrier_account(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    kind: CarrierKind,
    changes: AccountChanges,
    *,
    allow_private_urls: bool = False,
) -> CreatedAccount:
    """A new carrier account of a client; names are unique per client.

    `allow_private_urls` is the deployment's choice (see `clean_base_url`), never the caller's.
    """
    require_provider(uow.scope)
    client_id = owning_client(uow, client_id)
    account = CarrierAccount(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=client_id,
        kind=kind,
        name="",
        enabled=True if changes.enabled is None else changes.enabled,
        settings={},
    )
    if kind is CarrierKind.AGGREGATOR:
        account.webhook_secret = secrets.token_urlsafe(32)
    _apply(uow, account, changes, allow_private_urls)
    if kind is CarrierKind.AGGREGATOR and not (
        account.settings.get("base_url") and account.api_key
    ):
        field = "baseUrl" if not account.settings.get("base_url") else "apiKey"
        raise DomainError(
            DomainErrorCode.REQUIRED,
            "An aggregator account needs a base URL and an API key.",
            field,
        )
    uow.add(account)
    uow.flush()
    return CreatedAccount(account, account.webhook_secret)


def update_carrier_account(
    uow: TenantUnitOfWork,
    account_id: uuid.UUID,
    changes: AccountChanges,
    *,
    allow_private_urls: bool = False,
) -> CarrierAccount:
    """Rename, enable or disable an account, or change its URL or API key."""
    require_provider(uow.scope)
    account = find_account(uow, account_id)
    _apply(uow, account, changes, allow_private_urls)
    if changes.enabled is not None:
        account.enabled = changes.enabled
    account.updated_at = utcnow()
    uow.flush()
    return account


def find_account(uow: TenantUnitOfWork, account_id: uuid.UUID) -> CarrierAccount:
    """The caller's carrier account by id, or NOT_FOUND."""
    return uow.get_or_not_found(CarrierAccount, account_id, "carrier account")


def enabled_accounts(uow: TenantUnitOfWork, client_id: uuid.UUID) -> list[CarrierAccount]:
    """A client's enabled carrier accounts, by name."""
    return list(
        uow.scalars(
            uow.select(CarrierAccount)
            .where(CarrierAccount.client_id == client_id, CarrierAccount.enabled.is_(True))
            .order_by(CarrierAccount.name)
        )
    )


CarrierConnector = Callable[[CarrierAccount], Carrier]
"""Makes the adapter of an account of one kind (its code is the account's name)."""
_connectors: dict[CarrierKind, CarrierConnector] = {}


def install_connector(kind: CarrierKind, connect: CarrierConnector) -> None:
    """Let accounts of `kind` reach their carrier through `connect` (the composition root)."""
    _connectors[kind] = connect


LOCAL_KINDS = frozenset({CarrierKind.RATE_TABLE})
"""Carriers priced and labelled here: no remote call, so nothing to pin before buying."""


def is_local(account: CarrierAccount) -> bool:
    """Whether the account's carrier answers without a remote call (`LOCAL_KINDS`)."""
    return account.kind in LOCAL_KINDS


def build_carrier(account: CarrierAccount) -> Carrier:
    """The adapter of an account; its code is the account's name."""
    if account.kind is CarrierKind.RATE_TABLE:
        return RateTableCarrier(code=account.name)
    connect = _connectors.get(account.kind)
    if connect is None:
        raise PermanentCarrierError(
            f"No adapter is installed for {account.kind.value} carriers.",
            code="CARRIER_UNAVAILABLE",
        )
    return connect(account)


def close_carrier(carrier: Carrier) -> None:
    """Release what an adapter holds (the aggregator's HTTP client)."""
    close = getattr(carrier, "close", None)
    if close is not None:
        close()


def _apply(
    uow: TenantUnitOfWork,
    account: CarrierAccount,
    changes: AccountChanges,
    allow_private_urls: bool,
) -> None:
    if account.kind is CarrierKind.RATE_TABLE and (changes.base_url or changes.api_key):
        raise DomainError(
            DomainErrorCode.INVALID, "The rate-table carrier has no URL or API key.", "baseUrl"
        )
    if changes.name is not None:
        name = clean_text(changes.name, "name", NAME_MAX)
        if name != account.name:
            taken = uow.scalar(
                uow.select(CarrierAccount, CarrierAccount.id).where(
                    CarrierAccount.client_id == account.client_id, CarrierAccount.name == name
                )
            )
            if taken is not None:
                raise DomainError(
                    DomainErrorCode.DUPLICATE, f"The client has an account {name!r}.", "name"
                )
        account.name = name
    elif not account.name:
        raise DomainError(DomainErrorCode.REQUIRED, "name must not be blank.", "name")
    if changes.base_url is not None:
        url = clean_base_url(changes.base_url, allow_private=allow_private_urls)
        account.settings = {**account.settings, "base_url": url}
    if changes.api_key is not None:
        account.api_key = clean_text(changes.api_key, "apiKey", API_KEY_MAX)


def clean_base_url(value: str, *, allow_private: bool = False) -> str:
    """An aggregator's API root: the rule of every outbound URL (https to a public host,
    unless the deployment allows private ones; see `domain.urls`), and no fragment.

    The worker sends the account's API key there and reads the answers, so a private
    address would let whoever manages accounts make the worker reach internal services.
    """
    url = clean_outbound_url(
        value, field="baseUrl", max_length=URL_MAX, allow_private=allow_private,
        what="Carrier URLs",
    )  # fmt: skip
    if urlsplit(url).fragment:
        raise DomainError(DomainErrorCode.INVALID, "baseUrl must have no fragment.", "baseUrl")
    return url.rstrip("/")
