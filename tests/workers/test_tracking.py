"""Tracking by polling and by push: each event once, delivered moves the order on."""

from __future__ import annotations

import json

import dramatiq
import dramatiq.broker
import httpx
import pytest
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from domain.orders.models import FulfillmentStatus, OrderStatus
from domain.outbox.events import Topic
from domain.shipping.carriers.base import TrackingStatus
from domain.shipping.models import CarrierKind
from domain.shipping.push import SIGNATURE_HEADER, sign
from tests.fakes.aggregator_server import fake_aggregator_server
from tests.shipping_factories import fake_aggregator, make_shipping_world
from workers import dispatch, runtime, tracking

__all__ = ["fake_aggregator", "fake_aggregator_server"]


@pytest.fixture
def shipped(database, monkeypatch, fake_aggregator):
    """A fulfillment order shipped through the fake aggregator: (world, fo id, account, secret)."""
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    world = make_shipping_world(database)
    account_id, secret = world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    fo_id = world.packed()
    event = world.events(Topic.FULFILLMENT_PACKED)[-1]
    dispatch.dispatch_fulfillment(world.provider, str(event.id))
    return world, fo_id, account_id, secret


def carrier_event(server, number: str, status: str, message: str, at: str) -> None:
    url = f"{server.url}/_fake/trackers/{number}/events"
    event = {"status": status, "message": message, "datetime": at}
    httpx.post(url, json=event).raise_for_status()


def test_polling_twice_adds_each_event_once_and_delivery_moves_the_order(shipped, fake_aggregator):
    # given
    world, fo_id, _, _ = shipped
    [shipment] = world.shipments()
    carrier_event(
        fake_aggregator, shipment.tracking_number, "in_transit", "Departed", "2030-01-01T10:00:00Z"
    )
    carrier_event(
        fake_aggregator, shipment.tracking_number, "delivered", "Delivered", "2030-01-02T10:00:00Z"
    )
    # when
    tracking.track_shipment(world.provider, str(shipment.id))
    tracking.track_shipment(world.provider, str(shipment.id))
    # then
    events = world.tracking_events()
    assert [e.status for e in events] == [
        TrackingStatus.PRE_TRANSIT, TrackingStatus.IN_TRANSIT, TrackingStatus.DELIVERED,
    ]  # fmt: skip
    [shipment] = world.shipments()
    assert shipment.status is TrackingStatus.DELIVERED
    assert world.state(fo_id)[:2] == (FulfillmentStatus.DELIVERED, OrderStatus.DELIVERED)
    assert len(world.events(Topic.SHIPMENT_TRACKING_UPDATED)) == 1


def test_the_poller_fans_out_over_shipments_on_their_way(shipped, monkeypatch):
    world, _, _, _ = shipped
    [shipment] = world.shipments()
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(tracking.track_shipment, "send", lambda *args: sent.append(args))
    tracking.poll_tracking()
    assert (world.provider, str(shipment.id)) in sent


def push_body(number: str, *details: tuple[str, str, str]) -> bytes:
    tracker = {
        "object": "Tracker",
        "tracking_code": number,
        "tracking_details": [
            {"status": status, "message": message, "datetime": at}
            for status, message, at in details
        ],
    }
    return json.dumps(
        {"object": "Event", "description": "tracker.updated", "result": tracker}
    ).encode()


def test_a_signed_push_twice_adds_its_events_once(shipped, app):
    # given
    world, fo_id, account_id, secret = shipped
    [shipment] = world.shipments()
    body = push_body(
        shipment.tracking_number,
        ("out_for_delivery", "Out for delivery", "2030-01-02T08:00:00Z"),
        ("delivered", "Left at door", "2030-01-02T15:30:00Z"),
    )
    path = f"/carriers/aggregator/webhook/{world.provider}/{account_id}"
    headers = {SIGNATURE_HEADER: sign(secret, body), "Content-Type": "application/json"}
    # when
    first = app.post(path, content=body, headers=headers)
    second = app.post(path, content=body, headers=headers)
    # then
    assert (first.status_code, first.json()["events_added"]) == (200, 2)
    assert (second.status_code, second.json()["events_added"]) == (200, 0)
    assert len(world.tracking_events()) == 2
    assert world.state(fo_id)[:2] == (FulfillmentStatus.DELIVERED, OrderStatus.DELIVERED)


def test_a_push_with_a_bad_signature_or_account_is_refused_alike(shipped, app, database):
    world, _, account_id, secret = shipped
    [shipment] = world.shipments()
    body = push_body(shipment.tracking_number, ("delivered", "Left", "2030-01-02T15:30:00Z"))
    path = f"/carriers/aggregator/webhook/{world.provider}/{account_id}"
    forged = app.post(path, content=body, headers={SIGNATURE_HEADER: sign("guess", body)})
    other = make_shipping_world(database, "Other")
    elsewhere = f"/carriers/aggregator/webhook/{other.provider}/{account_id}"
    misplaced = app.post(elsewhere, content=body, headers={SIGNATURE_HEADER: sign(secret, body)})
    assert forged.status_code == misplaced.status_code == 401
    assert forged.json() == misplaced.json()
    assert world.tracking_events() == []
