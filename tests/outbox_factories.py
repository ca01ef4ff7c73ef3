"""Recording outbox events the way services do, and reading the outbox as its owner."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from crossdock.database import make_engine, make_session_factory
from domain.outbox.events import Topic, record
from domain.outbox.models import OutboxEvent
from tenants.unit_of_work import TenantUnitOfWork
from tests.conftest import TestDatabase
from tests.factories import TenantHandle


def record_events(
    db: TestDatabase,
    tenant: TenantHandle,
    count: int = 1,
    topic: Topic = Topic.ORDER_CREATED,
    client: str | None = "A",
) -> list[uuid.UUID]:
    """`count` events of `topic` for one of the tenant's clients, committed; their ids."""
    client_id = tenant.clients[client].id if client else None
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        events = [
            record(
                uow,
                topic,
                aggregate_type="Order",
                aggregate_id=uuid.uuid4(),
                client_id=client_id,
                payload={"n": n},
            )
            for n in range(count)
        ]
        uow.commit()
    return [event.id for event in events]


def pending_ids(db: TestDatabase) -> set[uuid.UUID]:
    """Ids of every tenant's unpublished events, read as the owner."""
    engine = make_engine(db.admin_url)
    try:
        with make_session_factory(engine)() as session:
            stmt = select(OutboxEvent.id).where(OutboxEvent.published_at.is_(None))
            return set(session.scalars(stmt))
    finally:
        engine.dispose()
