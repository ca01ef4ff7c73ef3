"""Dispatch is a system task whose changes users see: each one leaves an audit event."""

from __future__ import annotations

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from sqlalchemy import select

from domain.audit.models import ActorKind, AuditEvent
from domain.outbox.events import Topic
from domain.shipping.models import CarrierKind
from persistence.unit_of_work import UnitOfWork
from tests.fakes.aggregator_server import fake_aggregator_server
from tests.shipping_factories import BAD_ZIP, fake_aggregator, make_shipping_world
from workers import dispatch as actors
from workers import runtime

__all__ = ["fake_aggregator", "fake_aggregator_server"]


@pytest.fixture
def world(database, monkeypatch):
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    return make_shipping_world(database)


def audit_events(world) -> list[tuple[str, str, str | None, str]]:
    with UnitOfWork(world.db.session_factory, world.tenant.provider_id) as uow:
        rows = uow.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.actor_kind == ActorKind.SYSTEM)
            .order_by(AuditEvent.occurred_at)
        )
        return [(r.actor_name, r.mutation, r.object_type, r.outcome.value) for r in rows]


def test_a_bought_label_is_audited_once_as_the_dispatch_task(world):
    # given
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    world.packed()
    event = str(world.events(Topic.FULFILLMENT_PACKED)[-1].id)
    # when: delivered twice, as at-least-once delivery may
    actors.dispatch_fulfillment(world.provider, event)
    actors.dispatch_fulfillment(world.provider, event)
    # then
    assert audit_events(world) == [("dispatch", "shipFulfillmentOrder", "Shipment", "ok")]


def test_a_refused_address_is_audited_as_a_dispatch_exception(world, fake_aggregator):
    # given
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    world.packed(ship_to=BAD_ZIP)
    # when
    actors.dispatch_fulfillment(world.provider, str(world.events(Topic.FULFILLMENT_PACKED)[-1].id))
    # then
    assert audit_events(world) == [("dispatch", "markDispatchException", "FulfillmentOrder", "ok")]
