"""The HTTP call every channel adapter makes: timeouts, throttling and errors as ChannelError.

Messages name the method, path and status, never a header, a query string or a body
that could hold a credential; the shop's own words are kept, with the credentials given
to the client cut out (a shop that echoes a key must not put it in a log or an answer).
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import certifi
import httpx

from adapters.carriers.aggregator import retry_after
from domain.channels.adapter import (
    ChannelAccessError,
    PermanentChannelError,
    TransientChannelError,
)

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
TRANSIENT_4XX = {408, 409, 425, 429}
ACCESS_4XX = {401, 402, 403, 423}
"""Refusals of the connection (credentials, permissions, a frozen or locked shop)."""
REDACTED = "[redacted]"


class ChannelHttp:
    """An httpx client bound to one shop's root, turning failures into ChannelErrors."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        client: httpx.Client | None = None,
        secrets: Iterable[str] = (),
    ):
        self.base_url = base_url.rstrip("/")
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._client = client or httpx.Client(
            auth=auth, headers=dict(headers or {}), verify=tls_context()
        )
        self._owns = client is None
        self.timeout = timeout

    def close(self) -> None:
        """Close the client if this object made it."""
        if self._owns:
            self._client.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """The shop's answer to one request; raises TransientChannelError or
        PermanentChannelError for anything but 2xx."""
        try:
            response = self._client.request(
                method, self.base_url + path, params=params, json=json, timeout=self.timeout
            )
        except httpx.TimeoutException as error:
            raise TransientChannelError(
                f"{method} {path} timed out ({type(error).__name__})."
            ) from None
        except httpx.TransportError as error:
            raise TransientChannelError(
                f"{method} {path} failed ({type(error).__name__})."
            ) from None
        status = response.status_code
        if status < 400:
            return response
        text = f"{method} {path} answered {status}: {self.redact(_reason(response))}"
        if status >= 500 or status in TRANSIENT_4XX:
            raise TransientChannelError(
                text, retry_after=retry_after(response.headers.get("Retry-After"))
            )
        if status in ACCESS_4XX:
            raise ChannelAccessError(text)
        raise PermanentChannelError(text)

    def redact(self, text: str) -> str:
        """`text` with every credential of this client cut out."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """The decoded JSON answer; a malformed one is transient (the next try may be sound)."""
        response = self.call(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise TransientChannelError(f"{method} {path} answered with no JSON.") from None


@cache
def tls_context() -> ssl.SSLContext:
    """The process's one TLS context (httpx's default: certifi's roots).

    Loading the roots costs about 20 ms, and an adapter (so a client) is made per poll,
    per webhook and per push: each paid it before, half the time of a Shopify webhook.
    """
    return ssl.create_default_context(cafile=certifi.where())


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(body, dict):
        message = body.get("message") or body.get("errors") or body.get("code")
        if message:
            return str(message)[:300]
    return response.reason_phrase
