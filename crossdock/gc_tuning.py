"""Garbage-collector settings for long-running server processes.

A GraphQL answer allocates thousands of short-lived objects; with CPython's default
thresholds the cyclic collector runs every few hundred allocations and re-scans the
whole application (schema, models, SQLAlchemy metadata) each time. Freezing what
start-up built and collecting the young generation less often halved the latency of
a 50-order page in our measurements (see README, Benchmarks).

Measured again (2026-12-01, the 50-order benchmark page, collector CPU per request from
`gc.callbacks` and thread time): with the default threshold of 700, 8.9 collections and
6.0 ms per request; 10,000: 0.5 and 3.9 ms; 50,000: 0.09 and 3.1 ms; 200,000: 0.03 and
2.8 ms. Most of that was the request's rows kept alive by graphql-core's self-referencing
execution context until a collection; since the context lets go of them when the request
ends (api/context.py, `release`), the young generation holds ~440 cyclic objects per
request instead of ~4,600, and the collector costs 2.0 ms at 700, 0.3 ms at 10,000 and
at 50,000 (0.01 collections per request). 50,000 keeps the collector under 1 % of a page.
"""

from __future__ import annotations

import gc

YOUNG_GENERATION_THRESHOLD = 50_000


def tune_for_serving() -> None:
    """Move start-up objects out of the collector's sight and collect less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
