"""The transport that carries cache invalidations to the other processes, as configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from caching.invalidation import INVALIDATIONS, Transport
from crossdock.settings import Settings


def share_invalidations(settings: Settings, *, listen: bool) -> Transport | None:
    """Carry this process's invalidations to the others through Redis (and, with `listen`,
    theirs to it) from now on; without a Redis URL, None: nothing changes."""
    if settings.invalidation_redis_url is None:
        return None
    from adapters.redis_invalidations import RedisInvalidations

    transport = RedisInvalidations(
        settings.invalidation_redis_url,
        f"{settings.broker_namespace}:invalidations",
        INVALIDATIONS,
        listen=listen,
    )
    INVALIDATIONS.install(transport)
    return transport


@contextmanager
def invalidations_shared(settings: Settings, *, listen: bool) -> Iterator[None]:
    """`share_invalidations` for the block only."""
    transport = share_invalidations(settings, listen=listen)
    try:
        yield
    finally:
        if transport is not None:
            INVALIDATIONS.uninstall(transport)
