"""`crossdock audit prune`: the retention job run by hand, as the operator would."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from domain.audit.models import AuditEvent
from domain.audit.trail import Actor, Change, record
from persistence.base import utcnow
from persistence.unit_of_work import UnitOfWork
from tests.factories import make_tenant
from tests.test_cli import Target


def test_prune_deletes_events_past_the_retention_for_every_provider(database):
    # given
    target = Target(database.url, database.admin_url)
    tenants = [make_tenant(database), make_tenant(database, "Contoso")]
    for tenant in tenants:
        with UnitOfWork(database.session_factory, tenant.provider_id) as uow:
            for mutation, age in (("old", 90), ("recent", 10)):
                at = utcnow() - timedelta(days=age)
                record(uow.session, tenant.provider_id, Actor.system("t"), Change(mutation), at=at)
            uow.commit()
    # when
    done = target.crossdock("audit", "prune", "--days", "30")
    # then
    assert done.returncode == 0, done.stderr
    assert "2 audit events older than 30 days deleted" in done.stdout
    for tenant in tenants:
        with UnitOfWork(database.session_factory, tenant.provider_id) as uow:
            kept = uow.session.scalars(
                select(AuditEvent.mutation).where(AuditEvent.provider_id == tenant.provider_id)
            )
            assert sorted(kept) == ["pruneAuditEvents", "recent"]


def test_prune_refuses_a_retention_under_a_week(database):
    # given
    target = Target(database.url, database.admin_url)
    make_tenant(database)
    # when
    done = target.crossdock("audit", "prune", "--days", "3")
    # then
    assert done.returncode == 1
    assert "at least 7 days" in done.stderr


def test_the_operators_changes_are_audited_in_the_providers_trail(database):
    # given
    target = Target(database.url, database.admin_url)
    provider = target.json("provider", "create", "Northwind")
    key = target.json("key", "create", "--provider", provider["provider_id"], "--name", "ops")
    # when
    target.json("key", "revoke", key["key_prefix"])
    # then
    with UnitOfWork(database.session_factory, uuid.UUID(provider["provider_id"])) as uow:
        events = [
            (e.actor_kind.value, e.actor_name, e.mutation, e.object_type, e.input.get("name"))
            for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.occurred_at))
        ]
    assert events == [
        ("operator", "operator", "createProvider", "Provider", "Northwind"),
        ("operator", "operator", "createApiKey", "ApiKey", "ops"),
        ("operator", "operator", "revokeApiKey", "ApiKey", None),
    ]
