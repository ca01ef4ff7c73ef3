"""authenticate: a presented key becomes a scope, and its use is recorded as its provider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update

from api.context import bearer_token
from crossdock.database import make_engine
from persistence.unit_of_work import UnitOfWork
from tenants.errors import AuthenticationError
from tenants.keys import parse_prefix
from tenants.models import ApiKey
from tenants.service import (
    LAST_USED_RESOLUTION,
    authenticate,
    key_is_active,
    revoke_api_key_by_prefix,
)
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import key_row, make_tenant


def set_last_used(db, plaintext: str, value) -> None:
    engine = make_engine(db.admin_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(ApiKey)
                .where(ApiKey.prefix == parse_prefix(plaintext))
                .values(last_used_at=value)
            )
    finally:
        engine.dispose()


def test_authentication_records_when_the_key_was_used(database):
    # given
    tenant = make_tenant(database)
    assert key_row(database, tenant.key).last_used_at is None
    # when
    with database.session_factory() as session:
        scope = authenticate(session, tenant.key)
    # then
    assert scope.provider_id == tenant.provider_id
    assert key_row(database, tenant.key).last_used_at is not None


def test_use_is_written_at_most_once_per_resolution(database):
    # given
    tenant = make_tenant(database)
    with database.session_factory() as session:
        authenticate(session, tenant.key)
    first = key_row(database, tenant.key).last_used_at
    # when: used again at once
    with database.session_factory() as session:
        authenticate(session, tenant.key)
    again = key_row(database, tenant.key).last_used_at
    # and when: used after the resolution has passed
    stale = first - LAST_USED_RESOLUTION - timedelta(seconds=1)
    set_last_used(database, tenant.key, stale)
    with database.session_factory() as session:
        authenticate(session, tenant.key)
    later = key_row(database, tenant.key).last_used_at
    # then
    assert again == first
    assert later > stale


def test_recording_use_leaves_the_session_without_a_tenant(database):
    tenant = make_tenant(database)
    with database.session_factory() as session:
        authenticate(session, tenant.key)
        assert session.info.get("provider_id") is None
        assert "key_prefix" not in session.info
        if database.backend == "postgresql":
            assert session.execute(text("SELECT * FROM clients")).all() == []


def test_revoked_key_is_refused_and_its_use_not_recorded(database):
    # given
    tenant = make_tenant(database)
    with UnitOfWork(database.session_factory) as unit:
        revoke_api_key_by_prefix(unit, parse_prefix(tenant.key))
        unit.commit()
    # when / then
    with database.session_factory() as session, pytest.raises(AuthenticationError) as refused:
        authenticate(session, tenant.key)
    assert refused.value.code == "API_KEY_REVOKED"
    assert key_row(database, tenant.key).revoked_at is not None
    assert key_row(database, tenant.key).last_used_at is None


def test_a_held_scope_stays_active_until_its_key_is_revoked_and_the_check_records_nothing(
    database,
):
    # given
    tenant = make_tenant(database)
    with database.session_factory() as session:
        scope = authenticate(session, tenant.key)
    set_last_used(database, tenant.key, None)
    # when
    with TenantUnitOfWork(database.session_factory, scope) as uow:
        before = key_is_active(uow)
    with UnitOfWork(database.session_factory) as unit:
        revoke_api_key_by_prefix(unit, parse_prefix(tenant.key))
        unit.commit()
    with TenantUnitOfWork(database.session_factory, scope) as uow:
        after = key_is_active(uow)
    with TenantUnitOfWork.operator(database.session_factory, tenant.provider_id) as uow:
        operator = key_is_active(uow)
    # then
    assert (before, after, operator) == (True, False, True)
    assert key_row(database, tenant.key).last_used_at is None


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer cdk_x", "cdk_x"),
        ("bearer cdk_x", "cdk_x"),
        ("BEARER   cdk_x  ", "cdk_x"),
        ("Bearer\tcdk_x", "cdk_x"),
        ("cdk_x", "cdk_x"),
        ("Bearer", None),
        ("Bearer   ", None),
        ("", None),
        ("   ", None),
    ],
)
def test_bearer_token_is_read_leniently(header, token):
    assert bearer_token(header) == token
