"""Row-level security on PostgreSQL: the application role sees one tenant, or nothing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import crossdock.models  # noqa: F401  (every model registered, so tenant_tables() is complete)
from crossdock.database import make_engine, make_session_factory
from persistence.base import Base, new_id, tenant_tables
from persistence.rls import APP_ROLE
from tenants.keys import parse_prefix
from tests.conftest import APP_LOGIN_ROLE
from tests.factories import make_tenant
from tests.outbox_factories import record_events

TABLES = ("providers", "clients", "api_keys")


@pytest.fixture
def tenants(postgres_database):
    """Northwind with clients A and B, Southwind with client C: every table has rows of both."""
    return make_tenant(postgres_database, "Northwind", ("A", "B")), make_tenant(
        postgres_database, "Southwind", ("C",)
    )


def provider_ids(session, table: str) -> set[uuid.UUID]:
    column = "id" if table == "providers" else "provider_id"
    return {row._mapping[column] for row in session.execute(text(f"SELECT * FROM {table}"))}


@pytest.mark.parametrize("table", TABLES)
def test_unfiltered_select_sees_only_the_bound_tenant(postgres_database, tenants, table):
    # given
    north, south = tenants
    # when
    with postgres_database.session(north.provider_id) as session:
        north_sees = provider_ids(session, table)
    with postgres_database.session(south.provider_id) as session:
        south_sees = provider_ids(session, table)
    # then
    assert north_sees == {north.provider_id}
    assert south_sees == {south.provider_id}


@pytest.mark.parametrize("table", TABLES)
def test_without_a_tenant_nothing_is_visible(postgres_database, tenants, table):
    with postgres_database.session() as session:
        assert session.execute(text(f"SELECT * FROM {table}")).all() == []


def test_inserting_a_row_of_another_tenant_is_refused(postgres_database, tenants):
    # given
    north, south = tenants
    # when / then
    with postgres_database.session(north.provider_id) as session:
        with pytest.raises(DBAPIError, match="row-level security"):
            session.execute(
                text("INSERT INTO clients (provider_id, id, code, name) VALUES (:p, :i, 'X', 'X')"),
                {"p": south.provider_id, "i": new_id()},
            )
        session.rollback()
    with postgres_database.session(south.provider_id) as session:
        codes = session.scalars(text("SELECT code FROM clients")).all()
    assert codes == ["C"]


def test_moving_a_row_to_another_tenant_is_refused(postgres_database, tenants):
    north, south = tenants
    with postgres_database.session(north.provider_id) as session:
        with pytest.raises(DBAPIError, match="row-level security"):
            session.execute(
                text("UPDATE clients SET provider_id = :p WHERE code = 'A'"),
                {"p": south.provider_id},
            )
        session.rollback()


def test_the_tenant_setting_does_not_outlive_its_transaction(postgres_database, tenants):
    # given: one pooled connection, so both sessions share it
    north, _ = tenants
    key_prefix = parse_prefix(north.key)
    engine = make_engine(postgres_database.url, pool_size=1, max_overflow=0)
    sessions = make_session_factory(engine)
    try:
        # when
        with sessions() as session:
            session.info["provider_id"] = north.provider_id
            first_pid = session.scalar(text("SELECT pg_backend_pid()"))
            assert session.execute(text("SELECT * FROM clients")).all() != []
            session.commit()
        with sessions() as session:  # as authentication does: a key prefix, no tenant
            session.info["key_prefix"] = key_prefix
            assert len(session.execute(text("SELECT * FROM api_keys")).all()) == 1
            session.commit()
        with sessions() as session:
            second_pid = session.scalar(text("SELECT pg_backend_pid()"))
            settings = session.execute(
                text(
                    "SELECT current_setting('app.provider_id', true), "
                    "current_setting('app.key_prefix', true)"
                )
            ).one()
            leaked = {
                table: session.execute(text(f"SELECT * FROM {table}")).all() for table in TABLES
            }
        # then
        assert second_pid == first_pid
        assert set(settings) <= {None, ""}
        assert leaked == {table: [] for table in TABLES}
    finally:
        engine.dispose()


def test_the_setting_also_ends_with_a_rolled_back_transaction(postgres_database, tenants):
    north, _ = tenants
    engine = make_engine(postgres_database.url, pool_size=1, max_overflow=0)
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            session.info["provider_id"] = north.provider_id
            assert session.execute(text("SELECT * FROM clients")).all() != []
            session.rollback()
            session.info["provider_id"] = None
            assert session.execute(text("SELECT * FROM clients")).all() == []
    finally:
        engine.dispose()


def test_the_application_role_is_neither_superuser_nor_owner(postgres_database):
    # given
    engine = make_engine(postgres_database.url)
    try:
        with engine.connect() as connection:
            # when
            user = connection.scalar(text("SELECT current_user"))
            role = connection.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            ).one()
            member = connection.scalar(
                text("SELECT pg_has_role(current_user, :r, 'member')"), {"r": APP_ROLE}
            )
            owners = set(
                connection.scalars(
                    text("SELECT DISTINCT tableowner FROM pg_tables WHERE tablename = ANY(:t)"),
                    {"t": tenant_tables()},
                )
            )
            owns_any = connection.scalar(
                text(
                    "SELECT bool_or(pg_has_role(current_user, tableowner, 'member')) "
                    "FROM pg_tables WHERE tablename = ANY(:t)"
                ),
                {"t": tenant_tables()},
            )
    finally:
        engine.dispose()
    # then
    assert user == APP_LOGIN_ROLE
    assert tuple(role) == (False, False)
    assert member is True
    assert owners
    assert user not in owners
    assert APP_ROLE not in owners
    assert owns_any is False


def test_every_tenant_table_forces_row_level_security(postgres_database):
    # given
    tables = tenant_tables()
    engine = make_engine(postgres_database.admin_url)
    try:
        with engine.connect() as connection:
            # when
            flags = {
                row.relname: (row.relrowsecurity, row.relforcerowsecurity)
                for row in connection.execute(
                    text(
                        "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
                        "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
                        "AND relname = ANY(:t)"
                    ),
                    {"t": tables},
                )
            }
            with_provider_column = set(
                connection.scalars(
                    text(
                        "SELECT table_name FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND column_name = 'provider_id'"
                    )
                )
            )
            policies = set(
                connection.scalars(
                    text("SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'")
                )
            )
    finally:
        engine.dispose()
    # then
    assert {"providers", "clients", "suppliers", "api_keys"} <= set(tables)
    assert with_provider_column | {"providers"} <= set(tables)
    assert set(tables) == {t.name for t in Base.metadata.sorted_tables if "provider_id" in t.c} | {
        "providers"
    }
    assert flags == dict.fromkeys(tables, (True, True))
    assert policies >= set(tables)


EXPECTED_EXCEPTIONS = {
    ("api_keys", "key_lookup_read", "SELECT"),
    ("users", "user_email_lookup_read", "SELECT"),
    ("users", "invitation_hash_lookup_read", "SELECT"),
    ("user_sessions", "session_hash_lookup_read", "SELECT"),
    ("outbox_events", "system_outbox_relay_select", "SELECT"),
    ("outbox_events", "system_outbox_relay_update", "UPDATE"),
    ("providers", "system_scheduler_select", "SELECT"),
    ("shipments", "system_tracking_poller_select", "SELECT"),
    ("webhook_endpoints", "system_secret_keys_select", "SELECT"),
    ("carrier_accounts", "system_secret_keys_select", "SELECT"),
    ("channel_connections", "system_secret_keys_select", "SELECT"),
    ("providers", "system_secret_keys_select", "SELECT"),
}
"""Every policy beyond tenant isolation: each names one table and only the command it needs."""


def test_the_policies_are_tenant_isolation_and_a_few_narrow_exceptions(postgres_database):
    # given
    engine = make_engine(postgres_database.admin_url)
    try:
        with engine.connect() as connection:
            # when
            policies = connection.execute(
                text(
                    "SELECT tablename, policyname, cmd, permissive, qual, with_check "
                    "FROM pg_policies WHERE schemaname = 'public'"
                )
            ).all()
    finally:
        engine.dispose()
    # then
    isolation = {p.tablename: p for p in policies if p.policyname == "tenant_isolation"}
    assert set(isolation) == set(tenant_tables())
    for table, policy in isolation.items():
        column = "id" if table == "providers" else "provider_id"
        assert policy.cmd == "ALL"
        assert policy.permissive == "PERMISSIVE"
        assert policy.qual.startswith(f"({column} = ")
        assert "current_setting('app.provider_id'" in policy.qual
        assert policy.with_check == policy.qual
    others = {(p.tablename, p.policyname, p.cmd) for p in policies} - {
        (table, "tenant_isolation", "ALL") for table in isolation
    }
    assert others == EXPECTED_EXCEPTIONS


def test_every_area_s_tables_are_covered(postgres_database):
    # crossdock.models forgetting a module would drop its tables from tenant_tables() silently
    tables = set(tenant_tables())
    for area in (
        {"products", "warehouses", "inventory_levels", "orders", "fulfillment_orders"},
        {"outbox_events"},
        {"shipments", "carrier_accounts", "tracking_events", "dispatch_attempts"},
        {"webhook_endpoints", "webhook_deliveries", "webhook_attempts"},
        {"charges", "invoices", "invoice_lines", "rate_cards", "storage_days"},
        {"users", "user_sessions"},
    ):
        assert area <= tables


def test_a_key_lookup_cannot_change_the_key_it_finds(postgres_database, tenants):
    # given: a transaction that knows only a prefix, as authentication before verification
    north, _ = tenants
    with postgres_database.session() as session:
        session.info["key_prefix"] = parse_prefix(north.key)
        assert len(session.execute(text("SELECT * FROM api_keys")).all()) == 1
        # when
        changed = session.execute(
            text("UPDATE api_keys SET revoked_at = NULL, scopes = '[\"admin\"]'")
        ).rowcount
        deleted = session.execute(text("DELETE FROM api_keys")).rowcount
        session.commit()
    # then
    assert (changed, deleted) == (0, 0)


@pytest.mark.parametrize(
    ("task", "statement"),
    [
        ("scheduler", "UPDATE providers SET name = 'taken'"),
        ("scheduler", "DELETE FROM providers"),
        ("outbox_relay", "DELETE FROM outbox_events"),
        ("secret_keys", "UPDATE webhook_endpoints SET url = 'https://taken.example'"),
        ("secret_keys", "DELETE FROM carrier_accounts"),
    ],
)
def test_system_tasks_reach_only_as_far_as_their_work(postgres_database, tenants, task, statement):
    # given: rows of both tenants in the tables the tasks reach
    for tenant in tenants:
        record_events(postgres_database, tenant, client=None)
    with postgres_database.session() as session:
        session.info["system_task"] = task
        # when
        changed = session.execute(text(statement)).rowcount
        session.rollback()
    # then
    assert changed == 0


@pytest.mark.parametrize(
    ("task", "statement"),
    [
        ("scheduler", "INSERT INTO providers (id, name) VALUES (gen_random_uuid(), 'X')"),
        (
            "outbox_relay",
            "INSERT INTO outbox_events (provider_id, id, topic, aggregate_type, aggregate_id,"
            " payload, created_at) SELECT provider_id, gen_random_uuid(), topic, aggregate_type,"
            " aggregate_id, payload, created_at FROM outbox_events",
        ),
    ],
)
def test_system_tasks_cannot_insert_rows_of_a_tenant(postgres_database, tenants, task, statement):
    for tenant in tenants:
        record_events(postgres_database, tenant, client=None)
    with postgres_database.session() as session:
        session.info["system_task"] = task
        with pytest.raises(DBAPIError, match="row-level security"):
            session.execute(text(statement))
        session.rollback()
