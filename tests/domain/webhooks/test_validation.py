"""Endpoint URLs must be https to public hosts (unless the deployment allows private ones)."""

from __future__ import annotations

import pytest

from domain.errors import DomainError
from domain.webhooks.validation import clean_topics, clean_url


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/crossdock",
        "https://hooks.example.com:8443/x?y=1",
        "https://8.8.8.8/hooks",
    ],
)
def test_acceptable_urls(url):
    assert clean_url(f"  {url} ") == url


LOCAL_URLS = [
    "http://127.0.0.1:9000/hooks",
    "https://127.0.0.1/hooks",
    "http://localhost/hooks",
    "https://LOCALHOST./hooks",
    "https://api.localhost/hooks",
    "https://[::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://2130706433/hooks",
    "https://0x7f000001/hooks",
    "https://127.1/hooks",
    "https://0/hooks",
    "https://10.0.0.5/hooks",
    "http://192.168.1.20:8080/hooks",
]


@pytest.mark.parametrize("url", LOCAL_URLS)
def test_loopback_and_private_hosts_are_refused_by_default(url):
    with pytest.raises(DomainError) as refused:
        clean_url(url)
    assert (refused.value.code, refused.value.field) == ("INVALID", "url")


@pytest.mark.parametrize("url", LOCAL_URLS)
def test_a_deployment_may_allow_private_hosts(url):
    assert clean_url(url, allow_private=True) == url


def test_allowing_private_hosts_still_wants_https_to_public_ones():
    with pytest.raises(DomainError):
        clean_url("http://hooks.example.com/x", allow_private=True)


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
