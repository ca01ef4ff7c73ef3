"""A shipment report reaches the shop once, even with two workers holding its event at the
same moment (a Dramatiq retry beside the sweep's copy, or a re-send): the report is claimed
before the shop is called, a claim a dead worker left is taken over once it expires, and a
shop that failed leaves the report to a retry. Against the fake WooCommerce, both databases."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import select

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from domain.channels.adapter import ChannelAccessError, TransientChannelError
from domain.channels.models import ChannelOrder
from domain.channels.reports import (
    CLAIM_EXPIRES,
    ReportInFlight,
    claim_report,
    give_back,
)
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentOrder
from domain.outbox.consumption import first_time
from domain.outbox.events import Topic
from persistence.base import utcnow
from services.channel_imports import poll_connection
from services.channel_syncs import report_shipment
from tenants.unit_of_work import TenantUnitOfWork
from tests.channel_factories import ChannelWorld, channel_world, row_id
from tests.factories import make_tenant
from tests.sql_statements import every_statement, verbs
from workers import channels as actors
from workers import runtime

__all__ = ["channel_world"]

CONSUMER = "report_channel_shipment"


@pytest.fixture
def world(channel_world, monkeypatch) -> ChannelWorld:
    """The channel world with the actors running against its database."""
    monkeypatch.setattr(runtime, "_session_factory", channel_world.db.session_factory)
    return channel_world


class Shipped:
    """A connection, an order the shop sent, shipped: its ids and the shop's order id."""

    def __init__(self, world: ChannelWorld):
        made = world.connect()
        assert made["userErrors"] == []
        self.connection_id = row_id(made["channelConnection"]["id"])
        self.shop_order_id = world.shop.place_order([("SKU-1", 1)])["id"]
        poll_connection(world.uow, self.connection_id)
        [order] = world.orders()
        self.order_id = order.id
        with world.uow() as uow:
            self.fo_id = uow.session.scalars(
                select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == order.id)
            ).one()
            start_picking(uow, self.fo_id)
            mark_packed(uow, self.fo_id)
            mark_shipped(uow, self.fo_id, "UPS", "1ZONCE")
            uow.commit()
        [event] = world.events(Topic.FULFILLMENT_SHIPPED.value)
        self.event_id = event.id


def notes(world: ChannelWorld, shipped: Shipped) -> list[str]:
    """The notes the shop's order got."""
    return [n["note"] for n in world.shop.notes.get(shipped.shop_order_id, [])]


def channel_order(world: ChannelWorld) -> ChannelOrder:
    [row] = world.channel_orders()
    return row


def processed(world: ChannelWorld, event_id: uuid.UUID) -> bool:
    with world.uow() as uow:
        fresh = first_time(uow, event_id, CONSUMER)
        uow.rollback()
    return not fresh


def claimed_by_a_worker_that_died(world: ChannelWorld, shipped: Shipped, ago: timedelta) -> None:
    """A worker claimed the report `ago` and died before calling the shop."""
    with world.uow() as uow:
        assert claim_report(uow, shipped.order_id, str(shipped.fo_id), utcnow() - ago)
        uow.commit()


def test_two_workers_reporting_one_shipment_at_once_tell_the_shop_once(world):
    # given a shipped order, and a shop slow to answer the first report (held until opened)
    shipped = Shipped(world)
    provider = str(world.tenant.provider_id)
    gate = world.shop.hold_requests(f"/orders/{shipped.shop_order_id}")
    first = threading.Thread(
        target=actors.report_channel_shipment, args=(provider, [str(shipped.event_id)])
    )
    # when one worker is telling the shop while a second copy of the event runs
    first.start()
    try:
        assert gate.arrived.wait(10)
        with pytest.raises(dramatiq.Retry) as retry:
            actors.report_channel_shipment(provider, [str(shipped.event_id)])
        # then the second leaves it to the first: no call, not done, tried again once the
        # first's claim could have expired (it may die)
        assert world.shop.count("PUT", "/orders/") == 1
        assert not processed(world, shipped.event_id)
        assert CLAIM_EXPIRES.total_seconds() * 1000 - 10_000 < retry.value.delay
        assert retry.value.delay <= CLAIM_EXPIRES.total_seconds() * 1000
    finally:
        # when the shop answers the first
        gate.open()
        first.join(20)
    assert not first.is_alive()
    # then the shop heard once, the event is done and no claim is left
    assert notes(world, shipped) == ["Shipped with UPS, tracking number 1ZONCE."]
    assert processed(world, shipped.event_id)
    row = channel_order(world)
    assert (row.reported, row.report_claims) == ([str(shipped.fo_id)], {})
    assert world.connection(shipped.connection_id).shipments_reported == 1
    # when the second's retry comes
    actors.report_channel_shipment(provider, [str(shipped.event_id)])
    # then nothing more reaches the shop
    assert world.shop.count("PUT", "/orders/") == 1
    assert len(notes(world, shipped)) == 1


