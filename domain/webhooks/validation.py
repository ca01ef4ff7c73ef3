"""Checks on what a caller may configure for an endpoint: its URL and its topics."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from domain.errors import DomainError, DomainErrorCode
from domain.outbox.events import Topic
from domain.webhooks.models import URL_MAX

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""The one exception to https-to-public-hosts: receivers on the worker's own machine (tests)."""


def clean_url(url: str) -> str:
    """An https URL (or http to loopback), stripped; refused with a coded error otherwise."""
    url = (url or "").strip()
    if not url:
        raise DomainError(DomainErrorCode.REQUIRED, "Give the endpoint a URL.", "url")
    if len(url) > URL_MAX:
        raise DomainError(DomainErrorCode.TOO_LONG, f"URLs are at most {URL_MAX} long.", "url")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        raise _invalid("The URL is malformed.") from error
    if not host or parts.username or parts.password or any(c.isspace() for c in url):
        raise _invalid("The URL needs a host and no credentials or spaces.")
    if parts.scheme in ("http", "https") and host in LOOPBACK_HOSTS:
        return url
    if parts.scheme != "https":
        raise _invalid("Webhook URLs must use https.")
    if _is_internal_address(host):
        raise _invalid("Webhook URLs must not point at private or loopback addresses.")
    return url


def clean_topics(topics: Iterable[str] | None) -> list[str]:
    """Distinct known topics, sorted; an empty or unknown one is refused."""
    wanted = sorted({(topic or "").strip() for topic in topics or ()})
    if not wanted:
        raise DomainError(DomainErrorCode.REQUIRED, "Subscribe to at least one topic.", "topics")
    known = {topic.value for topic in Topic}
    unknown = [topic for topic in wanted if topic not in known]
    if unknown:
        raise DomainError(
            DomainErrorCode.INVALID, f"Unknown topics: {', '.join(unknown)}.", "topics"
        )
    return wanted


def _is_internal_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name is resolved at send time, beyond what this check can see
    return not address.is_global


def _invalid(message: str) -> DomainError:
    return DomainError(DomainErrorCode.INVALID, message, "url")
