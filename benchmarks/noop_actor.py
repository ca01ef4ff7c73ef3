"""The trivial actor of the background benchmark's baseline: what a worker costs without work.

python -m dramatiq benchmarks.noop_actor -p N -t 4   (CROSSDOCK_BROKER_URL, _NAMESPACE set)
"""

from __future__ import annotations

import os

import dramatiq

from crossdock.broker import make_broker

dramatiq.set_broker(
    make_broker(
        os.environ["CROSSDOCK_BROKER_URL"], namespace=os.environ["CROSSDOCK_BROKER_NAMESPACE"]
    )
)

ACTOR_NAME = "bench_noop"


@dramatiq.actor(actor_name=ACTOR_NAME)
def bench_noop(provider_id: str, event_id: str) -> None:
    """Take the relay's message shape and do nothing."""
