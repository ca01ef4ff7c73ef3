"""The migrations build the schema the models describe, from nothing, on both databases."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from crossdock.database import make_engine
from crossdock.migrate import alembic_config
from crossdock.models import metadata
from crossdock.settings import sqlite_url


def tables_of(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.fixture
def fresh_postgres(postgres_server: tuple[str, str]) -> Iterator[str]:
    """The owner's URL of a new, empty database on the test server, dropped afterwards."""
    server = make_url(postgres_server[1])
    name = f"crossdock_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "fresh.db")
    return request.getfixturevalue("fresh_postgres")


def test_upgrade_builds_what_the_models_describe(fresh_url):
    # given
    config = alembic_config(fresh_url)
    # when
    command.upgrade(config, "head")
    # then: `alembic check` raises when the models and the schema disagree
    command.check(config)
    assert tables_of(fresh_url) == set(metadata.tables)


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    # given
    url = sqlite_url(tmp_path / "roundtrip.db")
    config = alembic_config(url)
    command.upgrade(config, "head")
    # when
    command.downgrade(config, "base")
    emptied = tables_of(url)
    command.upgrade(config, "head")
    # then
    assert emptied == set()
    command.check(config)
    assert tables_of(url) == set(metadata.tables)


def policies_of(url: str) -> set[tuple[str, str, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT tablename, policyname, cmd FROM pg_policies"))
            return {tuple(row) for row in rows}
    finally:
        engine.dispose()


def test_the_policy_narrowing_downgrades_and_upgrades_again(fresh_postgres):
    # given
    config = alembic_config(fresh_postgres)
    command.upgrade(config, "head")
    narrowed = policies_of(fresh_postgres)
    # when
    command.downgrade(config, "0007")
    widened = policies_of(fresh_postgres)
    command.upgrade(config, "head")
    # then
    assert ("api_keys", "key_lookup_touch", "UPDATE") in widened - narrowed
    assert ("providers", "system_scheduler", "ALL") in widened - narrowed
    assert ("providers", "system_scheduler_select", "SELECT") in narrowed - widened
    assert policies_of(fresh_postgres) == narrowed


# Migration 0018 stamps each existing charge with the month it is billed in. One client
# (ACME) has a voided September, an issued October and a draft November; another (Bolt)
# only a draft October. Each charge: (client, invoice it is on or None, service date,
# month expected after the upgrade, invoice expected after the downgrade).
_INVOICES = {
    "acme-sep": ("acme", "2026-09-01", "void"),
    "acme-oct": ("acme", "2026-10-01", "issued"),
    "acme-nov": ("acme", "2026-11-01", "draft"),
    "bolt-oct": ("bolt", "2026-10-01", "draft"),
}
_CHARGES = {
    # a late September charge that went onto the issued October invoice keeps October
    "acme-late-on-oct": ("acme", "acme-oct", "2026-09-28", "2026-10-01", "acme-oct"),
    "acme-on-draft-nov": ("acme", "acme-nov", "2026-11-03", "2026-11-01", "acme-nov"),
    # released by the voided September: the month after the latest closed invoice
    "acme-released-sep": ("acme", None, "2026-09-10", "2026-11-01", "acme-nov"),
    # arrived after October was issued: November, where the next run would bill it
    "acme-after-oct-issued": ("acme", None, "2026-10-20", "2026-11-01", "acme-nov"),
    "acme-december": ("acme", None, "2026-12-02", "2026-12-01", None),
    # ACME's closed invoices move none of Bolt's charges; a draft closes nothing
    "bolt-september": ("bolt", None, "2026-09-10", "2026-09-01", None),
    "bolt-on-draft-oct": ("bolt", "bolt-oct", "2026-10-05", "2026-10-01", "bolt-oct"),
    "bolt-in-draft-month": ("bolt", None, "2026-10-30", "2026-10-01", "bolt-oct"),
}


def _seed_invoiced_and_open_charges(url: str) -> dict[str, uuid.UUID]:
    """Rows as revision 0017 held them, by raw SQL; the ids by name."""
    engine = make_engine(url)
    ids = {name: uuid.uuid4() for name in ["provider", "acme", "bolt", *_INVOICES, *_CHARGES]}
    stored = (lambda u: u.hex) if engine.dialect.name == "sqlite" else (lambda u: u)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO providers (id, name) VALUES (:id, 'Northwind')"),
                {"id": stored(ids["provider"])},
            )
            connection.execute(
                text("INSERT INTO clients (provider_id, id, code, name) VALUES (:p, :id, :c, :c)"),
                [
                    {"p": stored(ids["provider"]), "id": stored(ids[c]), "c": c}
                    for c in ("acme", "bolt")
                ],
            )
            connection.execute(
                text(
                    "INSERT INTO invoices (provider_id, id, client_id, number, period_start,"
                    " period_end, currency, status, subtotal_minor, minimum_top_up_minor,"
                    " tax_minor, total_minor) VALUES (:p, :id, :client, :number, :start, :start,"
                    " 'USD', :status, 0, 0, 0, 0)"
                ),
                [
                    {
                        "p": stored(ids["provider"]),
                        "id": stored(ids[name]),
                        "client": stored(ids[client]),
                        "number": name,
                        "start": start,
                        "status": status,
                    }
                    for name, (client, start, status) in _INVOICES.items()
                ],
            )
            connection.execute(
                text(
                    "INSERT INTO charges (provider_id, id, client_id, charge_type, source_type,"
                    " source_id, occurred_at, service_date, quantity, unit_price, amount_minor,"
                    " currency, description, actor, invoice_id, created_at) VALUES (:p, :id,"
                    " :client, 'manual', 'manual', :source, :at, :day, '1', '1.00', 100, 'USD',"
                    " :source, 'test', :invoice, :at)"
                ),
                [
                    {
                        "p": stored(ids["provider"]),
                        "id": stored(ids[name]),
                        "client": stored(ids[client]),
                        "source": name,
                        "at": f"{day} 12:00:00",
                        "day": day,
                        "invoice": stored(ids[invoice]) if invoice else None,
                    }
                    for name, (client, invoice, day, _, _) in _CHARGES.items()
                ],
            )
    finally:
        engine.dispose()
    return ids


def _charges_by_source(url: str, column: str) -> dict[str, object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT source_id, {column} FROM charges"))
            return {source: value for source, value in rows}
    finally:
        engine.dispose()


def test_0018_stamps_existing_charges_with_their_billing_month_and_downgrades(fresh_url):
    # given: the schema of 0017 holding invoiced and open charges
    config = alembic_config(fresh_url)
    command.upgrade(config, "0017")
    ids = _seed_invoiced_and_open_charges(fresh_url)
    # when
    command.upgrade(config, "head")
    periods = _charges_by_source(fresh_url, "billing_period")
    command.downgrade(config, "0017")
    invoices = _charges_by_source(fresh_url, "invoice_id")
    # then
    assert {name: str(period) for name, period in periods.items()} == {
        name: month for name, (_, _, _, month, _) in _CHARGES.items()
    }
    by_id = {stored: name for name, stored in ids.items()}
    assert {
        name: by_id.get(uuid.UUID(str(value)) if value else None)
        for name, value in invoices.items()
    } == {name: invoice for name, (_, _, _, _, invoice) in _CHARGES.items()}


# name: (client, kind, shop URL as typed, created at); the oldest of one shop stays live
_CONNECTIONS = {
    "first": ("acme", "woocommerce", "https://Shop.Example.com/", "2026-11-30 10:00:00"),
    "twin": ("bolt", "woocommerce", "https://shop.example.com", "2026-11-30 11:00:00"),
    "twin-again": ("acme", "woocommerce", "HTTPS://SHOP.example.com/", "2026-11-30 12:00:00"),
    "shopify": ("bolt", "shopify", "https://shop.example.com", "2026-11-30 13:00:00"),
    "alone": ("acme", "woocommerce", "https://other.example/shop/", "2026-11-30 14:00:00"),
}


def _seed_connections(url: str) -> dict[str, uuid.UUID]:
    """Channel connections as revision 0019 held them (one shop three times), by raw SQL."""
    engine = make_engine(url)
    ids = {name: uuid.uuid4() for name in ["provider", "acme", "bolt", "wh", *_CONNECTIONS]}
    stored = (lambda u: u.hex) if engine.dialect.name == "sqlite" else (lambda u: u)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO providers (id, name) VALUES (:id, 'Northwind')"),
                {"id": stored(ids["provider"])},
            )
            connection.execute(
                text("INSERT INTO clients (provider_id, id, code, name) VALUES (:p, :id, :c, :c)"),
                [
                    {"p": stored(ids["provider"]), "id": stored(ids[c]), "c": c}
                    for c in ("acme", "bolt")
                ],
            )
            connection.execute(
                text(
                    "INSERT INTO warehouses (provider_id, id, code, name, address_line1, city,"
                    " postal_code, country, timezone) VALUES (:p, :id, 'WH', 'WH', '1 Road',"
                    " 'Leeds', 'LS1', 'GB', 'UTC')"
                ),
                {"p": stored(ids["provider"]), "id": stored(ids["wh"])},
            )
            connection.execute(
                text(
                    "INSERT INTO channel_connections (provider_id, id, client_id, kind, name,"
                    " shop_url, warehouse_id, import_orders, sync_fulfillments, sync_inventory,"
                    " settings, credentials, shipments_reported, stock_pushes, created_at)"
                    " VALUES (:p, :id, :client, :kind, :name, :url, :wh, :on, :on, :on, '{}',"
                    " 'sealed', 0, 0, :at)"
                ),
                [
                    {
                        "p": stored(ids["provider"]),
                        "id": stored(ids[name]),
                        "client": stored(ids[client]),
                        "kind": kind,
                        "name": name,
                        "url": shop_url,
                        "wh": stored(ids["wh"]),
                        "on": True,
                        "at": at,
                    }
                    for name, (client, kind, shop_url, at) in _CONNECTIONS.items()
                ],
            )
    finally:
        engine.dispose()
    return ids


def _connections(url: str) -> dict[str, tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM channel_connections LIMIT 0")).keys()
            disconnected = "disconnected_at" in columns
            rows = connection.execute(
                text(
                    "SELECT name, shop_url, import_orders, sync_fulfillments, sync_inventory"
                    + (", disconnected_at IS NOT NULL" if disconnected else "")
                    + " FROM channel_connections"
                )
            )
            return {name: tuple(rest) for name, *rest in rows}
    finally:
        engine.dispose()


def test_0020_keeps_the_oldest_connection_of_a_shop_live_and_downgrades(fresh_url):
    # given: the schema of 0019 with one shop connected three times (two clients)
    config = alembic_config(fresh_url)
    command.upgrade(config, "0019")
    _seed_connections(fresh_url)
    # when
    command.upgrade(config, "head")
    upgraded = _connections(fresh_url)
    command.downgrade(config, "0019")
    downgraded = _connections(fresh_url)
    # then addresses are normalised, the later twins disconnected with every switch off
    shop = "https://shop.example.com"
    on, off = (True, True, True), (False, False, False)
    assert {name: (row[0], tuple(map(bool, row[1:4])), bool(row[4])) for name, row in upgraded.items()} == {
        "first": (shop, on, False),
        "twin": (shop, off, True),
        "twin-again": (shop, off, True),
        "shopify": (shop, on, False),
        "alone": ("https://other.example/shop", on, False),
    }  # fmt: skip
    assert set(downgraded) == set(_CONNECTIONS)
    assert all(len(row) == 4 for row in downgraded.values())
    # and the index stands: a fourth live twin is refused
    command.upgrade(config, "head")
    engine = make_engine(fresh_url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text("UPDATE channel_connections SET disconnected_at = NULL WHERE name = 'twin'")
            )
    finally:
        engine.dispose()


_HOLD_NOTES = {
    "import": ("unmapped_sku", "Unmapped channel SKUs: SHOP-LANTERN, SHOP-TENT, SHOP-LANTERN"),
    "cut": ("unmapped_sku", "Unmapped channel SKUs: " + ", ".join(f"S{i:04}" for i in range(80))),
    "other-words": ("unmapped_sku", "Waiting for a mapping"),
    "by-hand": ("fraud_risk", "Unmapped channel SKUs: X"),
}


def _seed_holds(url: str) -> None:
    """One order per note of _HOLD_NOTES, held with it, as revision 0020 kept them."""
    ids = _seed_connections(url)
    engine = make_engine(url)
    stored = (lambda u: u.hex) if engine.dialect.name == "sqlite" else (lambda u: u)
    provider, client = stored(ids["provider"]), stored(ids["acme"])
    try:
        with engine.begin() as connection:
            for name, (reason, note) in _HOLD_NOTES.items():
                order_id, hold_id = stored(uuid.uuid4()), stored(uuid.uuid4())
                connection.execute(
                    text(
                        "INSERT INTO orders (provider_id, id, client_id, external_reference,"
                        " content_hash, status, service_level, ship_to_name, ship_to_line1,"
                        " ship_to_city, ship_to_postal_code, ship_to_country, created_by)"
                        " VALUES (:p, :id, :c, :ref, 'h', 'on_hold', 'standard', 'Ann',"
                        " '1 Road', 'Leeds', 'LS1', 'GB', 'operator')"
                    ),
                    {"p": provider, "id": order_id, "c": client, "ref": name},
                )
                connection.execute(
                    text(
                        "INSERT INTO order_holds (provider_id, id, client_id, order_id, reason,"
                        " note, placed_by, placed_at) VALUES (:p, :id, :c, :o, :reason, :note,"
                        " 'operator', :at)"
                    ),
                    {
                        "p": provider,
                        "id": hold_id,
                        "c": client,
                        "o": order_id,
                        "reason": reason,
                        "note": note[:500],
                        "at": "2026-12-01 10:00:00",
                    },
                )
    finally:
        engine.dispose()


def _hold_skus(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT o.external_reference, h.unmapped_skus FROM order_holds h"
                    " JOIN orders o ON o.id = h.order_id"
                )
            )
            return {
                name: json.loads(skus) if isinstance(skus, str) else skus for name, skus in rows
            }
    finally:
        engine.dispose()


def test_0021_gives_import_holds_the_skus_their_note_named_and_downgrades(fresh_url):
    # given: the schema of 0020 with holds placed by imports and by hand
    config = alembic_config(fresh_url)
    command.upgrade(config, "0020")
    _seed_holds(fresh_url)
    # when
    command.upgrade(config, "0021")
    upgraded = _hold_skus(fresh_url)
    # then an import's note gives its SKUs (once each; a note cut at 500 loses its last),
    # and any other hold has none
    assert upgraded["import"] == ["SHOP-LANTERN", "SHOP-TENT"]
    cut = _HOLD_NOTES["cut"][1][:500]
    assert upgraded["cut"] == cut.removeprefix("Unmapped channel SKUs: ").split(", ")[:-1]
    assert upgraded["cut"][-1] == "S0067"
    assert upgraded["other-words"] == []
    assert upgraded["by-hand"] == []
    # and it downgrades and upgrades again
    command.downgrade(config, "0020")
    command.upgrade(config, "head")
    command.check(config)
