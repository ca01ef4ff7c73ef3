"""Managing webhook endpoints: create (the secret shown once), change, delete."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from domain.errors import DomainError, DomainErrorCode, not_found
from domain.webhooks import signing
from domain.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from domain.webhooks.validation import clean_topics, clean_url
from persistence.base import new_id
from tenants.models import Client
from tenants.scope import TenantScope


@dataclass(frozen=True)
class CreatedEndpoint:
    """A new endpoint and its signing secret, which no later read returns."""

    endpoint: WebhookEndpoint
    secret: str


def create_endpoint(
    session: Session,
    scope: TenantScope,
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
    topics = clean_topics(topics)
    owner = _owner(session, scope, client_id)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        provider_id=scope.provider_id,
        id=new_id(),
        client_id=owner,
        url=url,
        secret=secret,
        topics=topics,
        enabled=enabled,
    )
    session.add(endpoint)
    session.flush()
    return CreatedEndpoint(endpoint=endpoint, secret=secret)


def update_endpoint(
    session: Session,
    scope: TenantScope,
    endpoint_id: uuid.UUID,
    *,
    url: str | None = None,
    topics: Iterable[str] | None = None,
    enabled: bool | None = None,
    allow_private_urls: bool = False,
) -> WebhookEndpoint:
    """Change an endpoint's URL, topics or whether it receives events; None leaves a field."""
    endpoint = get_endpoint(session, scope, endpoint_id, for_update=True)
    new_url = clean_url(url, allow_private=allow_private_urls) if url is not None else endpoint.url
    new_topics = clean_topics(topics) if topics is not None else endpoint.topics
    endpoint.url = new_url
    endpoint.topics = new_topics
    if enabled is not None:
        endpoint.enabled = enabled
    session.flush()
    return endpoint


def delete_endpoint(session: Session, scope: TenantScope, endpoint_id: uuid.UUID) -> uuid.UUID:
    """Delete an endpoint with its deliveries and their attempt log (and its secret)."""
    endpoint = get_endpoint(session, scope, endpoint_id, for_update=True)
    deliveries = scope.select(WebhookDelivery, WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == endpoint.id
    )
    session.execute(
        delete(WebhookAttempt).where(
            WebhookAttempt.provider_id == scope.provider_id,
            WebhookAttempt.delivery_id.in_(deliveries.scalar_subquery()),
        )
    )
    session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.provider_id == scope.provider_id,
            WebhookDelivery.endpoint_id == endpoint.id,
        )
    )
    session.delete(endpoint)
    session.flush()
    return endpoint_id


def get_endpoint(
    session: Session, scope: TenantScope, endpoint_id: uuid.UUID, *, for_update: bool = False
) -> WebhookEndpoint:
    """One endpoint the caller may see; another tenant's answers like a missing one."""
    stmt = scope.select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
    endpoint = session.scalar(stmt.with_for_update() if for_update else stmt)
    if endpoint is None:
        raise not_found("webhook endpoint")
    return endpoint


def _owner(session: Session, scope: TenantScope, client_id: uuid.UUID | None) -> uuid.UUID | None:
    if not scope.is_provider and scope.client_id is None:
        raise DomainError(
            DomainErrorCode.FORBIDDEN, "Only provider and client keys manage webhooks."
        )
    owner = client_id or scope.client_id
    if owner is None:
        return None
    if not scope.can_act_for_client(owner):
        raise not_found("client", "clientId")
    found = session.scalar(scope.select(Client, Client.id).where(Client.id == owner))
    if found is None:
        raise not_found("client", "clientId")
    return owner
