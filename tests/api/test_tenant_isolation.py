"""Each key sees exactly its own tenant's data; anything else answers like an unknown id."""

from __future__ import annotations

import uuid

import pytest

from persistence.base import new_id
from tenants.models import KeyKind
from tests.factories import count_rows, global_id, key_row, make_key, make_tenant

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Client { code name }
    ... on ApiKey { prefix name kind }
    ... on Provider { name }
  }
}
"""
API_KEYS = "{ apiKeys(first: 100) { edges { node { prefix kind client { code } } } } }"
REVOKE = """
mutation($id: ID!) {
  revokeApiKey(input: {id: $id}) { apiKey { prefix revokedAt } userErrors { field code message } }
}
"""
CREATE_KEY = """
mutation($kind: KeyKind!, $client: ID) {
  createApiKey(input: {name: "k", kind: $kind, clientId: $client}) {
    apiKey { prefix } plaintextKey userErrors { field code message }
  }
}
"""
CLIENTS = "{ clients { edges { node { code } } } }"


@pytest.fixture
def world(database):
    """Two providers: Northwind with clients A and B, Southwind with client C."""
    north = make_tenant(database, "Northwind", ("A", "B"))
    south = make_tenant(database, "Southwind", ("C",))
    return north, south


def supplier_key(gql, tenant) -> str:
    supplier = gql(
        'mutation { createSupplier(input: {code: "DS", name: "Drop"}) { supplier { id } } }',
        key=tenant.key,
    )["data"]["createSupplier"]["supplier"]["id"]
    return gql(
        'mutation($s: ID!) { createApiKey(input: {name: "ds", kind: SUPPLIER, supplierId: $s}) { plaintextKey } }',
        {"s": supplier},
        key=tenant.key,
    )["data"]["createApiKey"]["plaintextKey"]


def random_id(type_name: str) -> str:
    return global_id(type_name, new_id())


def assert_hidden(gql, key: str, hidden_id: str, type_name: str) -> None:
    """`hidden_id` answers exactly like a random id of the same type: no node."""
    answer = gql(NODE, {"id": hidden_id}, key=key)
    assert answer == gql(NODE, {"id": random_id(type_name)}, key=key)
    assert answer == {"data": {"node": None}}


def test_owners_fetch_their_own_nodes(database, gql, world):
    # given
    north, _ = world
    a = north.clients["A"]
    # when
    client = gql(NODE, {"id": a.global_id}, key=north.key)["data"]["node"]
    own = gql(NODE, {"id": a.global_id}, key=a.key)["data"]["node"]
    key = gql(NODE, {"id": global_id("ApiKey", key_row(database, a.key).id)}, key=north.key)[
        "data"
    ]["node"]
    provider = gql(NODE, {"id": global_id("Provider", north.provider_id)}, key=a.key)["data"]
    # then
    assert client == {"__typename": "Client", "id": a.global_id, "code": "A", "name": "Client A"}
    assert own == client
    assert key["prefix"] == key_row(database, a.key).prefix
    assert provider["node"]["name"] == "Northwind"


def test_client_key_cannot_fetch_another_client_or_its_keys(database, gql, world):
    # given
    north, _ = world
    a, b = north.clients["A"], north.clients["B"]
    b_key_id = global_id("ApiKey", key_row(database, b.key).id)
    provider_key_id = global_id("ApiKey", key_row(database, north.key).id)
    # then
    assert_hidden(gql, a.key, b.global_id, "Client")
    assert_hidden(gql, a.key, b_key_id, "ApiKey")
    assert_hidden(gql, a.key, provider_key_id, "ApiKey")


@pytest.mark.parametrize("caller", ["provider", "client"])
def test_other_providers_nodes_answer_like_unknown_ids(database, gql, world, caller):
    # given
    north, south = world
    key = north.key if caller == "provider" else north.clients["A"].key
    c = south.clients["C"]
    # then
    assert_hidden(gql, key, c.global_id, "Client")
    assert_hidden(gql, key, global_id("ApiKey", key_row(database, c.key).id), "ApiKey")
    assert_hidden(gql, key, global_id("ApiKey", key_row(database, south.key).id), "ApiKey")
    assert_hidden(gql, key, global_id("Provider", south.provider_id), "Provider")


def test_client_key_lists_only_its_own_clients_keys(database, gql, world):
    # given
    north, south = world
    a_admin = make_key(database, north, KeyKind.CLIENT, scopes=["admin"], client="A")
    make_key(database, north, KeyKind.CLIENT, client="B")
    # when
    listed = gql(API_KEYS, key=a_admin)["data"]["apiKeys"]["edges"]
    everything = gql(API_KEYS, key=north.key)["data"]["apiKeys"]["edges"]
    # then
    prefixes = {edge["node"]["prefix"] for edge in listed}
    assert prefixes == {key_row(database, k).prefix for k in (north.clients["A"].key, a_admin)}
    assert {edge["node"]["client"]["code"] for edge in listed} == {"A"}
    assert len(everything) == 5  # the provider's own key, A x2, B x2
    southern = {key_row(database, k).prefix for k in (south.key, south.clients["C"].key)}
    assert not southern & {edge["node"]["prefix"] for edge in everything}


def test_revoking_another_tenants_key_answers_like_an_unknown_id(database, gql, world):
    # given
    north, south = world
    a_admin = make_key(database, north, KeyKind.CLIENT, scopes=["admin"], client="A")
    victims = [south.key, south.clients["C"].key, north.clients["B"].key, north.key]
    # when / then
    for caller in (north.key, a_admin):
        unknown = gql(REVOKE, {"id": random_id("ApiKey")}, key=caller)
        assert unknown == {
            "data": {
                "revokeApiKey": {
                    "apiKey": None,
                    "userErrors": [
                        {"field": ["id"], "code": "NOT_FOUND", "message": "No such API key."}
                    ],
                }
            }
        }
        for victim in victims:
            if caller == north.key and victim in (north.key, north.clients["B"].key):
                continue  # the provider may revoke its own keys
            victim_id = global_id("ApiKey", key_row(database, victim).id)
            assert gql(REVOKE, {"id": victim_id}, key=caller) == unknown
    # then
    for victim in victims:
        assert key_row(database, victim).revoked_at is None
    assert gql("{ viewer { kind } }", key=south.key)["data"]["viewer"] == {"kind": "PROVIDER"}


def test_client_key_cannot_revoke_a_key_of_another_client(database, gql, world):
    # given
    north, _ = world
    a_admin = make_key(database, north, KeyKind.CLIENT, scopes=["admin"], client="A")
    b_key = key_row(database, north.clients["B"].key)
    # when
    answer = gql(REVOKE, {"id": global_id("ApiKey", b_key.id)}, key=a_admin)
    # then
    assert answer["data"]["revokeApiKey"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert key_row(database, north.clients["B"].key).revoked_at is None


def test_creating_a_key_for_another_providers_client_answers_like_an_unknown_id(
    database, gql, world
):
    # given
    north, south = world
    keys_before = count_rows(database, "api_keys")
    # when
    foreign = gql(
        CREATE_KEY, {"kind": "CLIENT", "client": south.clients["C"].global_id}, key=north.key
    )
    unknown = gql(CREATE_KEY, {"kind": "CLIENT", "client": random_id("Client")}, key=north.key)
    # then
    assert foreign == unknown
    assert foreign["data"]["createApiKey"] == {
        "apiKey": None,
        "plaintextKey": None,
        "userErrors": [{"field": ["clientId"], "code": "NOT_FOUND", "message": "No such client."}],
    }
    assert count_rows(database, "api_keys") == keys_before


def test_client_key_cannot_create_a_key_for_another_client(database, gql, world):
    # given
    north, south = world
    a_admin = make_key(database, north, KeyKind.CLIENT, scopes=["admin"], client="A")
    keys_before = count_rows(database, "api_keys")
    # when
    for_b = gql(CREATE_KEY, {"kind": "CLIENT", "client": north.clients["B"].global_id}, key=a_admin)
    for_c = gql(CREATE_KEY, {"kind": "CLIENT", "client": south.clients["C"].global_id}, key=a_admin)
    unknown = gql(CREATE_KEY, {"kind": "CLIENT", "client": random_id("Client")}, key=a_admin)
    # then
    assert for_b == for_c == unknown
    assert unknown["data"]["createApiKey"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert count_rows(database, "api_keys") == keys_before


def test_client_key_creates_keys_only_for_its_own_client(database, gql, world):
    # given
    north, _ = world
    a_admin = make_key(database, north, KeyKind.CLIENT, scopes=["admin"], client="A")
    # when
    created = gql(CREATE_KEY, {"kind": "CLIENT"}, key=a_admin)["data"]["createApiKey"]
    # then
    assert created["userErrors"] == []
    viewer = gql("{ viewer { kind client { code } } }", key=created["plaintextKey"])
    assert viewer["data"]["viewer"] == {"kind": "CLIENT", "client": {"code": "A"}}


def test_client_key_cannot_create_a_provider_key(database, gql, world):
    # given
    north, _ = world
    a_admin = make_key(database, north, KeyKind.CLIENT, scopes=["admin"], client="A")
    keys_before = count_rows(database, "api_keys")
    # when
    answer = gql(CREATE_KEY, {"kind": "PROVIDER"}, key=a_admin)
    # then
    assert answer["data"]["createApiKey"]["plaintextKey"] is None
    assert [e["code"] for e in answer["data"]["createApiKey"]["userErrors"]] == ["FORBIDDEN"]
    assert count_rows(database, "api_keys") == keys_before


def test_supplier_key_sees_no_clients(database, gql, world):
    # given
    north, _ = world
    key = supplier_key(gql, north)
    # when
    listed = gql(CLIENTS, key=key)
    # then
    assert listed["data"] is None
    assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert_hidden(gql, key, north.clients["A"].global_id, "Client")
    assert gql("{ viewer { client { code } } }", key=key)["data"]["viewer"] == {"client": None}


def test_random_ids_of_every_type_answer_alike(database, gql, world):
    # given
    north, _ = world
    # when
    answers = [
        gql(NODE, {"id": global_id(t, uuid.uuid4())}, key=north.key)
        for t in ("Client", "ApiKey", "Provider", "Supplier")
    ]
    # then
    assert answers == [{"data": {"node": None}}] * 4