def test_workers_racing_for_one_report_against_a_slow_shop_tell_it_once(world):
    # given a shipped order and a shop that takes a moment over every report
    shipped = Shipped(world)
    world.shop.hold_requests(f"/orders/{shipped.shop_order_id}", remaining=10, timeout=0.3)
    start = threading.Barrier(4)
    outcomes: list[object] = []

    def worker() -> None:
        start.wait()
        try:
            outcomes.append(report_shipment(world.uow, shipped.event_id))
        except ReportInFlight as busy:
            outcomes.append(busy)

    # when four workers run the same report at once
    workers = [threading.Thread(target=worker) for _ in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(30)
    # then one told the shop, the others found it claimed or told
    assert outcomes.count(True) == 1, outcomes
    assert all(o is True or o is False or isinstance(o, ReportInFlight) for o in outcomes)
    assert world.shop.count("PUT", "/orders/") == 1
    assert len(notes(world, shipped)) == 1
    assert channel_order(world).report_claims == {}


def test_a_claim_left_by_a_worker_that_died_is_taken_over_once_it_expires(world):
    # given a worker that claimed the report a moment ago and died
    shipped = Shipped(world)
    claimed_by_a_worker_that_died(world, shipped, timedelta(seconds=30))
    # when another copy of the event runs while the claim holds
    with pytest.raises(ReportInFlight) as busy:
        report_shipment(world.uow, shipped.event_id)
    # then it waits for the claim to expire, nothing sent
    assert busy.value.retry_after is not None
    assert 0 < busy.value.retry_after <= (CLAIM_EXPIRES - timedelta(seconds=29)).total_seconds()
    assert world.shop.count("PUT", "/orders/") == 0
    # when the claim has expired (the worker claimed it longer ago than it may run)
    with world.uow() as uow:
        row = uow.session.scalars(select(ChannelOrder)).one()
        stamp = (utcnow() - CLAIM_EXPIRES - timedelta(seconds=1)).isoformat()
        row.report_claims = {str(shipped.fo_id): stamp}
        uow.commit()
    # then the next worker takes it over and tells the shop once
    assert report_shipment(world.uow, shipped.event_id) is True
    assert report_shipment(world.uow, shipped.event_id) is False
    assert len(notes(world, shipped)) == 1
    assert channel_order(world).report_claims == {}


def test_the_reporting_actor_cannot_outlive_a_claim():
    # a live worker's claim never expires under it: the actor is stopped first
    assert timedelta(milliseconds=actors.report_channel_shipment.options["time_limit"]) < (
        CLAIM_EXPIRES - timedelta(seconds=30)  # room for clocks that differ a little
    )


def test_a_shop_that_fails_for_now_leaves_the_report_to_the_retry(world):
    # given a shipped order and a shop that answers the next report 503
    shipped = Shipped(world)
    provider = str(world.tenant.provider_id)
    world.shop.add_fault(remaining=1, status=503, path="/orders/")
    # when the actor runs
    with pytest.raises(dramatiq.Retry):
        actors.report_channel_shipment(provider, [str(shipped.event_id)])
    # then the claim is given back at once and the failure shown; the event is not done
    assert channel_order(world).report_claims == {}
    assert "503" in (world.connection(shipped.connection_id).last_error or "")
    assert not processed(world, shipped.event_id)
    # when the retry runs straight away (not after the claim's expiry)
    actors.report_channel_shipment(provider, [str(shipped.event_id)])
    # then the shop has it once
    assert len(notes(world, shipped)) == 1
    assert processed(world, shipped.event_id)
    assert world.connection(shipped.connection_id).last_error is None


def test_a_refused_connection_gives_the_claim_back_for_the_re_send(world):
    # given a shipped order and a shop that refuses the connection for now
    shipped = Shipped(world)
    world.shop.add_fault(remaining=1, status=401, path="/orders/")
    # when the report is refused
    with pytest.raises(ChannelAccessError):
        report_shipment(world.uow, shipped.event_id)
    # then no claim stays to hold back the sweep or a re-send, which tells the shop once
    assert channel_order(world).report_claims == {}
    assert report_shipment(world.uow, shipped.event_id) is True
    assert len(notes(world, shipped)) == 1


def test_a_slow_worker_does_not_give_back_a_claim_taken_over_since(world):
    # given a claim that expired and was taken over by another worker, now calling the shop
    shipped = Shipped(world)
    fo_id = str(shipped.fo_id)
    now = utcnow()
    with world.uow() as uow:
        old = claim_report(uow, shipped.order_id, fo_id, now - CLAIM_EXPIRES * 2)
        assert old is not None
        uow.commit()
    with world.uow() as uow:
        taken = claim_report(uow, shipped.order_id, fo_id, now)
        assert taken is not None
        uow.commit()
    # when the first worker's shop call fails and it gives its claim back
    with world.uow() as uow:
        released = give_back(uow, old[1])
        uow.commit()
    # then the new worker's claim stays: a third copy still waits for it
    assert released is False
    assert channel_order(world).report_claims == {fo_id: taken[1].claimed_at}
    with pytest.raises(ReportInFlight):
        report_shipment(world.uow, shipped.event_id)
    assert world.shop.count("PUT", "/orders/") == 0


def test_another_provider_can_neither_claim_nor_give_back_a_report(world):
    # given a report claimed by a Northwind worker
    shipped = Shipped(world)
    fo_id = str(shipped.fo_id)
    with world.uow() as uow:
        claimed = claim_report(uow, shipped.order_id, fo_id, utcnow())
        assert claimed is not None
        uow.commit()
    claim = claimed[1]
    south = make_tenant(world.db, "Southwind")
    # when Southwind's unit of work names the same order and claim
    with TenantUnitOfWork.operator(world.db.session_factory, south.provider_id) as uow:
        found = claim_report(uow, shipped.order_id, fo_id, utcnow())
        released = give_back(uow, claim)
        uow.commit()
    # then it finds nothing, and Northwind's claim is as it was
    assert (found, released) == (None, False)
    assert channel_order(world).report_claims == {fo_id: claim.claimed_at}


def test_a_transient_failure_is_not_mistaken_for_a_report_in_flight(world):
    # given a shipped order and a shop that is down
    shipped = Shipped(world)
    world.shop.down()
    # when it is reported twice in a row
    for _ in range(2):
        with pytest.raises(TransientChannelError) as failed:
            report_shipment(world.uow, shipped.event_id)
        # then each try reaches the shop (the claim was given back), none waits for another
        assert not isinstance(failed.value, ReportInFlight)
    assert world.shop.count("PUT", "/orders/") == 2


def test_a_report_costs_one_statement_more_than_before_the_claim(world):
    # given a shipped order
    shipped = Shipped(world)
    # when it is reported
    with every_statement(world.db.engine) as statements:
        assert report_shipment(world.uow, shipped.event_id) is True
    # then: the event, its channel order locked and claimed, the connection; the shop; the
    # channel order locked and recorded (claim gone), the connection locked and counted
    # (7 on SQLite before the claim, and on PostgreSQL each transaction's tenant setting)
    said = verbs(statements)
    assert len(statements) == (8 if world.db.backend == "sqlite" else 10), "\n".join(said)
    assert sum(s.startswith("UPDATE channel_orders") for s in said) == 2, "\n".join(said)
