"""Orders over GraphQL: create (idempotently), list, hold, cancel and fulfil."""

from __future__ import annotations

import pytest

from tests.api.order_documents import (
    CANCEL,
    CREATE,
    ORDER,
    PLACE_HOLD,
    RELEASE_HOLD,
    SHIP,
    step,
)
from tests.factories import count_rows, dotted
from tests.factories_orders import (
    ORDER_TABLES,
    levels_match_ledger,
    make_order_world,
    order_input,
)


@pytest.fixture
def world(database):
    return make_order_world(database)


def create(gql, key: str, **input_changes) -> dict:
    reference = input_changes.pop("reference", "SO-1")
    lines = input_changes.pop("lines", (("SKU-1", 2),))
    return gql(CREATE, {"input": order_input(reference, lines, **input_changes)}, key=key)["data"][
        "createOrder"
    ]


def written(database) -> dict[str, int]:
    return {table: count_rows(database, table) for table in ORDER_TABLES}


def test_client_creates_an_order_that_is_allocated_at_once(database, gql, world):
    # when
    result = create(gql, world.tenant.clients["A"].key, lines=(("SKU-1", 2), ("SKU-2", 5)))
    # then
    assert result["userErrors"] == []
    order = result["order"]
    assert (result["created"], order["status"], order["client"]) == (
        True,
        "PARTIALLY_ALLOCATED",
        {"code": "A"},
    )
    assert [
        (
            line["sku"],
            line["allocatedQuantity"],
            line["backorderedQuantity"],
            line["product"]["sku"],
        )
        for line in order["lines"]
    ] == [("SKU-1", 2, 0, "SKU-1"), ("SKU-2", 3, 2, "SKU-2")]
    assert sorted(
        (fo["warehouse"]["code"], fo["status"], fo["lines"][0]["quantity"])
        for fo in order["fulfillmentOrders"]
    ) == [("WH-A", "ALLOCATED", 2), ("WH-B", "ALLOCATED", 3)]
    assert gql(ORDER, {"id": order["id"]}, key=world.tenant.key)["data"]["order"] == order
    assert levels_match_ledger(database)


def test_provider_creates_for_a_named_client_and_must_name_one(database, gql, world):
    made = create(gql, world.tenant.key, clientId=world.tenant.clients["A"].global_id)
    assert made["order"]["client"] == {"code": "A"}
    refused = create(gql, world.tenant.key, reference="SO-2")
    assert refused == {
        "created": None,
        "order": None,
        "userErrors": [
            {
                "field": ["clientId"],
                "code": "REQUIRED",
                "message": "Name the client the order is for.",
            }
        ],
    }


def test_sending_the_same_order_again_returns_it_and_writes_nothing(database, gql, world):
    # given
    key = world.tenant.clients["A"].key
    first = create(gql, key)
    before = written(database)
    # when
    again = [create(gql, key) for _ in range(3)]
    # then
    assert {a["order"]["id"] for a in again} == {first["order"]["id"]}
    assert {a["created"] for a in again} == {False}
    assert written(database) == before


def test_the_same_reference_with_other_content_is_refused_and_writes_nothing(database, gql, world):
    key = world.tenant.clients["A"].key
    create(gql, key)
    before = written(database)
    refused = create(gql, key, lines=(("SKU-1", 3),))
    assert refused["order"] is None
    assert [(dotted(e["field"]), e["code"]) for e in refused["userErrors"]] == [
        ("externalReference", "IDEMPOTENCY_CONFLICT")
    ]
    assert written(database) == before


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"lines": (("NOPE", 1),)}, "lines.0.sku", "NOT_FOUND"),
        ({"lines": (("SKU-B", 1),)}, "lines.0.sku", "NOT_FOUND"),
        ({"lines": (("SKU-1", 1), ("SKU-2", 0))}, "lines.1.quantity", "NOT_POSITIVE"),
        ({"lines": (("SKU-1", 1), ("SKU-1", 1))}, "lines.1.sku", "DUPLICATE"),
        ({"lines": tuple((f"S-{i}", 1) for i in range(101))}, "lines", "TOO_MANY_LINES"),
        ({"reference": " "}, "externalReference", "REQUIRED"),
        ({"reference": "x" * 65}, "externalReference", "TOO_LONG"),
        (
            {"shipTo": {"name": "", "line1": "l", "city": "c", "postalCode": "p", "country": "DE"}},
            "shipTo.name",
            "REQUIRED",
        ),
        (
            {
                "shipTo": {
                    "name": "n",
                    "line1": "l",
                    "city": "c",
                    "postalCode": "p",
                    "country": "Germany",
                }
            },
            "shipTo.country",
            "INVALID",
        ),
    ],
)
def test_invalid_orders_come_back_as_user_errors_and_write_nothing(
    database, gql, world, changes, field, code
):
    # given
    before = written(database)
    # when
    refused = create(gql, world.tenant.clients["A"].key, **changes)
    # then
    assert refused["order"] is None
    assert [(dotted(e["field"]), e["code"]) for e in refused["userErrors"]] == [(field, code)]
    assert written(database) == before


