"""Endpoint URLs must be https (plain http only to loopback); topics must be known and present."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from domain.webhooks.validation import clean_topics, clean_url


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/crossdock",
        "https://hooks.example.com:8443/x?y=1",
        "http://127.0.0.1:9000/hooks",
        "http://localhost/hooks",
        "https://127.0.0.1/hooks",
    ],
)
def test_acceptable_urls(url):
    assert clean_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "REQUIRED"),
        ("http://hooks.example.com/x", "INVALID"),
        ("ftp://hooks.example.com/x", "INVALID"),
        ("https://", "INVALID"),
        ("not a url", "INVALID"),
        ("https://user:pw@hooks.example.com/", "INVALID"),
        ("https://hooks.example.com:99999/", "INVALID"),
        ("https://10.0.0.5/hooks", "INVALID"),
        ("https://169.254.169.254/latest/meta-data", "INVALID"),
        ("https://[fd00::1]/hooks", "INVALID"),
        ("https://example.com/" + "x" * 2048, "TOO_LONG"),
    ],
)
def test_refused_urls(url, code):
    with pytest.raises(DomainError) as refused:
        clean_url(url)
    assert (refused.value.code, refused.value.field) == (code, "url")


def test_topics_are_deduplicated_and_sorted():
    assert clean_topics(["order.shipped", "order.created", "order.created"]) == [
        "order.created",
        "order.shipped",
    ]


@pytest.mark.parametrize(
    ("topics", "code"),
    [([], "REQUIRED"), (None, "REQUIRED"), (["order.created", "order.eaten"], "INVALID")],
)
def test_refused_topics(topics, code):
    with pytest.raises(DomainError) as refused:
        clean_topics(topics)
    assert (refused.value.code, refused.value.field) == (code, "topics")
