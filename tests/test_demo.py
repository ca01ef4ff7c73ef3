"""The README's tour, run straight from README.md on the demo data: what a newcomer pastes must work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import doc_examples
from tests.inventory_checks import assert_levels_match_ledger

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def tour_document(opening: str) -> str:
    """The README example whose document starts with `opening` (after whitespace)."""
    found = [
        e.document for e in doc_examples.examples(README) if e.document.lstrip().startswith(opening)
    ]
    assert len(found) == 1, f"the README should have one example starting {opening!r}"
    return found[0]


def test_every_graphql_block_of_the_readme_is_a_tour_example():
    assert len(doc_examples.examples(README)) == README.count("```graphql\n") >= 10


def test_the_readme_tour_works_on_the_demo_data(database, gql, demo_keys, schema):
    # when every example of the README runs in order
    answers: dict[str, Any] = {}
    doc_examples.run(README, gql, demo_keys, schema, answers)
    # then the client's order was partly backordered
    order = answers["createOrder"]["order"]
    lamp_line = next(line for line in order["lines"] if line["sku"] == "LAMP-LED")
    assert order["status"] == "PARTIALLY_ALLOCATED"
    assert (lamp_line["allocatedQuantity"], lamp_line["backorderedQuantity"]) == (4, 2)
    assert answers["node"] == {
        "id": order["id"],
        "externalReference": "SHOP-1001",
        "status": "ALLOCATED",
    }
    # and the receipt filled the backorder from a second fulfillment order
    assert answers["warehouses"]["edges"][0]["node"]["code"] == "ATL"
    received = answers["receiveInboundShipment"]["inboundShipment"]
    assert received["lines"] == [{"expectedQuantity": 50, "receivedQuantity": 48}]
    orders = gql(tour_document("{ orders("), key=demo_keys["provider"])["data"]["orders"]
    (seen,) = [edge["node"] for edge in orders["edges"]]
    assert (seen["externalReference"], seen["client"]["code"]) == ("SHOP-1001", "ACME")
    assert seen["status"] == "ALLOCATED"
    assert sorted(fo["warehouse"]["code"] for fo in seen["fulfillmentOrders"]) == ["ATL", "RNO"]
    # and the split order: the tent from RNO, the hammock from Trail Gear, which shipped it
    split = answers["split"]["order"]
    parts = sorted(
        (fo["warehouse"]["code"] if fo["warehouse"] else "-", fo["lines"][0]["product"]["sku"])
        for fo in split["fulfillmentOrders"]
    )
    assert parts == [("-", "HAMMOCK-1"), ("RNO", "TENT-2P")]
    [decision] = split["routingDecisions"]
    verdicts = {
        (line["sku"], c["source"]["code"]): c["verdict"]
        for line in decision["explanation"]["lines"]
        for c in line["candidates"]
    }
    assert verdicts[("HAMMOCK-1", "TRAIL")] == "SHORT_FALLBACK"
    assert answers["shipped"]["fulfillmentOrder"]["status"] == "SHIPPED"
    shipped = answers["order"]["fulfillmentOrders"]
    assert sorted((fo["status"], (fo["supplier"] or {}).get("code", "-")) for fo in shipped) == [
        ("ALLOCATED", "-"),
        ("SHIPPED", "TRAIL"),
    ]
    assert_levels_match_ledger(database)


def test_the_other_client_sees_none_of_it(gql, demo_keys):
    gql(tour_document("mutation {\n  createOrder("), key=demo_keys["client"])
    orders = gql(tour_document("{ orders("), key=demo_keys["other-client"])["data"]["orders"]
    assert orders["edges"] == []


BROKEN_TOURS = {
    "a field renamed in the schema": ("backorderedQuantity }", "backorderedQty }", "invalid"),
    "a variable naming an answer never given": (
        '"$createClient.client.id"',
        '"$createClient.client.uuid"',
        "no earlier answer",
    ),
    "an example run with the wrong key": (
        "<!-- example: as=client -->\n```graphql\nmutation {\n  createOrder(",
        "```graphql\nmutation {\n  createOrder(",
        "failed",
    ),
}


@pytest.mark.parametrize(
    ("old", "new", "complaint"), BROKEN_TOURS.values(), ids=BROKEN_TOURS.keys()
)
def test_a_broken_readme_example_fails(old, new, complaint, gql, demo_keys, schema):
    assert old in README
    with pytest.raises(AssertionError, match=complaint):
        doc_examples.run(README.replace(old, new, 1), gql, demo_keys, schema)
