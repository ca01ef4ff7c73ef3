"""Subscriptions from a read's event position: nothing after the read is lost, nothing
long before it is delivered, and a position is no way into another tenant's events."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from api.events import feed
from api.events.position import now_millis, position_at
from domain.outbox.events import Topic
from tests.factories import make_tenant
from tests.outbox_factories import record_events

PROTOCOL = ["graphql-transport-ws"]
SETTLE_MS = 1000
"""The feed's settle window, shortened so an event can be older than it in a test (not
much shorter: a commit slower than the window, on a loaded machine, is missed)."""
PAST_SETTLE_S = SETTLE_MS / 1000 + 0.3
LISTENING_S = 0.4
"""Long enough for a subscription's first poll to have run (polls are 0.25 s apart)."""
FIELDS_AND_TOPICS = [
    ("orderEvents", Topic.ORDER_CREATED),
    ("stockEvents", Topic.STOCK_CHANGED),
    ("shipmentEvents", Topic.SHIPMENT_CREATED),
]


@pytest.fixture(autouse=True)
def short_settle_window(monkeypatch):
    monkeypatch.setattr(feed, "SETTLE_MS", SETTLE_MS)


@contextmanager
def subscribed_after(app, key: str, field: str, after: str | None):
    with app.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
        assert ws.receive_json() == {"type": "connection_ack"}
        document = (
            f"subscription($after: String) {{ {field}(after: $after) {{ id topic position }} }}"
        )
        payload = {"query": document, "variables": {"after": after}}
        ws.send_json({"id": "1", "type": "subscribe", "payload": payload})
        yield ws
        ws.send_json({"id": "1", "type": "complete"})


def next_event(ws, field: str) -> dict:
    message = ws.receive_json()
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"][field]


def first_error_code(ws) -> str:
    answer = ws.receive_json()
    assert answer["type"] in {"error", "next"}, answer
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    return errors[0]["extensions"]["code"]


def read_position(gql, key: str) -> str:
    answer = gql("{ eventPosition }", key=key)
    assert "errors" not in answer, answer
    return answer["data"]["eventPosition"]


@pytest.mark.parametrize(("field", "topic"), FIELDS_AND_TOPICS)
def test_an_event_committed_between_the_read_and_the_subscription_is_delivered(
    app, gql, database, field, topic
):
    # given: an event well before the read, then the read's position
    tenant = make_tenant(database)
    [long_before] = record_events(database, tenant, 1, topic)
    time.sleep(PAST_SETTLE_S)
    position = read_position(gql, tenant.key)
    # when: an event commits after the read, and the subscription starts later still
    [between] = record_events(database, tenant, 1, topic)
    time.sleep(PAST_SETTLE_S)  # past the settle window: "from now" would miss it
    with subscribed_after(app, tenant.key, field, position) as ws:
        time.sleep(LISTENING_S)
        [later] = record_events(database, tenant, 1, topic)
        received = [next_event(ws, field)["id"], next_event(ws, field)["id"]]
    # then: the one before the read would have come first, had it been delivered
    assert received == [str(between), str(later)]
    assert str(long_before) not in received


def test_without_a_position_the_subscription_starts_from_now(app, gql, database):
    # given: the same race, the subscription given no position
    tenant = make_tenant(database)
    [between] = record_events(database, tenant, 1)
    time.sleep(PAST_SETTLE_S)
    with subscribed_after(app, tenant.key, "orderEvents", None) as ws:
        time.sleep(LISTENING_S)
        # when
        [later] = record_events(database, tenant, 1)
        received = next_event(ws, "orderEvents")["id"]
    # then: backward compatible, from now on only
    assert received == str(later) != str(between)


def test_events_within_the_settle_window_before_the_read_are_delivered(
    app, gql, database, monkeypatch
):
    # given: the feed's own window (a loaded machine may take a while between the two), and
    # an event recorded just before the read (it may still have been committing)
    monkeypatch.setattr(feed, "SETTLE_MS", 5_000)
    tenant = make_tenant(database)
    [just_before] = record_events(database, tenant, 1)
    position = read_position(gql, tenant.key)
    time.sleep(LISTENING_S)
    # when
    with subscribed_after(app, tenant.key, "orderEvents", position) as ws:
        received = next_event(ws, "orderEvents")["id"]
    # then: delivered again, which is why the board re-reads what an event names
    assert received == str(just_before)


