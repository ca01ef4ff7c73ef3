"""Dispatch as deployed: `crossdock worker` processes on real Redis, killed and restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from domain.orders.models import FulfillmentStatus, OrderStatus
from domain.shipping.models import CarrierKind
from tests.conftest import TEST_SECRET_KEY
from tests.factories_orders import order_input
from tests.fakes.aggregator_server import fake_aggregator_server
from tests.shipping_factories import fake_aggregator, fault, make_shipping_world

__all__ = ["fake_aggregator", "fake_aggregator_server"]

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60.0
"""An upper bound for each wait, not a speed: CI runs beside other work on two cores."""


def start_worker(database, redis_url: str, namespace: str, **settings: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    env.update(
        CROSSDOCK_LOG_LEVEL="warning",
        CROSSDOCK_SECRET_KEYS=TEST_SECRET_KEY,
        CROSSDOCK_DATABASE_URL=database.url,
        CROSSDOCK_BROKER_URL=redis_url,
        CROSSDOCK_BROKER_NAMESPACE=namespace,
        **settings,
    )
    command = [sys.executable, "-m", "crossdock.cli", "worker", "-p", "1", "-t", "2"]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the worker and every process it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert process.poll() is None, "crossdock worker exited early"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


CREATE_ORDER = """mutation($input: CreateOrderInput!) { createOrder(input: $input) {
  order { id fulfillmentOrders { id } } userErrors { code message } } }"""
STEP = """mutation($id: ID!) { %s(input: {id: $id}) { userErrors { code } } }"""
ORDER = """query($id: ID!) { order(id: $id) { status
  fulfillmentOrders { status trackingNumber shipment { trackingNumber } } } }"""


def test_an_order_packed_through_the_api_ships_end_to_end(
    database, gql, redis_url, redis_namespace
):
    # given: client A ships with the rate-table carrier; a worker runs on Redis
    world = make_shipping_world(database)
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    ship_to = {"name": "Ada", "line1": "1 Main St", "city": "Austin", "postalCode": "78745",
               "country": "US"}  # fmt: skip
    variables = {"input": order_input("E2E-1", shipTo=ship_to,
                                      clientId=world.tenant.clients["A"].global_id)}  # fmt: skip
    worker = start_worker(database, redis_url, redis_namespace)
    try:
        # when: the order is created, picked and packed through the API
        created = gql(CREATE_ORDER, variables, key=world.tenant.key)["data"]["createOrder"]
        order_id = created["order"]["id"]
        [fo] = created["order"]["fulfillmentOrders"]
        for step in ("startPicking", "markPacked"):
            answer = gql(STEP % step, {"id": fo["id"]}, key=world.tenant.key)
            assert answer["data"][step]["userErrors"] == []

        def shipped() -> bool:
            order = gql(ORDER, {"id": order_id}, key=world.tenant.key)["data"]["order"]
            return order["status"] == "SHIPPED"

        wait_for(shipped, worker, "the order to ship")
    finally:
        kill(worker)
    # then
    order = gql(ORDER, {"id": order_id}, key=world.tenant.key)["data"]["order"]
    [fulfillment] = order["fulfillmentOrders"]
    assert fulfillment["trackingNumber"].startswith("CD")
    assert fulfillment["shipment"]["trackingNumber"] == fulfillment["trackingNumber"]


def test_a_worker_killed_while_buying_buys_once_after_restart(
    database, redis_url, redis_namespace, fake_aggregator
):
    # given: the carrier sells the label, then answers slowly
    world = make_shipping_world(database)
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    fault(fake_aggregator, count=1, delay=8, path="/v2/shipments/")
    fo_id = world.packed()
    # a dead worker's messages are recovered after 1.5 s, on every fetch (not 60 s, 0.1%)
    recovery = {
        "CROSSDOCK_REDIS_HEARTBEAT_TIMEOUT_MS": "1500",
        "CROSSDOCK_REDIS_MAINTENANCE_CHANCE": "1000000",
    }
    worker = start_worker(database, redis_url, redis_namespace, **recovery)
    try:
        # when: the worker is killed while it waits for the answer
        wait_for(lambda: fake_aggregator.fake.purchases == 1, worker, "the purchase")
    finally:
        kill(worker)
    assert world.shipments() == []
    clear_faults(fake_aggregator)
    # and restarted: Redis hands the dead worker's unacknowledged message out again
    worker = start_worker(database, redis_url, redis_namespace, **recovery)
    try:
        wait_for(lambda: len(world.shipments()) == 1, worker, "the shipment")
    finally:
        kill(worker)
    # then
    assert fake_aggregator.fake.purchases == 1
    assert fake_aggregator.fake.replays >= 1
    assert len(world.shipments()) == 1
    assert world.state(fo_id)[:2] == (FulfillmentStatus.SHIPPED, OrderStatus.SHIPPED)


def clear_faults(server) -> None:
    with server.fake.lock:
        server.fake.faults.clear()
