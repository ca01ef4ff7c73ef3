"""Providers (the tenants), their clients and suppliers, and API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, Timestamped, enum_column, new_id

NAME_MAX = 200
CODE_MAX = 40


class KeyKind(StrEnum):
    """Who an API key speaks for."""

    PROVIDER = "provider"
    CLIENT = "client"
    SUPPLIER = "supplier"


class Provider(Timestamped, Base):
    """A 3PL: the tenant. Everything else hangs off one."""

    __tablename__ = "providers"
    __table_args__ = {"info": {"tenant_key": "id"}}
    __provider_column__ = "id"
    __visible_to_clients__ = True
    __visible_to_suppliers__ = True

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(NAME_MAX))


def client_fk() -> ForeignKeyConstraint:
    """A fresh (provider_id, client_id) reference to a client of the row's own provider."""
    return ForeignKeyConstraint(["provider_id", "client_id"], ["clients.provider_id", "clients.id"])


class Client(Timestamped, Base):
    """A merchant whose goods the provider stores and ships."""

    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("provider_id", "code"),)
    __client_column__ = "id"

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(CODE_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))


class Supplier(Timestamped, Base):
    """A drop-ship vendor that fulfils lines routed to it."""

    __tablename__ = "suppliers"
    __table_args__ = (UniqueConstraint("provider_id", "code"),)
    __supplier_column__ = "id"

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(CODE_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    acknowledge_within_hours: Mapped[int | None]
    """SLA: hours a fulfillment order routed to the supplier may wait for acknowledgement."""
    ship_within_hours: Mapped[int | None]
    """SLA: hours from routing until the supplier must have shipped."""
    archived_at: Mapped[datetime | None]
    """An archived supplier is no longer routed to; its open work stays visible."""
    ship_from: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Where its parcels leave from (an address), for labels bought through Crossdock."""


class ApiKey(Timestamped, Base):
    """An API key: only its public prefix and a hash of the whole key are stored."""

    __tablename__ = "api_keys"
    __table_args__ = (
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "supplier_id"], ["suppliers.provider_id", "suppliers.id"]
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    kind: Mapped[KeyKind] = mapped_column(enum_column(KeyKind))
    client_id: Mapped[uuid.UUID | None]
    supplier_id: Mapped[uuid.UUID | None]
    scopes: Mapped[list[str]] = mapped_column(JSON)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
