"""Housekeeping of sessions: ended sessions and stale sign-in counts go, live ones stay."""

from __future__ import annotations

from datetime import timedelta

import dramatiq
import dramatiq.broker
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from sqlalchemy import func, select

from crossdock.demo import seed_demo
from domain.audit.models import AuditEvent
from persistence.base import utcnow
from persistence.unit_of_work import UnitOfWork
from tenants import throttle
from tenants.sessions import SessionPolicy, sign_in
from tenants.throttle import ThrottlePolicy
from tenants.user_models import SignInThrottle, UserSession
from workers import people, runtime
from workers.scheduler import SCHEDULE


def _count(database, model, provider_id=None) -> int:
    with database.session(provider_id) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_ended_sessions_and_stale_counts_are_pruned(database, monkeypatch):
    # given: two sessions, and failures counted for two addresses a day apart
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    with UnitOfWork(database.session_factory) as uow:
        seed_demo(uow)
        uow.commit()
    with database.session() as session:
        for _ in range(2):
            made = sign_in(
                session, "ops@northwind.example", "northwind-demo-staff",
                client_address="10.0.0.1", policy=SessionPolicy(absolute=timedelta(hours=12)),
            )  # fmt: skip
        provider_id = made.user.provider_id
        policy = ThrottlePolicy()
        now = utcnow()
        throttle.record_failure(session, policy, throttle.subjects(policy, "a@x", "10.0.0.9"),
                                now - timedelta(days=2))  # fmt: skip
        throttle.record_failure(session, policy, throttle.subjects(policy, "b@x", None), now)
    # when: 13 hours on, the job runs (twice: it is safe to repeat)
    monkeypatch.setattr(people, "clock", lambda: utcnow() + timedelta(hours=13))
    people.prune_people_sessions()
    people.prune_people_sessions()
    # then
    assert _count(database, UserSession, provider_id) == 0
    assert _count(database, SignInThrottle) == 1  # b@x's, counted just now
    assert "prune_people_sessions" in {job.actor_name for job in SCHEDULE}


def test_the_sweep_records_each_ended_session_as_one_sign_out(database, monkeypatch):
    # given: two sessions of the staff, one still alive at the sweep
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    with UnitOfWork(database.session_factory) as uow:
        seed_demo(uow)
        uow.commit()
    with database.session() as session:
        for hours in (12, 48):
            made = sign_in(
                session, "ops@northwind.example", "northwind-demo-staff",
                client_address="10.0.0.1", policy=SessionPolicy(absolute=timedelta(hours=hours)),
            )  # fmt: skip
        provider_id = made.user.provider_id
    # when: 13 hours on, the sweep runs twice
    monkeypatch.setattr(people, "clock", lambda: utcnow() + timedelta(hours=13))
    people.prune_people_sessions()
    people.prune_people_sessions()
    # then: the ended one is one sign-out, at its end, marked expired; the live one stays
    with database.session(provider_id) as session:
        sign_outs = session.scalars(
            select(AuditEvent).where(AuditEvent.mutation == "signOut")
        ).all()
        assert [(e.input, e.object_type) for e in sign_outs] == [({"ended": "expired"}, "User")]
        ended_in = sign_outs[0].occurred_at - utcnow()
        assert timedelta(hours=11, minutes=55) < ended_in <= timedelta(hours=12)
    assert _count(database, UserSession, provider_id) == 1