@pytest.mark.parametrize(("field", "topic"), FIELDS_AND_TOPICS)
def test_resubscribing_from_the_newest_events_position_resumes_without_replaying_the_rest(
    app, gql, database, field, topic
):
    # given: a subscription from a read that heard one event, then (past the settle window)
    # another, and a connection that dropped after it
    tenant = make_tenant(database)
    first_read = read_position(gql, tenant.key)
    with subscribed_after(app, tenant.key, field, first_read) as ws:
        [early] = record_events(database, tenant, 1, topic)
        heard_early = next_event(ws, field)
        time.sleep(PAST_SETTLE_S)
        [newest] = record_events(database, tenant, 1, topic)
        heard_newest = next_event(ws, field)
    assert [heard_early["id"], heard_newest["id"]] == [str(early), str(newest)]
    assert heard_newest["position"] not in {first_read, heard_early["position"]}
    # when: an event while disconnected, and the subscription resumed from the newest position
    [missed] = record_events(database, tenant, 1, topic)
    time.sleep(PAST_SETTLE_S)  # past the settle window: "from now" would miss it
    with subscribed_after(app, tenant.key, field, heard_newest["position"]) as ws:
        received = [next_event(ws, field)["id"]]
        if received[-1] != str(missed):  # the newest may come again (the settle window)
            received.append(next_event(ws, field)["id"])
    # then: what was missed comes, and what came long before the newest does not again
    assert received[-1] == str(missed)
    assert str(early) not in received
    # (from the first read, the early one would have come first)
    with subscribed_after(app, tenant.key, field, first_read) as ws:
        assert next_event(ws, field)["id"] == str(early)


def test_events_found_by_one_poll_share_its_position_and_later_polls_move_it_on(app, gql, database):
    # given
    tenant = make_tenant(database)
    position = read_position(gql, tenant.key)
    record_events(database, tenant, 2)
    # when: both found by the first poll, then one more later
    with subscribed_after(app, tenant.key, "orderEvents", position) as ws:
        time.sleep(LISTENING_S)
        first, second = next_event(ws, "orderEvents"), next_event(ws, "orderEvents")
        record_events(database, tenant, 1)
        third = next_event(ws, "orderEvents")
    # then
    assert first["position"] == second["position"] != third["position"]
    assert third["position"] != position


@pytest.mark.parametrize(
    ("position", "code"),
    [
        ("not-a-position", "INVALID_EVENT_POSITION"),
        ("", "INVALID_EVENT_POSITION"),
        (position_at(now_millis() + 3_600_000), "INVALID_EVENT_POSITION"),
        ("Y2Rwb3MxOi0x", "INVALID_EVENT_POSITION"),  # "cdpos1:-1"
        (position_at(now_millis() - 11 * 60 * 1000), "EVENT_POSITION_EXPIRED"),
    ],
    ids=["garbage", "empty", "future", "negative", "too-old"],
)
@pytest.mark.parametrize("field", [field for field, _ in FIELDS_AND_TOPICS])
def test_a_bad_forged_or_too_old_position_is_refused_with_a_typed_error(
    app, database, field, position, code
):
    # given
    tenant = make_tenant(database)
    # when
    with subscribed_after(app, tenant.key, field, position) as ws:
        # then
        assert first_error_code(ws) == code


def test_a_position_from_another_tenants_read_delivers_only_the_callers_events(app, gql, database):
    # given: the other provider's read and its event after that read
    tenant = make_tenant(database)
    other = make_tenant(database, "Elsewhere")
    position = read_position(gql, other.key)
    record_events(database, other, 2)
    time.sleep(0.005)  # ids order events only to the millisecond
    [own] = record_events(database, tenant, 1)
    # when: the tenant subscribes from the other's position
    with subscribed_after(app, tenant.key, "orderEvents", position) as ws:
        received = next_event(ws, "orderEvents")["id"]
    # then: its own event, not the other's (which would have come first)
    assert received == str(own)


def test_event_position_needs_a_valid_key(gql):
    answer = gql("{ eventPosition }", key="cd_nope_nope")
    assert answer["errors"][0]["extensions"]["code"] in {"INVALID_API_KEY", "UNAUTHENTICATED"}
