"""What actors share in one worker process: the session factory, set by the composition root."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session, sessionmaker

from persistence.unit_of_work import UnitOfWork

_session_factory: sessionmaker[Session] | None = None


def configure(session_factory: sessionmaker[Session]) -> None:
    """Install the process's session factory (the composition root calls this once)."""
    global _session_factory
    _session_factory = session_factory


def session_factory() -> sessionmaker[Session]:
    """The configured session factory; an actor running without one is a deployment bug."""
    if _session_factory is None:
        raise RuntimeError("workers.runtime.configure() was not called in this process")
    return _session_factory


def unit_of_work(provider_id: str | uuid.UUID | None) -> UnitOfWork:
    """A unit of work bound to the provider a message is about."""
    tenant = uuid.UUID(str(provider_id)) if provider_id is not None else None
    return UnitOfWork(session_factory(), tenant)
