"""HMAC-SHA256 signatures of webhook bodies, and the check a receiver runs (copy it freely).

The signed string is ``f"{timestamp}.{body}"``: the timestamp inside the signature stops an
old, captured request from being replayed later than the tolerance allows.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

ID_HEADER = "Crossdock-Webhook-Id"
TIMESTAMP_HEADER = "Crossdock-Webhook-Timestamp"
SIGNATURE_HEADER = "Crossdock-Webhook-Signature"
VERSION = "v1"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a public marker, not a secret
DEFAULT_TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """A webhook request whose signature or timestamp does not check out."""


def new_secret() -> str:
    """A random signing secret (256 bits), shown once to whoever creates the endpoint."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header value for `body` sent at `timestamp` (Unix seconds)."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a webhook request carries besides its content type."""
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> str:
    """Check a received webhook and return its message id; SignatureError when it fails.

    `headers` may be any case-insensitive mapping (or a dict with the exact names above).
    Several space-separated signatures are accepted, so a secret can be rotated.
    """
    message_id = _header(headers, ID_HEADER)
    raw_timestamp = _header(headers, TIMESTAMP_HEADER)
    try:
        timestamp = int(raw_timestamp)
    except ValueError as error:
        raise SignatureError("malformed timestamp") from error
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    expected = sign(secret, timestamp, body)
    offered = _header(headers, SIGNATURE_HEADER).split()
    if not any(hmac.compare_digest(expected.encode(), c.encode()) for c in offered):
        raise SignatureError("signature mismatch")
    return message_id


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name) or headers.get(name.lower())
    if not value:
        raise SignatureError(f"missing header {name}")
    return value
