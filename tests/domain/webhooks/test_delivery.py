"""Fan-out creates one delivery per endpoint and event; attempts retry with backoff until done."""

from __future__ import annotations

from adapters.webhooks import HttpWebhookTransport
from domain.outbox.events import Topic
from domain.webhooks import delivery, queries
from domain.webhooks.delivery import MAX_ATTEMPTS
from domain.webhooks.models import DeliveryStatus
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import make_tenant
from tests.factories_webhooks import attempts_of, deliveries_of, make_endpoint, make_event


def fan_out(db, tenant, event_id):
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        event = queries.event(uow, event_id)
        created = delivery.fan_out(uow, event)
        uow.commit()
    return created


def send_due(db, tenant, now, client):
    """Claim and attempt every due delivery at `now`, as a worker would."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        claimed = delivery.claim_due(uow, now)
        uow.commit()
        for item, endpoint in claimed:
            delivery.attempt(uow, item, endpoint, client, now)
            uow.commit()
    return claimed


def test_fan_out_matches_topic_audience_and_enabled_endpoints(database):
    # given: endpoints of the provider, of client A, of client B, a disabled one, another topic
    tenant = make_tenant(database)
    url = "https://hooks.example.com/x"
    provider_ep, _ = make_endpoint(database, tenant, url)
    a_ep, _ = make_endpoint(database, tenant, url, client="A")
    make_endpoint(database, tenant, url, client="B")
    make_endpoint(database, tenant, url, enabled=False)
    make_endpoint(database, tenant, url, topics=(Topic.ORDER_SHIPPED,))
    event_id = make_event(database, tenant, Topic.ORDER_CREATED, client="A")
    # when
    created = fan_out(database, tenant, event_id)
    # then
    assert {d.endpoint_id for d in created} == {provider_ep, a_ep}
    assert all(d.status is DeliveryStatus.PENDING and d.attempt_count == 0 for d in created)
    assert len({d.message_id for d in created}) == 2


def test_fan_out_again_creates_nothing(database):
    tenant = make_tenant(database)
    make_endpoint(database, tenant, "https://hooks.example.com/x")
    event_id = make_event(database, tenant)
    first = fan_out(database, tenant, event_id)
    again = fan_out(database, tenant, event_id)
    assert (len(first), again) == (1, [])
    assert len(deliveries_of(database, tenant)) == 1


def test_a_provider_event_goes_only_to_provider_endpoints(database):
    tenant = make_tenant(database)
    provider_ep, _ = make_endpoint(database, tenant, "https://hooks.example.com/x")
    make_endpoint(database, tenant, "https://hooks.example.com/x", client="A")
    created = fan_out(database, tenant, make_event(database, tenant, client=None))
    assert [d.endpoint_id for d in created] == [provider_ep]


def test_receiver_down_then_up_is_retried_with_backoff_and_delivered(database, receiver):
    # given: the receiver is down
    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url)
    fan_out(database, tenant, make_event(database, tenant))
    receiver.stop()
    now = utcnow()
    with HttpWebhookTransport() as client:
        # when: the first attempt fails
        send_due(database, tenant, now, client)
        [pending] = deliveries_of(database, tenant)
        # then: it waits about 30 s, and nothing is due before then
        assert pending.status is DeliveryStatus.PENDING
        assert pending.attempt_count == 1
        assert pending.last_status_code is None
        assert "ConnectError" in pending.last_error
        wait = pending.next_attempt_at - now
        assert 24 <= wait.total_seconds() <= 30
        assert send_due(database, tenant, now + wait / 2, client) == []
        # when: the receiver is back and the time has come
        receiver.start()
        send_due(database, tenant, pending.next_attempt_at, client)
    # then
    [done] = deliveries_of(database, tenant)
    assert done.status is DeliveryStatus.DELIVERED
    assert done.delivered_at == pending.next_attempt_at
    assert receiver.message_ids == [done.message_id]
    attempts = attempts_of(database, tenant, done.id)
    assert [a.status_code for a in attempts] == [None, 200]
    assert receiver.received[0].body["data"] == {"reference": "PO-1"}
    assert receiver.received[0].body["topic"] == "order.created"


def test_gives_up_after_the_last_attempt(database, receiver):
    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url)
    receiver.answer = 503
    fan_out(database, tenant, make_event(database, tenant))
    now = utcnow()
    with HttpWebhookTransport() as client:
        for _ in range(MAX_ATTEMPTS):
            [item] = deliveries_of(database, tenant)
            now = item.next_attempt_at
            assert len(send_due(database, tenant, now, client)) == 1
        assert send_due(database, tenant, now + delivery.MAX_DELAY * 10, client) == []
    [failed] = deliveries_of(database, tenant)
    assert (failed.status, failed.attempt_count, failed.next_attempt_at) == (
        DeliveryStatus.FAILED,
        MAX_ATTEMPTS,
        None,
    )
    assert failed.last_status_code == 503
    assert len(attempts_of(database, tenant, failed.id)) == MAX_ATTEMPTS


def test_a_claimed_delivery_is_not_claimed_again_while_leased(database):
    tenant = make_tenant(database)
    make_endpoint(database, tenant, "https://hooks.example.com/x")
    fan_out(database, tenant, make_event(database, tenant))
    now = utcnow()
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        first = delivery.claim_due(uow, now)
        uow.commit()
        second = delivery.claim_due(uow, now)
        after_lease = delivery.claim_due(uow, now + delivery.LEASE)
    assert (len(first), second, len(after_lease)) == (1, [], 1)


def test_redeliver_resends_a_delivered_message_with_the_same_id(database, receiver):
    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url)
    fan_out(database, tenant, make_event(database, tenant))
    now = utcnow()
    with HttpWebhookTransport() as client:
        send_due(database, tenant, now, client)
        [sent] = deliveries_of(database, tenant)
        with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
            again = delivery.redeliver(uow, sent.id, now)
            uow.commit()
        assert (again.status, again.attempt_count) == (DeliveryStatus.PENDING, 0)
        send_due(database, tenant, now, client)
    assert receiver.message_ids == [sent.message_id, sent.message_id]
    assert deliveries_of(database, tenant)[0].status is DeliveryStatus.DELIVERED
