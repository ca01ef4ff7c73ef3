"""A running loopback receiver for the webhook domain tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    """A receiver that verifies signatures; the test sets its secret."""
    with WebhookReceiver() as running:
        yield running
