"""Checks on what a caller may configure for an endpoint: its URL and its topics."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from domain.errors import DomainError, DomainErrorCode
from domain.outbox.events import Topic
from domain.webhooks.models import URL_MAX

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
"""Names every resolver maps to this machine; refused like the addresses they stand for."""


def clean_url(url: str, *, allow_private: bool = False) -> str:
    """An https URL to a public host, stripped; refused with a coded error otherwise.

    `allow_private` (a deployment setting, off by default: receivers on the worker's own
    machine or network, as in tests) also accepts private and loopback hosts, over http too.
    Only literal addresses and local names are checked here; where a public name resolves
    to is known only when the request is sent.
    """
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
    internal = is_internal_host(host)
    if allow_private and internal and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https":
        raise _invalid("Webhook URLs must use https.")
    if internal:
        raise _invalid("Webhook URLs must not point at private or loopback addresses.")
    return url


def is_internal_host(host: str) -> bool:
    """Whether `host` (a URL's hostname) names this machine or a non-public address.

    Besides the usual notations this catches the legacy IPv4 forms resolvers still
    accept (``2130706433``, ``0x7f.1``, ``127.1``), which name no host but an address.
    """
    host = host.strip("[]").rstrip(".").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = _legacy_ipv4(host)
        if address is None:
            return False  # a name: where it resolves is known only at send time
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global


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


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    if not host or any(c not in "0123456789abcdefx." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _invalid(message: str) -> DomainError:
    return DomainError(DomainErrorCode.INVALID, message, "url")
