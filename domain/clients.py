"""Which client a new client-owned row (product, inbound shipment) belongs to."""

from __future__ import annotations

import uuid

from domain.errors import DomainError, DomainErrorCode, not_found
from tenants.models import Client
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork


def owning_client(uow: TenantUnitOfWork, client_id: uuid.UUID | None) -> uuid.UUID:
    """The caller's own client, or the visible client a provider names; else NOT_FOUND.

    Another tenant's client and another client of the same provider answer exactly
    like an id that does not exist.
    """
    if client_id is None:
        if uow.scope.client_id is None:
            raise DomainError(DomainErrorCode.REQUIRED, "Name the client.", "clientId")
        client_id = uow.scope.client_id
    if not uow.scope.can_act_for_client(client_id):
        raise not_found("client", "clientId")
    uow.get_or_not_found(Client, client_id, "client", "clientId")
    return client_id


def require_provider(scope: TenantScope) -> None:
    """Refuse callers that do not speak for the provider (warehouse work, stock changes)."""
    if not scope.is_provider:
        raise DomainError(DomainErrorCode.FORBIDDEN, "Only a provider key may do this.")
