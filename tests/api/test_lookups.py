"""Lookups by natural key: an order by its external reference, a product by its SKU."""

from __future__ import annotations

import pytest

from tests.api.order_documents import CREATE
from tests.factories_orders import make_order_world, order_input

BY_REFERENCE = """
query($ref: String, $client: ID, $id: ID) {
  order(externalReference: $ref, clientId: $client, id: $id) { externalReference client { code } }
}
"""
BY_SKU = """
query($sku: String, $client: ID) { product(sku: $sku, clientId: $client) { sku client { code } } }
"""


@pytest.fixture
def world(database, gql):
    world = make_order_world(database)
    for client, sku in (("A", "SKU-1"), ("B", "SKU-B")):
        made = gql(
            CREATE,
            {"input": order_input("SO-1", ((sku, 1),))},
            key=world.tenant.clients[client].key,
        )
        assert made["data"]["createOrder"]["userErrors"] == []
    return world


def _code(result: dict) -> str:
    assert result["data"] == {"order": None}, result
    return result["errors"][0]["extensions"]["code"]


def test_a_client_finds_its_own_order_by_reference_without_naming_itself(gql, world):
    # when
    found = gql(BY_REFERENCE, {"ref": "SO-1"}, key=world.tenant.clients["B"].key)
    # then
    assert found["data"]["order"] == {"externalReference": "SO-1", "client": {"code": "B"}}


def test_a_provider_names_the_client_when_the_reference_is_shared(gql, world):
    # given
    a = world.tenant.clients["A"]
    # when
    named = gql(BY_REFERENCE, {"ref": "SO-1", "client": a.global_id}, key=world.tenant.key)
    unnamed = gql(BY_REFERENCE, {"ref": "SO-1"}, key=world.tenant.key)
    # then
    assert named["data"]["order"]["client"] == {"code": "A"}
    assert _code(unnamed) == "BAD_USER_INPUT"


def test_a_client_cannot_reach_another_clients_order_by_reference(gql, world):
    # given
    b = world.tenant.clients["B"]
    # when
    found = gql(
        BY_REFERENCE, {"ref": "SO-1", "client": b.global_id}, key=world.tenant.clients["A"].key
    )
    missing = gql(BY_REFERENCE, {"ref": "SO-404"}, key=world.tenant.clients["A"].key)
    # then
    assert found["data"]["order"] is None
    assert missing["data"]["order"] is None


@pytest.mark.parametrize("variables", [{}, {"ref": "SO-1", "id": "T3JkZXI6MQ=="}])
def test_an_order_lookup_takes_id_or_reference_not_both_nor_neither(gql, world, variables):
    assert _code(gql(BY_REFERENCE, variables, key=world.tenant.key)) == "BAD_USER_INPUT"


def test_products_are_found_by_sku_per_client(gql, world):
    # given
    a, b = world.tenant.clients["A"], world.tenant.clients["B"]
    # when
    own = gql(BY_SKU, {"sku": "SKU-1"}, key=a.key)["data"]["product"]
    others = gql(BY_SKU, {"sku": "SKU-B"}, key=a.key)["data"]["product"]
    by_provider = gql(BY_SKU, {"sku": "SKU-B"}, key=world.tenant.key)["data"]["product"]
    named = gql(BY_SKU, {"sku": "SKU-B", "client": b.global_id}, key=world.tenant.key)
    # then
    assert own == {"sku": "SKU-1", "client": {"code": "A"}}
    assert others is None
    assert by_provider == {"sku": "SKU-B", "client": {"code": "B"}}
    assert named["data"]["product"] == by_provider
