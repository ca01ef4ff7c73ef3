"""The request id: accepted from the caller or made here, carried into the work it causes.

An id lives in a context variable, so everything a request or a message runs (threads
started with anyio copy it) logs it and stamps it on the outbox events it records.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

HEADER = "X-Request-Id"
MAX_LENGTH = 64
_SANE = re.compile(rf"[A-Za-z0-9._:\-]{{1,{MAX_LENGTH}}}")
"""What an incoming id may look like: short, and nothing that could forge a log line."""

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "crossdock_request_id", default=None
)


def current() -> str | None:
    """The id of the request (or of the request behind the message) being worked on."""
    return _current.get()


def new() -> str:
    """A fresh id: 32 hex digits."""
    return uuid.uuid4().hex


def accept_or_new(incoming: str | None) -> str:
    """The caller's id when it is sane (at most 64 of ``A-Z a-z 0-9 . _ : -``), else a new one."""
    if incoming is not None and _SANE.fullmatch(incoming):
        return incoming
    return new()


def sane_or_none(value: object) -> str | None:
    """`value` when it is a sane id (one read back from a message), else None."""
    return value if isinstance(value, str) and _SANE.fullmatch(value) else None


@contextmanager
def bound(request_id: str | None) -> Iterator[str | None]:
    """Make `request_id` the current one until the block ends."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


def bind(request_id: str | None) -> contextvars.Token[str | None]:
    """Make `request_id` current until :func:`unbind` is given the returned token."""
    return _current.set(request_id)


def unbind(token: contextvars.Token[str | None]) -> None:
    """Restore the id that was current before :func:`bind`."""
    _current.reset(token)
