"""Claiming pending outbox events across tenants, and the row-level security around it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.outbox.models import OutboxEvent
from domain.outbox.relay import RELAY_TASK, claim_pending, mark_published
from tests.factories import make_tenant
from tests.outbox_factories import pending_ids, record_events


def relay_session(db, task: str | None = RELAY_TASK):
    session = db.session_factory()
    session.info["system_task"] = task
    return session


def test_claim_returns_every_providers_pending_events_oldest_first(database):
    # given
    north = make_tenant(database, "North")
    south = make_tenant(database, "South")
    recorded = record_events(database, north, 2) + record_events(database, south, 2)
    # when
    with relay_session(database) as session:
        first = claim_pending(session, 3)
    with relay_session(database) as session:
        every = claim_pending(session, 10)
    # then
    assert [event.id for event in first] == sorted(recorded)[:3]
    assert [event.id for event in every] == sorted(recorded)
    assert {event.provider_id for event in every} == {north.provider_id, south.provider_id}


def test_marked_events_are_no_longer_pending(database):
    # given
    tenant = make_tenant(database)
    recorded = record_events(database, tenant, 3)
    # when
    with relay_session(database) as session:
        claimed = claim_pending(session, 2)
        mark_published(session, [event.id for event in claimed])
        session.commit()
    with relay_session(database) as session:
        left = claim_pending(session, 10)
    # then
    assert [event.id for event in left] == sorted(recorded)[2:]
    assert pending_ids(database) == set(sorted(recorded)[2:])


def test_claiming_without_the_relay_task_is_refused(database):
    with relay_session(database, task=None) as session, pytest.raises(RuntimeError):
        claim_pending(session, 10)


@pytest.mark.postgres
def test_app_role_reads_other_providers_outbox_only_as_the_relay(postgres_database):
    # given
    db = postgres_database
    north = make_tenant(db, "North")
    south = make_tenant(db, "South")
    north_ids = set(record_events(db, north, 2))
    south_ids = set(record_events(db, south, 1))
    everything = select(OutboxEvent.id)  # deliberately unscoped: RLS alone decides
    # when
    with db.session(north.provider_id) as session:
        as_north = set(session.scalars(everything))
    with db.session() as session:
        as_nobody = set(session.scalars(everything))
    with relay_session(db, task="billing") as session:
        as_other_task = set(session.scalars(everything))
    with relay_session(db) as session:
        as_relay = {event.id for event in claim_pending(session, 10)}
    # then
    assert as_north == north_ids
    assert as_nobody == set()
    assert as_other_task == set()
    assert as_relay == north_ids | south_ids


@pytest.mark.postgres
def test_concurrent_relays_claim_disjoint_batches(postgres_database):
    # given
    tenant = make_tenant(postgres_database)
    recorded = set(record_events(postgres_database, tenant, 5))
    # when: the first relay holds its claim while the second claims
    with relay_session(postgres_database) as first, relay_session(postgres_database) as second:
        held = {event.id for event in claim_pending(first, 3)}
        other = {event.id for event in claim_pending(second, 10)}
    # then
    assert len(held) == 3
    assert held.isdisjoint(other)
    assert held | other == recorded
