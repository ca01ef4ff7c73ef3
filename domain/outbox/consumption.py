"""Consumers' marks: an event is processed once per consumer, however often it arrives."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from domain.outbox.models import ProcessedEvent
from domain.outbox.queries import id_floor
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork


def first_time(uow: TenantUnitOfWork, event_id: uuid.UUID, consumer: str) -> bool:
    """Mark `event_id` processed by `consumer` in the caller's transaction; whether it was new.

    One statement: an insert that does nothing when the mark exists. On PostgreSQL a
    concurrent duplicate waits for the first transaction and then finds its mark, so the
    effect done in the same transaction happens once; rolled back, the mark goes too.
    """
    dialect = postgresql if uow.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(ProcessedEvent)
        .values(
            provider_id=uow.scope.provider_id,
            event_id=event_id,
            consumer=consumer,
            processed_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["provider_id", "event_id", "consumer"])
        .returning(ProcessedEvent.event_id)
    )
    return uow.execute(stmt).scalar_one_or_none() is not None  # no row: marked before


def first_times(
    uow: TenantUnitOfWork, event_ids: Iterable[uuid.UUID], consumer: str
) -> set[uuid.UUID]:
    """Mark each of `event_ids` processed by `consumer` in the caller's transaction; the ones
    that were new. One statement for them all, with `first_time`'s guarantees for each."""
    ids = list(dict.fromkeys(event_ids))
    if not ids:
        return set()
    dialect = postgresql if uow.session.get_bind().dialect.name == "postgresql" else sqlite
    now, provider_id = utcnow(), uow.scope.provider_id
    rows = [
        {"provider_id": provider_id, "event_id": i, "consumer": consumer, "processed_at": now}
        for i in ids
    ]
    stmt = (
        dialect.insert(ProcessedEvent)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["provider_id", "event_id", "consumer"])
        .returning(ProcessedEvent.event_id)
    )
    return set(uow.execute(stmt).scalars())


def processed_pairs(
    uow: TenantUnitOfWork, event_ids: Iterable[uuid.UUID]
) -> set[tuple[uuid.UUID, str]]:
    """The (event, consumer) pairs marked processed among `event_ids`."""
    ids = list(event_ids)
    if not ids:
        return set()
    rows = uow.execute(
        uow.select(ProcessedEvent, ProcessedEvent.event_id, ProcessedEvent.consumer).where(
            ProcessedEvent.event_id.in_(ids)
        )
    )
    return {(event_id, consumer) for event_id, consumer in rows}


def forget_before(uow: TenantUnitOfWork, before: datetime) -> int:
    """Delete the caller's marks of events recorded before `before`; how many.

    Event ids are time-ordered (UUIDv7), so this is a range of the primary key.
    """
    result = uow.execute(
        uow.delete(ProcessedEvent)
        .where(ProcessedEvent.event_id < id_floor(int(before.timestamp() * 1000)))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
