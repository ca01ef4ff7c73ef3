"""Event positions: where a page's read stood, so its subscription can start there.

A position is opaque to callers. Inside it is the moment (milliseconds since the epoch) the
read's request started; a feed started from it delivers every event whose id was made from
`SETTLE_MS` before that moment on, so an event committed between the read and the
subscription is never lost. It names no tenant and no event: the feed reads only the
caller's own events, whatever position it is given.
"""

from __future__ import annotations

import base64
import binascii
import time

from api.errors import PublicError

MAX_AGE_MS = 10 * 60 * 1000
"""How old a position may be; an older one is refused with EVENT_POSITION_EXPIRED (not
clamped: clamping would silently skip what the page missed, and the page must read again)."""
MAX_AHEAD_MS = 60 * 1000
"""How far ahead of this server's clock a position may be (another server's clock)."""
_PREFIX = "cdpos1:"


def position_at(millis: int) -> str:
    """The opaque position of the moment `millis`."""
    return base64.urlsafe_b64encode(f"{_PREFIX}{millis}".encode()).decode().rstrip("=")


def now_millis() -> int:
    """This server's clock in milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def position_millis(position: str, now: int) -> int:
    """The moment a position names; a typed public error for a bad, forged or too-old one."""
    try:
        padded = position + "=" * (-len(position) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        text = ""
    digits = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not digits.isdigit() or len(digits) > 15:
        raise PublicError(
            "INVALID_EVENT_POSITION",
            "Not a valid event position; positions are the opaque strings eventPosition returns.",
        )
    millis = int(digits)
    if millis > now + MAX_AHEAD_MS:
        raise PublicError(
            "INVALID_EVENT_POSITION", "Not a valid event position: it lies in the future."
        )
    if millis < now - MAX_AGE_MS:
        raise PublicError(
            "EVENT_POSITION_EXPIRED",
            "The event position is more than 10 minutes old; read again and subscribe from "
            "the new position.",
        )
    return millis
