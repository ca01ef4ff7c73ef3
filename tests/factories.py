"""Small factories that build tenants through the real services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, text

from crossdock.database import make_engine, make_session_factory
from persistence.unit_of_work import UnitOfWork
from tenants import service
from tenants.keys import parse_prefix
from tenants.models import ApiKey, KeyKind
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
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
    with UnitOfWork(db.session_factory) as unit:
        provider, key = service.create_provider(unit, name)
        handle = TenantHandle(provider.id, key.plaintext)
        uow = TenantUnitOfWork.sharing(unit, handle.scope)
        for code in clients:
            client = service.create_client(uow, code, f"Client {code}")
            client_key = service.create_api_key(
                uow,
                name=f"{code} key",
                kind=KeyKind.CLIENT,
                client_id=client.id,
            )
            handle.clients[code] = ClientHandle(client.id, code, client_key.plaintext)
        unit.commit()
    return handle


def make_key(
    db: TestDatabase,
    tenant: TenantHandle,
    kind: KeyKind = KeyKind.PROVIDER,
    scopes: list[str] | None = None,
    client: str | None = None,
) -> str:
    """Another key of `tenant`."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        created = service.create_api_key(
            uow,
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


def count_rows(db: TestDatabase, table: str) -> int:
    """How many rows `table` holds across every tenant, counted as the owner."""
    engine = make_engine(db.admin_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text(f"SELECT count(*) FROM {table}"))
    finally:
        engine.dispose()


def key_row(db: TestDatabase, plaintext: str) -> ApiKey:
    """The stored row of a key, read as the owner (sees every tenant)."""
    engine = make_engine(db.admin_url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalars(
                select(ApiKey).where(ApiKey.prefix == parse_prefix(plaintext))
            ).one()
    finally:
        engine.dispose()


def dotted(path: list[str] | None) -> str | None:
    """A userError's field path as one dotted string, for comparing with a parameter."""
    return None if path is None else ".".join(path)
