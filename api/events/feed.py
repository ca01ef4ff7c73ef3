"""Following the outbox as one caller sees it: short polls, keyset on the time-ordered id."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Sequence

import anyio
import anyio.to_thread
from sqlalchemy.orm import Session, sessionmaker

from api.errors import PublicError
from api.events.position import now_millis, position_at
from api.events.types import Event
from domain.outbox.queries import events_after, id_floor
from tenants.scope import TenantScope
from tenants.service import key_is_active
from tenants.sessions import session_standing
from tenants.unit_of_work import TenantUnitOfWork

POLL_SECONDS = 0.25
PAGE = 200
SETTLE_MS = 5_000
"""How late an event may commit after its id was made and still be delivered.

Ids are taken when an event is recorded, not when it commits, so a slow transaction
can commit an id below one already delivered; each poll looks back this far and drops
what it has already sent.
"""


class EventFeed:
    """A caller's events of some topics, from the moment the feed starts (or from a position).

    Given `after_millis` (an event position's moment, api/events/position.py), the feed
    starts `SETTLE_MS` before that moment instead, so an event that committed after a
    page's read, or was still committing during it, is delivered; an event the read
    already reflected may be delivered too (the page re-reads what it names).

    Each event carries the position of the poll that found it: a feed started from it
    delivers every event this one has not delivered yet (so a subscriber whose connection
    dropped resumes from the newest event it heard, not from its first read).
    """

    key_recheck_seconds: float = 5.0
    """How long the feed trusts its key (or session) between checks that it is still active
    (a session: still there, with the role it had).

    The first poll checks too, so a feed started on a socket whose key was revoked since
    `connection_init` ends at once.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        scope: TenantScope,
        prefixes: Sequence[str],
        after_millis: int | None = None,
    ):
        self.session_factory = session_factory
        self.scope = scope
        self.prefixes = tuple(prefixes)
        self.start = id_floor(now_millis() if after_millis is None else after_millis - SETTLE_MS)
        self.polled = False
        self.sent: set[uuid.UUID] = set()
        self.key_checked_at: float | None = None

    def poll(self) -> list[Event]:
        """New events since the last poll, oldest first, in one short transaction.

        Raises a public API_KEY_REVOKED error, ending the feed, once the caller's key is
        found inactive.
        """
        # the first poll reads from the start, however far back a position put it
        moment = now_millis()
        settled = id_floor(moment - SETTLE_MS)
        floor = max(self.start, settled) if self.polled else self.start
        self.sent = {event_id for event_id in self.sent if event_id > floor}
        fresh: list[Event] = []
        # a feed from this moment reads from `settled` on, as this one does from now on
        position = position_at(moment)
        with TenantUnitOfWork(self.session_factory, self.scope) as uow:
            self._check_key(uow)
            cursor = floor
            while True:
                rows = events_after(uow, self.prefixes, cursor, PAGE)
                for row in rows:
                    if row.id not in self.sent:
                        self.sent.add(row.id)
                        fresh.append(Event.from_row(row, position))
                if len(rows) < PAGE:
                    break
                cursor = rows[-1].id
        self.polled = True
        return fresh

    def _check_key(self, uow: TenantUnitOfWork) -> None:
        now = time.monotonic()
        checked = self.key_checked_at
        if checked is not None and now - checked < self.key_recheck_seconds:
            return
        if self.scope.session_id is not None:
            ended = session_standing(uow)
            if ended is not None:
                raise PublicError(ended.code, ended.message)
        elif not key_is_active(uow):
            raise PublicError("API_KEY_REVOKED", "The API key has been revoked.")
        self.key_checked_at = now

    async def follow(self, interval: float = POLL_SECONDS) -> AsyncIterator[Event]:
        """Yield events as they commit, polling every `interval` seconds, until cancelled.

        Ends with API_KEY_REVOKED within about `key_recheck_seconds` of the key's revocation
        (a session's: SESSION_EXPIRED once it ended, SCOPES_CHANGED once its role changed).
        """
        while True:
            for event in await anyio.to_thread.run_sync(self.poll):
                yield event
            await anyio.sleep(interval)
