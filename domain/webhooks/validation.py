"""Checks on what a caller may configure for an endpoint: its URL and its topics."""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import DomainError, DomainErrorCode
from domain.outbox.events import Topic
from domain.urls import clean_outbound_url
from domain.webhooks.models import URL_MAX


def clean_url(url: str, *, allow_private: bool = False) -> str:
    """An https URL to a public host, stripped; refused with a coded error otherwise.

    `allow_private` (a deployment setting, off by default: receivers on the worker's own
    machine or network, as in tests) also accepts private and loopback hosts, over http too.
    The rule is every outbound URL's: see `domain.urls.clean_outbound_url`.
    """
    return clean_outbound_url(
        url, field="url", max_length=URL_MAX, allow_private=allow_private, what="Webhook URLs"
    )


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
