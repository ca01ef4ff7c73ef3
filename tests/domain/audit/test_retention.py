"""Pruning the audit trail: old events go, recent ones stay, other providers are untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.audit.models import AuditEvent
from domain.audit.retention import MIN_RETENTION, prune
from domain.audit.trail import Actor, Change, record
from domain.errors import DomainError
from persistence.base import utcnow
from persistence.unit_of_work import UnitOfWork
from tests.factories import make_tenant


def add_event(db, provider_id, mutation: str, age: timedelta) -> None:
    with UnitOfWork(db.session_factory, provider_id) as uow:
        record(uow.session, provider_id, Actor.system("test"), Change(mutation), at=utcnow() - age)
        uow.commit()


def mutations(db, provider_id) -> list[str]:
    with UnitOfWork(db.session_factory, provider_id) as uow:
        rows = select(AuditEvent.mutation).where(AuditEvent.provider_id == provider_id)
        return sorted(uow.session.scalars(rows))


def test_prune_deletes_only_the_providers_events_older_than_the_retention(database):
    # given
    tenant = make_tenant(database)
    other = make_tenant(database, "Contoso")
    add_event(database, tenant.provider_id, "old", timedelta(days=40))
    add_event(database, tenant.provider_id, "recent", timedelta(days=20))
    add_event(database, other.provider_id, "old elsewhere", timedelta(days=40))
    # when
    with UnitOfWork(database.session_factory, tenant.provider_id) as uow:
        deleted = prune(uow.session, tenant.provider_id, timedelta(days=30), utcnow())
        uow.commit()
    # then
    assert deleted == 1
    assert mutations(database, tenant.provider_id) == ["pruneAuditEvents", "recent"]
    assert mutations(database, other.provider_id) == ["old elsewhere"]


def test_prune_refuses_a_retention_under_the_floor_and_deletes_nothing(database):
    # given
    tenant = make_tenant(database)
    add_event(database, tenant.provider_id, "old", timedelta(days=40))
    # when
    short = MIN_RETENTION - timedelta(hours=1)
    with (
        UnitOfWork(database.session_factory, tenant.provider_id) as uow,
        pytest.raises(DomainError) as refused,
    ):
        prune(uow.session, tenant.provider_id, short, utcnow())
    # then
    assert refused.value.field == "retention"
    assert mutations(database, tenant.provider_id) == ["old"]


def test_a_prune_with_nothing_to_delete_records_nothing(database):
    # given
    tenant = make_tenant(database)
    add_event(database, tenant.provider_id, "recent", timedelta(days=1))
    # when
    with UnitOfWork(database.session_factory, tenant.provider_id) as uow:
        deleted = prune(uow.session, tenant.provider_id, timedelta(days=30), utcnow())
        uow.commit()
    # then
    assert deleted == 0
    assert mutations(database, tenant.provider_id) == ["recent"]
