"""Managing webhook endpoints: create (the secret shown once), change, delete."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from domain.errors import DomainError, DomainErrorCode, not_found
from domain.outbox.events import SUPPLIER_TOPICS
from domain.webhooks import signing
from domain.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from domain.webhooks.validation import clean_topics, clean_url
from persistence.base import new_id
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork


@dataclass(frozen=True)
class CreatedEndpoint:
    """A new endpoint and its signing secret, which no later read returns."""

    endpoint: WebhookEndpoint
    secret: str


def create_endpoint(
    uow: TenantUnitOfWork,
    *,
    url: str,
    topics: Iterable[str],
    client_id: uuid.UUID | None = None,
    enabled: bool = True,
    allow_private_urls: bool = False,
) -> CreatedEndpoint:
    """A new endpoint; a client key's endpoint always belongs to its own client.

    `allow_private_urls` is the deployment's choice (see `clean_url`), never the caller's.
    """
    url = clean_url(url, allow_private=allow_private_urls)
    topics = _for_caller(uow, clean_topics(topics))
    owner = None if uow.scope.supplier_id else _owner(uow, client_id)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=owner,
        supplier_id=uow.scope.supplier_id,
        url=url,
        secret=secret,
        topics=topics,
        enabled=enabled,
    )
    uow.add(endpoint)
    uow.flush()
    return CreatedEndpoint(endpoint=endpoint, secret=secret)


def update_endpoint(
    uow: TenantUnitOfWork,
    endpoint_id: uuid.UUID,
    *,
    url: str | None = None,
    topics: Iterable[str] | None = None,
    enabled: bool | None = None,
    allow_private_urls: bool = False,
) -> WebhookEndpoint:
    """Change an endpoint's URL, topics or whether it receives events; None leaves a field."""
    endpoint = get_endpoint(uow, endpoint_id, for_update=True)
    new_url = clean_url(url, allow_private=allow_private_urls) if url is not None else endpoint.url
    new_topics = _for_caller(uow, clean_topics(topics)) if topics is not None else endpoint.topics
    endpoint.url = new_url
    endpoint.topics = new_topics
    if enabled is not None:
        endpoint.enabled = enabled
    uow.flush()
    return endpoint


def delete_endpoint(uow: TenantUnitOfWork, endpoint_id: uuid.UUID) -> uuid.UUID:
    """Delete an endpoint with its deliveries and their attempt log (and its secret)."""
    endpoint = get_endpoint(uow, endpoint_id, for_update=True)
    deliveries = uow.select(WebhookDelivery, WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == endpoint.id
    )
    uow.execute(
        uow.delete(WebhookAttempt).where(
            WebhookAttempt.delivery_id.in_(deliveries.scalar_subquery())
        )
    )
    uow.execute(uow.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    uow.session.delete(endpoint)
    uow.flush()
    return endpoint_id


def get_endpoint(
    uow: TenantUnitOfWork, endpoint_id: uuid.UUID, *, for_update: bool = False
) -> WebhookEndpoint:
    """One endpoint the caller may see; another tenant's answers like a missing one."""
    return uow.get_or_not_found(WebhookEndpoint, endpoint_id, "webhook endpoint", lock=for_update)


def _for_caller(uow: TenantUnitOfWork, topics: list[str]) -> list[str]:
    """A supplier's endpoint hears only events about its own work: refuse other topics."""
    if uow.scope.supplier_id is None:
        return topics
    foreign = [topic for topic in topics if topic not in SUPPLIER_TOPICS]
    if foreign:
        raise DomainError(
            DomainErrorCode.INVALID,
            f"A supplier's endpoint can hear only {', '.join(sorted(SUPPLIER_TOPICS))}; "
            f"not {foreign[0]}.",
            "topics",
        )
    return topics


def _owner(uow: TenantUnitOfWork, client_id: uuid.UUID | None) -> uuid.UUID | None:
    if not uow.scope.is_provider and uow.scope.client_id is None:
        raise DomainError(
            DomainErrorCode.FORBIDDEN, "Only provider, client and supplier keys manage webhooks."
        )
    owner = client_id or uow.scope.client_id
    if owner is None:
        return None
    if not uow.scope.can_act_for_client(owner):
        raise not_found("client", "clientId")
    found = uow.scalar(uow.select(Client, Client.id).where(Client.id == owner))
    if found is None:
        raise not_found("client", "clientId")
    return owner