def test_an_order_is_fulfilled_step_by_step(database, gql, world):
    # given
    order = create(gql, world.tenant.clients["A"].key)["order"]
    fo = order["fulfillmentOrders"][0]["id"]
    key = world.tenant.key
    # when / then
    assert gql(step("startPicking"), {"id": fo}, key=key)["data"]["startPicking"]["order"] == {
        "status": "PICKING"
    }
    assert gql(step("markPacked"), {"id": fo}, key=key)["data"]["markPacked"]["order"] == {
        "status": "PACKED"
    }
    shipped = gql(SHIP, {"id": fo, "carrier": "DHL", "tracking": "JJD00"}, key=key)["data"][
        "markShipped"
    ]
    assert shipped["fulfillmentOrder"]["trackingNumber"] == "JJD00"
    assert shipped["order"] == {"status": "SHIPPED"}
    delivered = gql(step("markDelivered"), {"id": fo}, key=key)["data"]["markDelivered"]
    assert delivered["order"] == {"status": "DELIVERED"}
    assert levels_match_ledger(database)


def test_an_illegal_step_is_a_user_error_naming_the_current_state(database, gql, world):
    order = create(gql, world.tenant.clients["A"].key)["order"]
    fo = order["fulfillmentOrders"][0]["id"]
    refused = gql(step("markPacked"), {"id": fo}, key=world.tenant.key)["data"]["markPacked"]
    assert refused["fulfillmentOrder"] is None
    [error] = refused["userErrors"]
    assert error["code"] == "ILLEGAL_TRANSITION"
    assert "ALLOCATED" in error["message"]


def test_clients_cannot_run_fulfilment_steps_of_the_providers_warehouses(database, gql, world):
    # (a client runs them only at its own merchant locations: tests/api/test_routing_hybrid.py)
    order = create(gql, world.tenant.clients["A"].key)["order"]
    fo = order["fulfillmentOrders"][0]["id"]
    result = gql(step("startPicking"), {"id": fo}, key=world.tenant.clients["A"].key)
    refused = result["data"]["startPicking"]
    assert refused["fulfillmentOrder"] is None
    assert refused["userErrors"][0]["code"] == "FORBIDDEN"


def test_a_hold_blocks_picking_until_released(database, gql, world):
    # given
    client_key = world.tenant.clients["A"].key
    order = create(gql, client_key)["order"]
    fo = order["fulfillmentOrders"][0]["id"]
    # when
    held = gql(
        PLACE_HOLD,
        {"order": order["id"], "reason": "CLIENT_REQUEST", "note": "wait"},
        key=client_key,
    )["data"]["placeOrderHold"]
    blocked = gql(step("startPicking"), {"id": fo}, key=world.tenant.key)["data"]["startPicking"]
    released = gql(RELEASE_HOLD, {"id": held["hold"]["id"]}, key=client_key)["data"][
        "releaseOrderHold"
    ]
    picking = gql(step("startPicking"), {"id": fo}, key=world.tenant.key)["data"]["startPicking"]
    # then
    assert held["order"] == {"status": "ON_HOLD"}
    assert held["hold"]["placedBy"].startswith("key:")
    assert [e["code"] for e in blocked["userErrors"]] == ["ILLEGAL_TRANSITION"]
    assert "ON_HOLD" in blocked["userErrors"][0]["message"]
    assert released["order"] == {"status": "ALLOCATED"}
    assert released["hold"]["releasedAt"] is not None
    assert picking["order"] == {"status": "PICKING"}
    holds = gql(ORDER, {"id": order["id"]}, key=client_key)["data"]["order"]["holds"]
    assert [(h["reason"], h["note"]) for h in holds] == [("CLIENT_REQUEST", "wait")]


def test_a_client_may_hold_only_for_its_own_request(database, gql, world):
    order = create(gql, world.tenant.clients["A"].key)["order"]
    before = written(database)
    refused = gql(
        PLACE_HOLD,
        {"order": order["id"], "reason": "FRAUD_RISK"},
        key=world.tenant.clients["A"].key,
    )
    assert refused["data"]["placeOrderHold"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert written(database) == before


def test_cancel_releases_stock_and_is_refused_after_shipping(database, gql, world):
    # given
    key = world.tenant.clients["A"].key
    first = create(gql, key)["order"]
    second = create(gql, key, reference="SO-2")["order"]
    fo = second["fulfillmentOrders"][0]["id"]
    for name in ("startPicking", "markPacked"):
        gql(step(name), {"id": fo}, key=world.tenant.key)
    gql(SHIP, {"id": fo, "carrier": "UPS", "tracking": "1Z"}, key=world.tenant.key)
    # when
    cancelled = gql(CANCEL, {"id": first["id"]}, key=key)["data"]["cancelOrder"]
    before = written(database)
    refused = gql(CANCEL, {"id": second["id"]}, key=key)["data"]["cancelOrder"]
    # then
    assert cancelled["order"] == {
        "status": "CANCELLED",
        "lines": [{"allocatedQuantity": 0, "backorderedQuantity": 0}],
    }
    assert refused["order"] is None
    assert refused["userErrors"][0]["code"] == "ILLEGAL_TRANSITION"
    assert "SHIPPED" in refused["userErrors"][0]["message"]
    assert written(database) == before
    assert levels_match_ledger(database)
