"""URLs the workers send requests to (webhook endpoints, carrier APIs): public https only.

One rule for every URL a caller configures and a worker later contacts, so that an API
key cannot point the workers at the deployment's own machine or network.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from domain.errors import DomainError, DomainErrorCode

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
"""Names every resolver maps to this machine; refused like the addresses they stand for."""


def clean_outbound_url(
    url: str | None,
    *,
    field: str,
    max_length: int,
    allow_private: bool = False,
    what: str = "URLs",
) -> str:
    """An https URL to a public host, stripped; refused with a coded error on `field` otherwise.

    `allow_private` (a deployment setting, off by default: services on the worker's own
    machine or network, as in tests) also accepts private and loopback hosts, over http too.
    Only literal addresses and local names are checked here; where a public name resolves
    to is known only when the request is sent. `what` names the URLs in messages.
    """
    url = (url or "").strip()
    if not url:
        raise DomainError(DomainErrorCode.REQUIRED, "A URL is required.", field)
    if len(url) > max_length:
        raise DomainError(DomainErrorCode.TOO_LONG, f"URLs are at most {max_length} long.", field)
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        raise _invalid("The URL is malformed.", field) from error
    if not host or parts.username or parts.password or any(c.isspace() for c in url):
        raise _invalid("The URL needs a host and no credentials or spaces.", field)
    internal = is_internal_host(host)
    if allow_private and internal and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https":
        raise _invalid(f"{what} must use https.", field)
    if internal:
        raise _invalid(f"{what} must not point at private or loopback addresses.", field)
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


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    if not host or any(c not in "0123456789abcdefx." for c in host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(DomainErrorCode.INVALID, message, field)
