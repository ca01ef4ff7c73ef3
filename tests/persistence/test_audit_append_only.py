"""The application role can append to the audit trail and read it, never rewrite it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from domain.audit.models import AuditEvent
from domain.audit.trail import Actor, Change, record
from persistence.base import utcnow
from persistence.unit_of_work import UnitOfWork
from tests.factories import count_rows, make_tenant


@pytest.fixture
def audited(postgres_database):
    tenant = make_tenant(postgres_database)
    with UnitOfWork(postgres_database.session_factory, tenant.provider_id) as uow:
        old = utcnow() - timedelta(days=400)
        record(uow.session, tenant.provider_id, Actor.system("t"), Change("createX"), at=old)
        uow.commit()
    return tenant


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEvent).values(mutation="nothingHappened"),
        delete(AuditEvent),
        text("TRUNCATE audit_events"),
    ],
    ids=["update", "delete", "truncate"],
)
def test_the_app_role_cannot_alter_audit_events(postgres_database, audited, statement):
    # when
    with (
        UnitOfWork(postgres_database.session_factory, audited.provider_id) as uow,
        pytest.raises(DBAPIError) as refused,
    ):
        uow.session.execute(statement)
    # then
    assert "permission denied" in str(refused.value.orig)
    assert count_rows(postgres_database, "audit_events") == 1


def test_the_app_role_cannot_prune_recent_events_through_the_function(postgres_database, audited):
    # when
    with (
        UnitOfWork(postgres_database.session_factory, audited.provider_id) as uow,
        pytest.raises(DBAPIError) as refused,
    ):
        uow.session.execute(text("SELECT prune_audit_events(now())"))
    # then
    assert "younger than 7 days" in str(refused.value.orig)
    assert count_rows(postgres_database, "audit_events") == 1


def test_the_prune_function_reaches_only_the_bound_provider(postgres_database, audited):
    # given
    other = make_tenant(postgres_database, "Contoso")
    cutoff = utcnow() - timedelta(days=30)
    # when
    with UnitOfWork(postgres_database.session_factory, other.provider_id) as uow:
        deleted = uow.session.scalar(text("SELECT prune_audit_events(:c)"), {"c": cutoff})
        uow.commit()
    # then
    assert deleted == 0
    assert count_rows(postgres_database, "audit_events") == 1
