"""Retry timing and how one HTTP answer is judged: pure, with a mock transport (no network)."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

import httpx

from adapters.webhooks import HttpWebhookTransport
from domain.webhooks.delivery import BASE_DELAY, JITTER, MAX_DELAY, backoff, send
from domain.webhooks.models import WebhookDelivery, WebhookEndpoint
from domain.webhooks.signing import verify
from persistence.base import utcnow


def test_backoff_doubles_from_thirty_seconds_and_is_capped():
    class NoJitter(random.Random):
        def random(self) -> float:
            return 0.0

    waits = [backoff(n, NoJitter()) for n in range(1, 12)]
    assert waits[:4] == [BASE_DELAY, BASE_DELAY * 2, BASE_DELAY * 4, BASE_DELAY * 8]
    assert max(waits) == MAX_DELAY
    assert waits == sorted(waits)


def test_jitter_only_shortens_and_by_at_most_its_fraction():
    rng = random.Random(7)
    waits = {backoff(3, rng) for _ in range(200)}
    assert len(waits) > 100
    assert all(BASE_DELAY * 4 * (1 - JITTER) <= wait <= BASE_DELAY * 4 for wait in waits)


def _pair() -> tuple[WebhookDelivery, WebhookEndpoint]:
    endpoint = WebhookEndpoint(id=uuid.uuid4(), url="https://hooks.example.com/x", secret="s")
    delivery = WebhookDelivery(
        id=uuid.uuid4(),
        message_id="msg_1",
        topic="order.created",
        payload={"a": 1},
        occurred_at=utcnow() - timedelta(seconds=5),
    )
    return delivery, endpoint


def over(answer) -> HttpWebhookTransport:
    """The HTTP transport, its requests answered in-process by `answer`."""
    return HttpWebhookTransport(httpx.Client(transport=httpx.MockTransport(answer)))


def test_a_2xx_succeeds_and_the_request_is_signed_json():
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    delivery, endpoint = _pair()
    outcome = send(delivery, endpoint, over(answer))
    assert outcome.succeeded
    assert verify("s", seen[0].headers, seen[0].content) == "msg_1"
    assert seen[0].headers["content-type"] == "application/json"


def test_an_error_status_or_no_answer_fails_with_a_reason():
    delivery, endpoint = _pair()
    refused = over(lambda r: httpx.Response(503))
    outcome = send(delivery, endpoint, refused)
    assert (outcome.succeeded, outcome.status_code, outcome.error) == (False, 503, "HTTP 503")

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    outcome = send(delivery, endpoint, over(unreachable))
    assert outcome.status_code is None
    assert outcome.error.startswith("ConnectError")
