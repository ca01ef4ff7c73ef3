"""Webhook deliveries over HTTP with httpx: redirects not followed, answers not read."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import httpx

from domain.webhooks.delivery import TIMEOUT


class HttpWebhookTransport:
    """POSTs signed deliveries; one client (and its TLS context) for a run of sends."""

    def __init__(self, client: httpx.Client | None = None):
        self._client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=False)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
        """The receiver's status code and the failure, if any; the body is never read, so a
        receiver cannot make us download anything."""
        try:
            with self._client.stream(
                "POST", url, content=body, headers=headers, timeout=TIMEOUT
            ) as response:
                status_code = response.status_code
        except httpx.HTTPError as failure:
            return None, f"{type(failure).__name__}: {failure}"
        return status_code, None if 200 <= status_code < 300 else f"HTTP {status_code}"

    def close(self) -> None:
        """Release the connections."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
