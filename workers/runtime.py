"""What actors share in one worker process: the session factory, set by the composition root."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from persistence.unit_of_work import UnitOfWork
from tenants.unit_of_work import TenantUnitOfWork

_session_factory: sessionmaker[Session] | None = None
_audit_retention = timedelta(days=400)
_redelivery_window = timedelta(minutes=10)


def configure(session_factory: sessionmaker[Session]) -> None:
    """Install the process's session factory (the composition root calls this once)."""
    global _session_factory
    _session_factory = session_factory


def session_factory() -> sessionmaker[Session]:
    """The configured session factory; an actor running without one is a deployment bug."""
    if _session_factory is None:
        raise RuntimeError("workers.runtime.configure() was not called in this process")
    return _session_factory


def unit_of_work(provider_id: str | uuid.UUID) -> TenantUnitOfWork:
    """The platform's unit of work inside the provider a message is about."""
    return TenantUnitOfWork.operator(session_factory(), provider_id)


def system_unit_of_work(task: str) -> UnitOfWork:
    """A unit of work of a cross-tenant system task (row-level security policies name it)."""
    return UnitOfWork(session_factory(), system_task=task)


def configure_audit_retention(kept: timedelta) -> None:
    """Install how long audit events are kept (the composition root, from the settings)."""
    global _audit_retention
    _audit_retention = kept


def audit_retention() -> timedelta:
    """How long audit events are kept."""
    return _audit_retention


def configure_redelivery_window(window: timedelta) -> None:
    """Install how long after publication an unprocessed event is sent again."""
    global _redelivery_window
    _redelivery_window = window


def redelivery_window() -> timedelta:
    """How long after publication the sweep sends an event a consumer has not processed."""
    return _redelivery_window
