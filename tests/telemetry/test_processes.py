"""As deployed: `crossdock serve` and `crossdock worker` as real processes on a real Redis.

Both serve ``/metrics``; a request id sent to the API is in the API's JSON log line and in
the log lines of the worker processes that ran the actors the request caused.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.api.order_documents import CREATE
from tests.factories_orders import make_order_world, order_input
from tests.serve_process import CROSSDOCK, ROOT, crossdock_env, free_port, running, stop

REQUEST_ID = "sync-job-7.run:42"
DELIVERY_S = 30.0


def scrape(url: str) -> dict[tuple[str, frozenset], float]:
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def names(series: dict[tuple[str, frozenset], float]) -> set[str]:
    return {name for name, _ in series}


def json_lines(path: Path) -> list[dict]:
    lines = []
    for line in path.read_text().splitlines():
        start = line.find("{")  # dramatiq's processes may prefix what they relay
        if start == -1:
            continue
        try:
            lines.append(json.loads(line[start:]))
        except ValueError:
            continue
    return lines


def post_order(url: str, key: str) -> dict:
    body = json.dumps({"query": CREATE, "variables": {"input": order_input("SO-77")},
                       "operationName": None}).encode()  # fmt: skip
    request = urllib.request.Request(
        f"{url}/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}",
                 "X-Request-Id": REQUEST_ID},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.headers["X-Request-Id"] == REQUEST_ID
        return json.loads(answer.read())


def test_api_and_worker_processes_expose_metrics_and_follow_the_request_id(
    database, redis_url, redis_namespace, tmp_path
):
    # given: an API and a worker on one Redis, logging JSON
    world = make_order_world(database)
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url,
        CROSSDOCK_BROKER_URL=redis_url,
        CROSSDOCK_BROKER_NAMESPACE=redis_namespace,
        CROSSDOCK_LOG_FORMAT="json",
    )
    env["CROSSDOCK_LOG_LEVEL"] = "info"
    metrics_port, api_port = free_port(), free_port()
    worker_log = tmp_path / "worker.log"
    with worker_log.open("w") as sink:
        worker = subprocess.Popen(
            [sys.executable, "-m", "crossdock.cli", "worker", "-p", "2", "-t", "2",
             "--metrics-port", str(metrics_port)],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        command = [*CROSSDOCK, "serve", "--port", str(api_port)]
        with running(command, env, tmp_path / "api.log", api_port) as api:
            # when
            answer = post_order(api.http_url, world.tenant.clients["A"].key)
            deadline = time.monotonic() + DELIVERY_S
            while not _actor_lines(worker_log) and time.monotonic() < deadline:
                assert worker.poll() is None, worker_log.read_text()
                time.sleep(0.2)
            api_series = scrape(api.http_url)
            # counted before logged: what was logged by now is in the scrape (queues run
            # in parallel, so more lines may follow it)
            logged = len(_actor_lines(worker_log))
            worker_series = scrape(f"http://127.0.0.1:{metrics_port}")
            api_lines = json_lines(api.output_path)
    finally:
        stop(worker)
    # then: the request id is in the API's line and in the lines of the actors it caused
    assert answer["data"]["createOrder"]["userErrors"] == []
    assert [line["status"] for line in api_lines
            if line.get("logger") == "crossdock.http" and line.get("request_id") == REQUEST_ID
            ] == [200]  # fmt: skip
    assert not [line for line in api_lines if line.get("logger") == "uvicorn.access"]
    caused = _actor_lines(worker_log)
    assert {line["actor"] for line in caused} >= {"deliver_event_webhooks"}
    assert all(line["outcome"] == "ok" for line in caused)
    # and the API process exposes its series
    assert {
        "crossdock_graphql_requests_total",
        "crossdock_graphql_request_duration_seconds_bucket",
        "crossdock_graphql_query_cost_bucket",
        "crossdock_http_responses_total",
        "crossdock_outbox_unpublished_events",
        "crossdock_outbox_oldest_unpublished_age_seconds",
    } <= names(api_series)
    created = ("crossdock_graphql_requests_total",
               frozenset({"operation": "anonymous", "type": "mutation", "outcome": "ok"}.items()))  # fmt: skip
    assert api_series[created] == 1
    # and the worker's endpoint sums its processes' series, with the live backlog
    assert {
        "crossdock_messages_processed_total",
        "crossdock_message_duration_seconds_bucket",
        "crossdock_queue_wait_seconds_bucket",
        "crossdock_outbox_events_published_total",
        "crossdock_queue_messages",
        "crossdock_outbox_unpublished_events",
    } <= names(worker_series)
    processed = sum(
        count for (name, labels), count in worker_series.items()
        if name == "crossdock_messages_processed_total" and ("outcome", "ok") in labels
    )  # fmt: skip
    assert processed >= logged
    ready = ("crossdock_queue_messages", frozenset({"queue": "default", "state": "ready"}.items()))
    assert ready in worker_series


def _actor_lines(worker_log: Path) -> list[dict]:
    return [
        line
        for line in json_lines(worker_log)
        if line.get("logger") == "crossdock.workers.messages"
        and line.get("request_id") == REQUEST_ID
    ]
