"""Change cursors: a sync that reads every committed change once, in order, none skipped."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from crossdock.app import create_app
from domain.orders.models import Order, OrderStatus
from persistence.base import utcnow
from tests.api.order_documents import CREATE, PLACE_HOLD
from tests.conftest import GraphQLClient
from tests.factories_orders import make_order_world, order_input

CHANGES = """
query($after: String, $first: Int, $filter: OrderFilterInput) {
  orders(changesAfter: $after, first: $first, filter: $filter) {
    edges { cursor node { externalReference status } }
    pageInfo { hasNextPage }
    changeCursor
  }
}
"""


CATCH_UP_S = 20.0
"""On PostgreSQL a change waits for every older transaction of the server to end; other
tests' transactions may run meanwhile, so a reader expecting changes polls for them."""


def sync(gql, key: str, cursor: str, first: int = 2, **variables) -> tuple[list[str], str]:
    """Read changes until none is left for now; the references read (in order), the cursor."""
    seen: list[str] = []
    while True:
        answer = gql(CHANGES, {"after": cursor, "first": first, **variables}, key=key)
        assert "errors" not in answer, answer
        page = answer["data"]["orders"]
        seen += [edge["node"]["externalReference"] for edge in page["edges"]]
        cursor = page["changeCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            return seen, cursor


def sync_until(gql, key: str, cursor: str, count: int, **variables) -> tuple[list[str], str]:
    """Read changes until `count` were read (or the time is up)."""
    seen: list[str] = []
    deadline = time.monotonic() + CATCH_UP_S
    while len(seen) < count and time.monotonic() < deadline:
        more, cursor = sync(gql, key, cursor, **variables)
        seen += more
        if len(seen) < count:
            time.sleep(0.05)
    return seen, cursor


def place_orders(gql, key: str, *references: str) -> dict[str, str]:
    ids = {}
    for reference in references:
        answer = gql(CREATE, {"input": order_input(reference, lines=(("SKU-1", 1),))}, key=key)
        ids[reference] = answer["data"]["createOrder"]["order"]["id"]
    return ids


def test_a_sync_reads_every_order_then_only_what_changed(database, gql):
    # given five orders
    world = make_order_world(database)
    client_key = world.tenant.clients["A"].key
    ids = place_orders(gql, client_key, "SO-1", "SO-2", "SO-3", "SO-4", "SO-5")
    # when: a first sync from the beginning, in pages of two
    first, cursor = sync_until(gql, world.tenant.key, "", 5)
    # then: each order once, in the order they were written
    assert first == ["SO-1", "SO-2", "SO-3", "SO-4", "SO-5"]
    # when nothing changed, nothing is read again
    again, cursor = sync(gql, world.tenant.key, cursor)
    assert again == []
    # when two orders change, oldest change first
    for reference in ("SO-4", "SO-2"):
        held = gql(
            PLACE_HOLD, {"order": ids[reference], "reason": "FRAUD_RISK"}, key=world.tenant.key
        )
        assert held["data"]["placeOrderHold"]["userErrors"] == []
    changed, _ = sync_until(gql, world.tenant.key, cursor, 2)
    # then only they are read, in the order of their changes
    assert changed == ["SO-4", "SO-2"]


def test_a_client_key_reads_only_its_clients_changes(database, gql):
    world = make_order_world(database)
    place_orders(gql, world.tenant.clients["A"].key, "A-1")
    provider, _ = sync_until(gql, world.tenant.key, "", 1, filter={"status": ["ALLOCATED"]})
    b_only, _ = sync(gql, world.tenant.clients["B"].key, "")
    assert (b_only, provider) == ([], ["A-1"])


def test_the_first_page_of_a_full_sync_gives_the_cursor_to_follow_changes_from(database, gql):
    # given an order, listed the ordinary way with its change cursor
    world = make_order_world(database)
    ids = place_orders(gql, world.tenant.clients["A"].key, "SO-1", "SO-2")
    listed = gql(
        "{ orders(first: 1) { edges { node { id } } changeCursor } }", key=world.tenant.key
    )
    cursor = listed["data"]["orders"]["changeCursor"]
    # when an order changes afterwards
    gql(PLACE_HOLD, {"order": ids["SO-1"], "reason": "OTHER"}, key=world.tenant.key)
    # then the feed from that cursor holds that change (and may repeat a change made just
    # before the list was read, while another transaction of the server was open: at least
    # once, never skipped)
    seen, _ = sync_until(gql, world.tenant.key, cursor, 1)
    assert seen[-1] == "SO-1"
    assert set(seen) <= {"SO-1", "SO-2"}


def test_bad_change_cursors_and_mixed_arguments_are_refused(database, gql):
    world = make_order_world(database)
    bad = gql(CHANGES, {"after": "bm9wZQ=="}, key=world.tenant.key)
    mixed = gql(
        '{ orders(changesAfter: "", sort: {field: CREATED_AT}) { changeCursor } }',
        key=world.tenant.key,
    )
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    assert mixed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.fixture
def postgres_gql(postgres_database) -> Iterator[GraphQLClient]:
    with TestClient(create_app(postgres_database.settings(), background=False)) as http:
        yield GraphQLClient(http)


def test_a_transaction_held_open_across_a_sync_loses_no_change(postgres_database, postgres_gql):
    # given two synced orders
    database, gql = postgres_database, postgres_gql
    world = make_order_world(database)
    ids = place_orders(gql, world.tenant.clients["A"].key, "SLOW", "FAST")
    _, cursor = sync_until(gql, world.tenant.key, "", 2)
    slow_id, fast_id = (_row_id(ids[reference]) for reference in ("SLOW", "FAST"))
    # when a long transaction changes SLOW first and stays open, while FAST changes and commits
    slow = database.session(world.tenant.provider_id)
    try:
        _hold(slow, slow_id)
        with database.session(world.tenant.provider_id) as fast:
            _hold(fast, fast_id)
            fast.commit()
        during, cursor = sync(gql, world.tenant.key, cursor)
        slow.commit()
    finally:
        slow.close()
    # then: the sync during the open transaction read nothing past it (FAST waits for SLOW)
    assert "SLOW" not in during
    # and once it committed, both arrive, each once: nothing was skipped
    after, _ = sync_until(gql, world.tenant.key, cursor, 2 - len(during))
    assert sorted(during + after) == ["FAST", "SLOW"]


def _hold(session, order_id) -> None:
    session.execute(
        update(Order)
        .where(Order.id == order_id)
        .values(status=OrderStatus.ON_HOLD, updated_at=utcnow())
    )


def _row_id(global_id: str):
    import base64
    import uuid

    return uuid.UUID(base64.b64decode(global_id).decode().split(":", 1)[1])
