"""Set-up of one Dramatiq worker process: ``dramatiq crossdock.worker_main:setup [modules]``.

Dramatiq's command imports this module and calls :func:`setup` before it imports the
extra modules named after it, so the broker is in place before any actor binds to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import dramatiq

from crossdock.adapters import install_adapters
from crossdock.broker import install_broker, make_broker
from crossdock.database import make_engine, make_session_factory
from crossdock.invalidations import share_invalidations
from crossdock.secret_keys import install_secret_box
from crossdock.settings import Settings
from telemetry import logs
from workers import runtime


class BrokerNotConfigured(RuntimeError):
    """A worker or relay was started without CROSSDOCK_BROKER_URL."""


def prepare(settings: Settings, extra_modules: Iterable[str] = ()) -> dramatiq.Broker:
    """Install the configured broker, the session factory for actors, and the actors."""
    install_adapters()
    if settings.broker_url is None:
        raise BrokerNotConfigured(
            "CROSSDOCK_BROKER_URL is not set: workers need Redis (redis://...) or RabbitMQ "
            "(amqp://...); without a broker, `crossdock serve` runs background work in-process"
        )
    broker = make_broker(
        settings.broker_url,
        namespace=settings.broker_namespace,
        heartbeat_timeout_ms=settings.redis_heartbeat_timeout_ms,
        maintenance_chance=settings.redis_maintenance_chance,
    )
    session_factory = make_session_factory(make_engine(settings.database_url))
    install_secret_box(settings, session_factory)
    runtime.configure(session_factory)
    share_invalidations(settings, listen=True)  # for the process's life
    runtime.configure_audit_retention(timedelta(days=settings.audit_retention_days))
    runtime.configure_redelivery_window(timedelta(seconds=settings.redelivery_after_seconds))
    return install_broker(broker, extra_modules)


def setup() -> None:
    """Dramatiq's entry: prepare this worker process from the environment, its log lines
    restyled (JSON or text, with the request id of the message being processed)."""
    settings = Settings.from_env()
    logs.configure(settings.log_level, settings.log_format)
    prepare(settings)
