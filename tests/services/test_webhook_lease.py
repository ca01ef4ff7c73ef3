"""The lease on a webhook delivery: kept while its sender is sending, short after a crash."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from domain.webhooks import delivery, queries
from domain.webhooks.models import DeliveryStatus
from persistence.base import utcnow
from services.webhooks import send_due
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import make_tenant
from tests.factories_webhooks import deliveries_of, make_endpoint, make_event


class SlowTransport:
    """Answers 200 after `seconds`, counting posts; `sending` is set while one is out."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.posts = 0
        self.sending = threading.Event()

    def post(self, url, body, headers):
        self.posts += 1
        self.sending.set()
        time.sleep(self.seconds)
        return 200, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def one_delivery(database):
    tenant = make_tenant(database)
    make_endpoint(database, tenant, "https://hooks.example.com/x")
    event_id = make_event(database, tenant)
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        delivery.fan_out(uow, queries.event(uow, event_id))
        uow.commit()
    return tenant


def claim_now(database, tenant):
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        claimed = delivery.claim_due(uow, utcnow(), limit=10)
        uow.commit()
    return claimed


def test_a_send_longer_than_the_lease_keeps_it_and_is_not_sent_twice(database):
    # given: a receiver slower than two leases (renewed every 0.5 s, so a renewal may come
    # a second late on a loaded machine and the lease still holds)
    tenant = one_delivery(database)
    transport = SlowTransport(4.0)
    lease = timedelta(seconds=1.5)
    units = lambda: TenantUnitOfWork(database.session_factory, tenant.scope)  # noqa: E731
    sender = threading.Thread(
        target=send_due, args=(units, lambda: transport, utcnow), kwargs={"lease": lease}
    )
    # when: another sender looks for due deliveries while the first is still sending
    sender.start()
    assert transport.sending.wait(5)
    stolen = []
    while sender.is_alive():
        stolen += claim_now(database, tenant)
        time.sleep(0.1)
    sender.join()
    # then: the lease was renewed all along; one request, delivered
    assert stolen == []
    assert transport.posts == 1
    [sent] = deliveries_of(database, tenant)
    assert sent.status is DeliveryStatus.DELIVERED


def test_a_delivery_claimed_by_a_sender_that_died_is_due_again_after_a_short_lease(database):
    # given: a sender claimed the delivery and died before sending
    tenant = one_delivery(database)
    now = utcnow()
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        [_] = delivery.claim_due(uow, now)
        uow.commit()
        # when
        before_expiry = delivery.claim_due(uow, now + delivery.LEASE - timedelta(seconds=1))
        after_expiry = delivery.claim_due(uow, now + delivery.LEASE)
        uow.commit()
    # then: free again within the lease, well under a minute
    assert before_expiry == []
    assert len(after_expiry) == 1
    assert timedelta(minutes=1) >= delivery.LEASE
