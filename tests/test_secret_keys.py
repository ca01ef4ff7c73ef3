"""The key ring at start-up, and rotation: old keys keep working until `rotate` re-seals."""

from __future__ import annotations

import fnmatch
import logging
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from adapters.secrets import FernetSecretBox, SecretKeyError, key_id, new_key
from crossdock.app import create_app
from crossdock.database import make_engine
from crossdock.secret_keys import embedded_key_file, load_secret_box
from crossdock.secret_rotation import rotate_secrets
from crossdock.settings import Settings, sqlite_url
from domain.audit.models import AuditEvent
from domain.webhooks.endpoints import create_endpoint
from domain.webhooks.models import WebhookEndpoint
from persistence.sealed import use_secret_box
from persistence.unit_of_work import UnitOfWork
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import make_tenant

OLD, NEW = new_key(), new_key()


def settings_with(database, *keys: str) -> Settings:
    env = {
        "CROSSDOCK_DATABASE_URL": database.url,
        "CROSSDOCK_MIGRATION_DATABASE_URL": database.admin_url,
        "CROSSDOCK_SECRET_KEYS": ",".join(keys),
    }
    return Settings.from_env(env)


def endpoint_sealed_with(database, key: str) -> tuple[object, str]:
    """A tenant with one webhook endpoint whose secret is sealed with `key`."""
    use_secret_box(FernetSecretBox([key]))
    tenant = make_tenant(database)
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        created = create_endpoint(uow, url="https://hooks.example.com/x", topics=["order.created"])
        uow.commit()
    return tenant, created.secret


def read_secret(database, tenant) -> str:
    with UnitOfWork(database.session_factory, tenant.provider_id) as uow:
        return uow.session.scalars(select(WebhookEndpoint.secret)).one()


def stored_heads(database) -> set[str]:
    engine = make_engine(database.admin_url)
    with engine.connect() as connection:
        heads = set(connection.scalars(text("SELECT substr(secret, 1, 16) FROM webhook_endpoints")))
    engine.dispose()
    return heads


def test_postgres_without_keys_does_not_start():
    # given
    settings = Settings.from_env({"CROSSDOCK_DATABASE_URL": "postgresql://db.invalid/crossdock"})
    # when
    with pytest.raises(SecretKeyError) as refused:
        create_app(settings, background=False)
    # then
    assert "CROSSDOCK_SECRET_KEYS is required" in str(refused.value)


def test_a_malformed_key_does_not_start_and_is_not_echoed(database):
    # when
    with pytest.raises(SecretKeyError) as refused:
        create_app(settings_with(database, NEW, "oops-not-a-key"), background=False)
    # then
    assert "key 2 is not a Fernet key" in str(refused.value)
    assert "oops" not in str(refused.value)


def test_stored_secrets_whose_key_is_gone_stop_the_start_naming_the_key_id(database):
    # given
    endpoint_sealed_with(database, OLD)
    # when
    with pytest.raises(SecretKeyError) as refused:
        create_app(settings_with(database, NEW), background=False)
    # then
    assert key_id(OLD) in str(refused.value)
    assert OLD not in str(refused.value)


def test_rotation_reseals_with_the_first_key_once_and_the_old_key_can_go(database):
    # given: secrets sealed with the old key, and a ring with the new key first
    tenant, secret = endpoint_sealed_with(database, OLD)
    create_app(settings_with(database, NEW, OLD), background=False)  # starts: old key present
    assert read_secret(database, tenant) == secret
    ring = FernetSecretBox([NEW, OLD])
    # when
    first = rotate_secrets(database.session_factory, ring)
    again = rotate_secrets(database.session_factory, ring)
    # then
    assert (first, again) == (1, 0)
    assert stored_heads(database) == {f"fernet:{key_id(NEW)}:"}
    create_app(settings_with(database, NEW), background=False)  # starts with the new key alone
    assert read_secret(database, tenant) == secret
    with UnitOfWork(database.session_factory, tenant.provider_id) as uow:
        rotated = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.mutation == "rotateSecrets")
        ).one()
        assert (rotated.actor_name, rotated.input) == (
            "secret_rotation",
            {"keyId": key_id(NEW), "resealed": 1},
        )


def test_the_embedded_default_makes_one_private_key_file_and_warns(tmp_path, caplog):
    # given
    settings = Settings.from_env({"CROSSDOCK_DATABASE_URL": sqlite_url(tmp_path / "c.db")})
    # when
    with caplog.at_level(logging.WARNING, logger="crossdock.secrets"):
        first = load_secret_box(settings)
    second = load_secret_box(settings)
    # then
    path = embedded_key_file(settings.database_url)
    assert path == tmp_path / "c.db.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.current_key_id == second.current_key_id
    assert "generated the secret key" in caplog.text
    assert path.read_text().strip() not in caplog.text


def test_the_embedded_key_file_stays_out_of_git_and_the_image():
    # given
    root = Path(__file__).resolve().parent.parent
    key_file = embedded_key_file(sqlite_url(root / "crossdock.db"))
    # when
    ignored = {
        name: [line.strip() for line in (root / name).read_text().splitlines()]
        for name in (".gitignore", ".dockerignore")
    }
    # then
    for patterns in ignored.values():
        assert any(fnmatch.fnmatch(key_file.name, pattern) for pattern in patterns)
