"""Small factories that build tenants through the real services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from persistence.unit_of_work import UnitOfWork
from tenants import service
from tenants.models import KeyKind
from tenants.scope import TenantScope
from tests.conftest import TestDatabase


@dataclass
class ClientHandle:
    id: uuid.UUID
    code: str
    key: str

    @property
    def global_id(self) -> str:
        return global_id("Client", self.id)


@dataclass
class TenantHandle:
    """A provider with its admin key and clients (each with a client key)."""

    provider_id: uuid.UUID
    key: str
    clients: dict[str, ClientHandle] = field(default_factory=dict)

    @property
    def scope(self) -> TenantScope:
        return TenantScope.operator(self.provider_id)


def make_tenant(
    db: TestDatabase, name: str = "Northwind", clients: tuple[str, ...] = ("A", "B")
) -> TenantHandle:
    """A provider with the given client codes, through the services, committed."""
    with UnitOfWork(db.session_factory) as uow:
        provider, key = service.create_provider(uow.session, name)
        handle = TenantHandle(provider.id, key.plaintext)
        for code in clients:
            client = service.create_client(uow.session, handle.scope, code, f"Client {code}")
            client_key = service.create_api_key(
                uow.session,
                handle.scope,
                name=f"{code} key",
                kind=KeyKind.CLIENT,
                client_id=client.id,
            )
            handle.clients[code] = ClientHandle(client.id, code, client_key.plaintext)
        uow.commit()
    return handle


def make_key(
    db: TestDatabase,
    tenant: TenantHandle,
    kind: KeyKind = KeyKind.PROVIDER,
    scopes: list[str] | None = None,
    client: str | None = None,
) -> str:
    """Another key of `tenant`."""
    with UnitOfWork(db.session_factory, tenant.provider_id) as uow:
        created = service.create_api_key(
            uow.session,
            tenant.scope,
            name="test key",
            kind=kind,
            scopes=scopes,
            client_id=tenant.clients[client].id if client else None,
        )
        uow.commit()
    return created.plaintext


def global_id(type_name: str, row_id: uuid.UUID) -> str:
    """The Relay global id of a row."""
    import base64

    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()
