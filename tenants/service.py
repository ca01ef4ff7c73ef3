"""Tenancy services: providers, clients, suppliers and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import event, exists, select, update
from sqlalchemy.orm import Session

from persistence.base import new_id, utcnow
from persistence.unit_of_work import UnitOfWork, bind_tenant
from tenants import keys
from tenants.errors import AuthenticationError, NotFoundError, TenantError, TenantErrorCode
from tenants.key_cache import VERIFIED, announce_revoked
from tenants.models import CODE_MAX, NAME_MAX, ApiKey, Client, KeyKind, Provider, Supplier
from tenants.scope import TenantScope
from tenants.scopes import ADMIN, DEFAULT_SCOPES, KIND_SCOPES, SCOPES, effective_scopes
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_code, clean_text

LAST_USED_RESOLUTION = timedelta(minutes=1)
"""How stale `last_used_at` may get before a request writes it again."""


@dataclass(frozen=True)
class CreatedKey:
    """A new key row and its plaintext, which is never available again."""

    key: ApiKey
    plaintext: str


def create_provider(
    unit: UnitOfWork, name: str, provider_id: uuid.UUID | None = None
) -> tuple[Provider, CreatedKey]:
    """A new provider and its first admin key (the platform operator's act).

    `provider_id` is for a well-known tenant (the demo); otherwise a new id is made.
    """
    name = clean_text(name, "name", NAME_MAX)
    provider = Provider(id=provider_id or new_id(), name=name)
    bind_tenant(unit.session, provider.id)
    unit.session.add(provider)
    unit.session.flush()
    operator = TenantUnitOfWork.sharing(unit, TenantScope.operator(provider.id))
    first_key = create_api_key(operator, name="first admin key", kind=KeyKind.PROVIDER)
    return provider, first_key


def create_client(uow: TenantUnitOfWork, code: str, name: str) -> Client:
    """A new client of the caller's provider; codes are unique per provider."""
    code = clean_code(code, "code", CODE_MAX)
    name = clean_text(name, "name", NAME_MAX)
    taken = uow.scalar(select(exists(uow.select(Client).where(Client.code == code))))
    if taken:
        raise TenantError(TenantErrorCode.DUPLICATE, f"A client with code {code!r} exists.", "code")
    client = Client(provider_id=uow.scope.provider_id, id=new_id(), code=code, name=name)
    uow.add(client)
    uow.flush()
    return client


def create_supplier(uow: TenantUnitOfWork, code: str, name: str) -> Supplier:
    """A new drop-ship supplier of the caller's provider; codes are unique per provider."""
    code = clean_code(code, "code", CODE_MAX)
    name = clean_text(name, "name", NAME_MAX)
    taken = uow.scalar(select(exists(uow.select(Supplier).where(Supplier.code == code))))
    if taken:
        raise TenantError(
            TenantErrorCode.DUPLICATE, f"A supplier with code {code!r} exists.", "code"
        )
    supplier = Supplier(provider_id=uow.scope.provider_id, id=new_id(), code=code, name=name)
    uow.add(supplier)
    uow.flush()
    return supplier


def create_api_key(
    uow: TenantUnitOfWork,
    *,
    name: str,
    kind: KeyKind,
    client_id: uuid.UUID | None = None,
    supplier_id: uuid.UUID | None = None,
    scopes: Iterable[str] | None = None,
) -> CreatedKey:
    """A new key for the caller's provider, a client of it, or a supplier of it.

    A caller can grant only what it holds itself; a client key makes keys only for
    its own client.
    """
    name = clean_text(name, "name", NAME_MAX)
    requested = _requested_scopes(kind, scopes)
    _check_grantable(uow.scope, requested, kind)
    client_id, supplier_id = _key_owner(uow, kind, client_id, supplier_id)
    material = keys.generate_key()
    key = ApiKey(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        prefix=material.prefix,
        secret_hash=material.secret_hash,
        name=name,
        kind=kind,
        client_id=client_id,
        supplier_id=supplier_id,
        scopes=sorted(requested),
    )
    uow.add(key)
    uow.flush()
    return CreatedKey(key=key, plaintext=material.plaintext)


def revoke_api_key(uow: TenantUnitOfWork, key_id: uuid.UUID) -> ApiKey:
    """Revoke one of the caller's visible keys; revoking twice keeps the first time.

    This process forgets the key as verified now; once the revocation commits, every
    process is told to (tenants/key_cache.py), this one included (a request verifying the
    key in between would otherwise remember it for key_cache.SECONDS).
    """
    key = uow.get_or_not_found(ApiKey, key_id, "API key", lock=True)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        uow.flush()
        VERIFIED.forget(key_id)
        event.listen(uow.session, "after_commit", lambda _: announce_revoked(key_id), once=True)
    return key


def revoke_api_key_by_prefix(unit: UnitOfWork, prefix: str) -> ApiKey:
    """Revoke a key by its public prefix (the operator's way in, from the server).

    The prefix only finds the key; the change is made in a transaction bound to the
    key's provider, as any other change of tenant data.
    """
    provider_id, key_id = _find_by_prefix(unit.session, prefix)
    if provider_id is None or key_id is None:
        raise NotFoundError("API key", "prefix", f"No API key has prefix {prefix!r}.")
    bind_tenant(unit.session, provider_id)
    return revoke_api_key(TenantUnitOfWork.sharing(unit, TenantScope.operator(provider_id)), key_id)


def _find_by_prefix(session: Session, prefix: str) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    session.info["key_prefix"] = prefix
    try:
        row = session.execute(
            select(ApiKey.provider_id, ApiKey.id).where(ApiKey.prefix == prefix)
        ).one_or_none()
    finally:
        session.rollback()
        session.info.pop("key_prefix", None)
    return (row.provider_id, row.id) if row is not None else (None, None)


def authenticate(session: Session, plaintext: str | None) -> TenantScope:
    """The scope of a presented key, or AuthenticationError; records when the key was used.

    Runs on a fresh session: before the key is known there is no tenant, so on PostgreSQL
    the lookup sees only the row matching the key's prefix, and may change nothing; the
    use is recorded afterwards in a transaction bound to the key's provider.
    """
    if not plaintext:
        raise AuthenticationError(
            "UNAUTHENTICATED", "Send an API key in the header 'Authorization: Bearer <key>'."
        )
    prefix = keys.parse_prefix(plaintext)
    if prefix is None:
        raise AuthenticationError("INVALID_API_KEY", "The API key is malformed or unknown.")
    session.info["key_prefix"] = prefix
    try:
        key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        if key is not None:
            session.expunge(key)  # keeps its values through the rollback
    finally:
        session.rollback()
        session.info.pop("key_prefix", None)
    if key is None or not keys.matches(plaintext, key.secret_hash):
        raise AuthenticationError("INVALID_API_KEY", "The API key is malformed or unknown.")
    if key.revoked_at is not None:
        raise AuthenticationError("API_KEY_REVOKED", "The API key has been revoked.")
    _record_use(session, key)
    return TenantScope(
        provider_id=key.provider_id,
        kind=key.kind,
        scopes=frozenset(key.scopes),
        client_id=key.client_id,
        supplier_id=key.supplier_id,
        key_id=key.id,
        key_prefix=key.prefix,
    )


def key_is_active(uow: TenantUnitOfWork) -> bool:
    """Whether the key `scope` was authenticated with still lets its holder in.

    For callers that hold a scope for long (a subscription): one primary-key read of the
    key row as the key's provider; it records no use. A scope without a key (the
    operator) stays active. A key is inactive once revoked, or when its row is gone.
    """
    if uow.scope.key_id is None:
        return True
    row = uow.execute(
        uow.select(ApiKey, ApiKey.revoked_at).where(ApiKey.id == uow.scope.key_id)
    ).one_or_none()
    return row is not None and row.revoked_at is None


def _record_use(session: Session, key: ApiKey) -> None:
    """Stamp `last_used_at`, at most once per LAST_USED_RESOLUTION, as the key's provider."""
    now = utcnow()
    if key.last_used_at is not None and now - key.last_used_at <= LAST_USED_RESOLUTION:
        return
    bind_tenant(session, key.provider_id)
    try:
        session.execute(
            update(ApiKey)
            .where(ApiKey.provider_id == key.provider_id, ApiKey.id == key.id)
            .values(last_used_at=now)
        )
        session.commit()
        key.last_used_at = now
    finally:
        session.rollback()
        bind_tenant(session, None)


def _requested_scopes(kind: KeyKind, scopes: Iterable[str] | None) -> frozenset[str]:
    requested = frozenset(DEFAULT_SCOPES[kind] if scopes is None else scopes)
    if not requested:
        raise TenantError(TenantErrorCode.REQUIRED, "Give the key at least one scope.", "scopes")
    unknown = sorted(requested - SCOPES.keys())
    if unknown:
        raise TenantError(
            TenantErrorCode.UNKNOWN_SCOPE, f"Unknown scopes: {', '.join(unknown)}.", "scopes"
        )
    unfit = sorted(requested - KIND_SCOPES[kind])
    if unfit:
        raise TenantError(
            TenantErrorCode.SCOPE_NOT_GRANTABLE,
            f"A {kind.value} key cannot hold: {', '.join(unfit)}.",
            "scopes",
        )
    return requested


def _check_grantable(scope: TenantScope, requested: frozenset[str], kind: KeyKind) -> None:
    if not scope.is_provider and kind is not scope.kind:
        raise TenantError(
            TenantErrorCode.FORBIDDEN, f"This key cannot create {kind.value} keys.", "kind"
        )
    beyond = sorted(effective_scopes(kind, requested) - scope.granted)
    if ADMIN in requested and ADMIN not in scope.scopes:
        beyond = sorted({ADMIN, *beyond})
    if beyond:
        raise TenantError(
            TenantErrorCode.SCOPE_NOT_GRANTABLE,
            f"A key cannot grant what it does not hold: {', '.join(beyond)}.",
            "scopes",
        )


def _key_owner(
    uow: TenantUnitOfWork,
    kind: KeyKind,
    client_id: uuid.UUID | None,
    supplier_id: uuid.UUID | None,
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    if kind is KeyKind.PROVIDER:
        return None, None
    if kind is KeyKind.CLIENT:
        client_id = client_id or uow.scope.client_id
        if client_id is None:
            raise TenantError(TenantErrorCode.REQUIRED, "A client key needs a client.", "clientId")
        uow.get_or_not_found(Client, client_id, "client", "clientId")
        return client_id, None
    if supplier_id is None:
        raise TenantError(
            TenantErrorCode.REQUIRED, "A supplier key needs a supplier.", "supplierId"
        )
    uow.get_or_not_found(Supplier, supplier_id, "supplier", "supplierId")
    return None, supplier_id
