"""checkOrders: the dry run of createOrder behind a CSV import; it never writes."""

from __future__ import annotations

from tests.api.order_documents import CREATE
from tests.factories import count_rows
from tests.factories_orders import ORDER_TABLES, make_order_world, order_input

CHECK = """
query($orders: [CreateOrderInput!]!) {
  checkOrders(orders: $orders) {
    index externalReference outcome userErrors { field code message } } }
"""


def written(database) -> dict[str, int]:
    return {table: count_rows(database, table) for table in ORDER_TABLES}


def test_each_order_gets_the_answer_create_order_would_give_and_nothing_is_written(database, gql):
    # given one order already created, and a batch around it
    world = make_order_world(database)
    key = world.tenant.clients["A"].key
    for reference in ("SO-1", "SO-9"):
        made = gql(CREATE, {"input": order_input(reference)}, key=key)["data"]["createOrder"]
        assert made["userErrors"] == []
    before = written(database)
    batch = [
        order_input("SO-1"),  # the same order again
        order_input("SO-2", (("SKU-1", 1), ("SKU-2", 1))),
        order_input("SO-3", (("NOPE", 1),)),
        order_input("SO-9", (("SKU-2", 9),)),  # an existing reference, other content
        order_input("SO-4", (("SKU-1", 0),)),
        order_input("SO-2"),  # twice in one batch
        order_input("SO-5", shipTo={**order_input()["shipTo"], "country": "Britain"}),
    ]
    # when
    answer = gql(CHECK, {"orders": batch}, key=key)
    # then
    checks = answer["data"]["checkOrders"]
    assert [(c["index"], c["externalReference"], c["outcome"]) for c in checks] == [
        (0, "SO-1", "EXISTING"),
        (1, "SO-2", "NEW"),
        (2, "SO-3", "INVALID"),
        (3, "SO-9", "INVALID"),
        (4, "SO-4", "INVALID"),
        (5, "SO-2", "INVALID"),
        (6, "SO-5", "INVALID"),
    ]
    assert [(e["field"], e["code"]) for c in checks[2:] for e in c["userErrors"]] == [
        (["lines", "0", "sku"], "NOT_FOUND"),
        (["externalReference"], "IDEMPOTENCY_CONFLICT"),
        (["lines", "0", "quantity"], "NOT_POSITIVE"),
        (["externalReference"], "DUPLICATE"),
        (["shipTo", "country"], "INVALID"),
    ]
    assert checks[0]["userErrors"] == checks[1]["userErrors"] == []
    assert written(database) == before


def test_another_clients_skus_and_ids_answer_as_unknown(database, gql):
    world = make_order_world(database)
    key = world.tenant.clients["A"].key

    checks = gql(
        CHECK,
        {
            "orders": [
                order_input("SO-1", (("SKU-B", 1),)),
                order_input("SO-2", clientId=world.tenant.clients["B"].global_id),
            ]
        },
        key=key,
    )["data"]["checkOrders"]

    assert [(c["outcome"], c["userErrors"][0]["code"]) for c in checks] == [
        ("INVALID", "NOT_FOUND"),
        ("INVALID", "NOT_FOUND"),
    ]


def test_a_provider_names_the_client_of_each_order(database, gql):
    world = make_order_world(database)

    checks = gql(
        CHECK,
        {
            "orders": [
                order_input("SO-1", clientId=world.tenant.clients["A"].global_id),
                order_input("SO-2"),
            ]
        },
        key=world.tenant.key,
    )["data"]["checkOrders"]

    assert [(c["outcome"], [e["field"] for e in c["userErrors"]]) for c in checks] == [
        ("NEW", []),
        ("INVALID", [["clientId"]]),
    ]


def test_more_than_five_hundred_orders_are_refused_whole(database, gql):
    world = make_order_world(database)

    answer = gql(
        CHECK,
        {"orders": [order_input(f"SO-{n}") for n in range(501)]},
        key=world.tenant.clients["A"].key,
    )

    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "at most 500" in answer["errors"][0]["message"]
