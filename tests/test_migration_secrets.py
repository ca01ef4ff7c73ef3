"""Revision 0010 seals the secrets stored before it, and the downgrade opens them again."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import text

from adapters.secrets import FernetSecretBox, new_key
from crossdock.database import make_engine
from crossdock.migrate import alembic_config
from tests.test_migrations import fresh_postgres, fresh_url

__all__ = ["fresh_postgres", "fresh_url"]

PLAIN = {"secret": "whsec_plain", "api_key": "sk_live_plain", "webhook_secret": "push_plain"}


def store_plaintext(url: str) -> None:
    """A provider with an endpoint and a carrier account, written as revision 0009 stored them."""
    sqlite = url.startswith("sqlite")

    def new() -> str:  # how each database stores a UUID column
        return uuid.uuid4().hex if sqlite else str(uuid.uuid4())

    provider, client = new(), new()
    statements = [
        ("INSERT INTO providers (id, name, created_at, updated_at) VALUES (:p, 'P', :t, :t)", {}),
        (
            "INSERT INTO clients (provider_id, id, code, name, created_at, updated_at) "
            "VALUES (:p, :c, 'A', 'A', :t, :t)",
            {},
        ),
        (
            "INSERT INTO webhook_endpoints (provider_id, id, url, secret, topics, enabled, "
            "created_at, updated_at) VALUES (:p, :i, 'https://x.example', :s, '[]', true, :t, :t)",
            {"i": new(), "s": PLAIN["secret"]},
        ),
        (
            "INSERT INTO carrier_accounts (provider_id, id, client_id, kind, name, enabled, "
            "settings, api_key, webhook_secret, created_at, updated_at) VALUES (:p, :i, :c, "
            "'aggregator', 'agg', true, '{}', :k, :w, :t, :t)",
            {"i": new(), "k": PLAIN["api_key"], "w": PLAIN["webhook_secret"]},
        ),
    ]
    engine = make_engine(url)
    with engine.begin() as connection:
        for sql, values in statements:
            base = {"p": provider, "c": client, "t": "2026-11-01 00:00:00+00:00"}
            connection.execute(text(sql), base | values)
    engine.dispose()


def stored(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        secret = connection.scalar(text("SELECT secret FROM webhook_endpoints"))
        api_key, push = connection.execute(
            text("SELECT api_key, webhook_secret FROM carrier_accounts")
        ).one()
    engine.dispose()
    return {"secret": secret, "api_key": api_key, "webhook_secret": push}


def test_upgrade_seals_stored_secrets_and_downgrade_opens_them(fresh_url):
    # given
    box = FernetSecretBox([new_key()])
    command.upgrade(alembic_config(fresh_url), "0009")
    store_plaintext(fresh_url)
    config = alembic_config(fresh_url, secret_box=lambda: box)
    # when
    command.upgrade(config, "0010")
    sealed = stored(fresh_url)
    command.downgrade(config, "0009")
    # then
    assert all(value.startswith(box.current_prefix) for value in sealed.values())
    assert {name: box.open(value) for name, value in sealed.items()} == PLAIN
    assert stored(fresh_url) == PLAIN


def test_upgrade_without_the_key_ring_refuses_and_changes_nothing(fresh_url):
    # given
    command.upgrade(alembic_config(fresh_url), "0009")
    store_plaintext(fresh_url)
    # when
    with pytest.raises(RuntimeError, match="CROSSDOCK_SECRET_KEYS"):
        command.upgrade(alembic_config(fresh_url), "0010")
    # then
    assert stored(fresh_url) == PLAIN
