"""Channel connections through the API: validation, secrets never shown, checks, resync,
and isolation of every channel type by list, node and mutation."""

from __future__ import annotations

import logging

import pytest

from domain.channels.adapter import PermanentChannelError
from domain.outbox.events import Topic
from services.channel_imports import poll_connection
from tests.channel_factories import ChannelWorld, channel_world, row_id
from tests.factories import global_id, make_tenant

__all__ = ["channel_world"]

CONNECTION_FIELDS = """id kind name shopUrl shopName locationId webhookPath importOrders
  syncFulfillments syncInventory cursor lastPolledAt lastImportAt lagSeconds lastError
  lastErrorAt createdAt updatedAt client { code } warehouse { code }
  counts { imported held failed stockPending shipmentsReported stockPushes }"""
NODE_QUERY = (
    "query($id: ID!) { node(id: $id) { ... on ChannelConnection { " + CONNECTION_FIELDS + " } } }"
)
LISTS = """{ channelConnections { edges { node { id } } }
  channelSkuMappings { edges { node { id } } }
  channelOrders { edges { node { id } } } }"""
NODE = """query($id: ID!) { node(id: $id) { id } }"""
UPDATE = """mutation($input: UpdateChannelConnectionInput!) { updateChannelConnection(input: $input) {
  channelConnection { id name syncInventory } userErrors { field code message } } }"""
CHECK = """mutation($id: ID!) { checkChannelConnection(input: {id: $id}) {
  reachable message details { name value } channelConnection { shopName lastError }
  userErrors { field code } } }"""
RESYNC = """mutation($input: ResyncChannelInput!) { resyncChannel(input: $input) {
  channelConnection { cursor counts { stockPending } } userErrors { field code } } }"""
MAP = """mutation($input: SetChannelSkuMappingInput!) { setChannelSkuMapping(input: $input) {
  channelSkuMapping { id channelSku } userErrors { field code } } }"""
UNMAP = """mutation($id: ID!) { deleteChannelSkuMapping(input: {id: $id}) {
  deletedId userErrors { field code } } }"""


def setup(world: ChannelWorld) -> dict[str, str]:
    """A's connection, one mapping and one imported channel order: their ids."""
    made = world.connect()
    assert made["userErrors"] == []
    connection = made["channelConnection"]
    mapping = world.gql(
        MAP,
        {"input": {"connectionId": connection["id"], "channelSku": "SHOP-1",
                   "productId": global_id("Product", world.products["SKU-1"])}},
        key=world.tenant.key,
    )["data"]["setChannelSkuMapping"]["channelSkuMapping"]  # fmt: skip
    order = world.shop.place_order([("SHOP-1", 1)])
    world.post_webhook(connection["webhookPath"], *world.shop.webhook(order, made["webhookSecret"]))
    channel_order = world.gql(
        "{ channelOrders { edges { node { id status order { status lines { sku } } } } } }",
        key=world.tenant.key,
    )["data"]["channelOrders"]["edges"][0]["node"]
    assert channel_order["status"] == "IMPORTED"
    assert channel_order["order"] == {"status": "ALLOCATED", "lines": [{"sku": "SKU-1"}]}
    return {"connection": connection["id"], "mapping": mapping["id"], "order": channel_order["id"]}


def test_a_connection_shows_its_state_but_never_its_credentials(channel_world):
    # given
    world = channel_world
    made = world.connect(apiSecret="cs_TOPSECRET_VALUE")
    connection_id = made["channelConnection"]["id"]
    # when
    answer = world.http.post(
        "/graphql",
        json={"query": NODE_QUERY, "variables": {"id": connection_id}},
        headers={"Authorization": f"Bearer {world.tenant.key}"},
    )  # fmt: skip
    # then
    node = answer.json()["data"]["node"]
    assert node["kind"] == "WOOCOMMERCE"
    assert node["client"] == {"code": "A"}
    assert node["warehouse"] == {"code": "WH-A"}
    assert node["counts"] == {
        "imported": 0, "held": 0, "failed": 0, "stockPending": 0,
        "shipmentsReported": 0, "stockPushes": 0,
    }  # fmt: skip
    assert node["webhookPath"].endswith(str(row_id(connection_id)))
    assert "TOPSECRET" not in answer.text
    assert made["webhookSecret"] not in answer.text
    assert made["channelConnection"]["importOrders"] is True
    audit = world.gql(
        '{ auditEvents(filter: {mutation: "createChannelConnection"}) { edges { node { input } } } }',
        key=world.tenant.key,
    )["data"]["auditEvents"]["edges"]
    [event] = [e["node"]["input"] for e in audit]
    assert event["input"]["apiSecret"] == event["input"]["apiKey"] == "[redacted]"
    assert "TOPSECRET" not in str(audit)


def test_bad_input_is_refused_with_field_paths_and_writes_nothing(channel_world):
    world = channel_world
    refusals = {
        "shopUrl": world.connect(shopUrl="ftp://shop.example")["userErrors"],
        "name": world.connect(name="  ")["userErrors"],
        "warehouseId": world.connect(warehouseId=global_id("Product", world.products["SKU-1"]))[
            "userErrors"
        ],
        "apiKey": world.connect(apiKey="")["userErrors"],
    }
    for field, errors in refusals.items():
        assert [e["field"] for e in errors] == [[field]], (field, errors)
    first = world.connect()
    duplicate = world.connect()
    assert duplicate["userErrors"][0]["code"] == "DUPLICATE"
    listed = world.gql(LISTS, key=world.tenant.key)["data"]["channelConnections"]["edges"]
    assert [e["node"]["id"] for e in listed] == [first["channelConnection"]["id"]]


def test_check_reaches_the_shop_and_reports_a_refusal_without_secrets(channel_world):
    world = channel_world
    good = world.connect()["channelConnection"]["id"]
    bad = world.connect(name="bad", apiSecret="cs_TOPSECRET_VALUE")["channelConnection"]["id"]
    ok = world.gql(CHECK, {"id": good}, key=world.tenant.key)["data"]["checkChannelConnection"]
    refused = world.gql(CHECK, {"id": bad}, key=world.tenant.key)["data"]["checkChannelConnection"]
    assert ok == {
        "reachable": True,
        "message": None,
        "details": [{"name": "currency", "value": "USD"}],
        "channelConnection": {"shopName": "1 Fake Street", "lastError": None},
        "userErrors": [],
    }
    assert refused["reachable"] is False
    assert refused["details"] is None
    assert "401" in refused["message"]
    assert "TOPSECRET" not in str(refused)
    assert "check" in refused["channelConnection"]["lastError"]


def test_a_shop_echoing_the_credentials_puts_them_in_no_log_error_or_answer(channel_world, caplog):
    # given a shop that repeats the key and secret it was sent in its refusals
    world = channel_world
    made = world.connect()
    connection = made["channelConnection"]["id"]
    echoed = f"Consumer key {world.shop.consumer_key} with {world.shop.consumer_secret} refused"
    world.shop.add_fault(remaining=3, status=401, body={"message": echoed}, path="/orders")
    secrets = (world.shop.consumer_key, world.shop.consumer_secret, made["webhookSecret"])
    # when it is checked through the API and polled by a worker, with every log kept
    with caplog.at_level(logging.DEBUG):
        checked = world.gql(CHECK, {"id": connection}, key=world.tenant.key)
        with pytest.raises(PermanentChannelError) as polled:
            poll_connection(world.uow, row_id(connection))
        listed = world.gql(
            "{ channelConnections { edges { node { lastError } } } }", key=world.tenant.key
        )
    # then the shop's words are kept, the credentials cut out of all of it
    refusal = checked["data"]["checkChannelConnection"]["message"]
    assert "Consumer key [redacted] with [redacted] refused" in refusal
    last_error = listed["data"]["channelConnections"]["edges"][0]["node"]["lastError"]
    assert "[redacted]" in last_error
    [failed, *_] = world.events(Topic.CHANNEL_SYNC_FAILED.value)
    told = " ".join([refusal, last_error, polled.value.message, str(failed.payload), caplog.text])
    assert "channel" in caplog.text  # the failure was logged
    for secret in secrets:
        assert secret not in told


def test_resync_moves_the_cursor_back_and_marks_all_stock(channel_world):
    world = channel_world
    connection = world.connect()["channelConnection"]["id"]
    answer = world.gql(
        RESYNC,
        {"input": {"id": connection, "ordersSince": "2026-11-01T00:00:00+01:00",
                   "fullStockPush": True}},
        key=world.tenant.key,
    )["data"]["resyncChannel"]  # fmt: skip
    assert answer == {
        "channelConnection": {"cursor": "2026-10-31T23:00:00", "counts": {"stockPending": 2}},
        "userErrors": [],
    }
    [event] = world.events(Topic.CHANNEL_SYNC_REQUESTED.value)
    assert event.payload == {"connection_id": str(row_id(connection)), "poll": True, "stock": True}


def test_the_first_check_pushes_all_stock_and_polls_once(channel_world):
    # given a new connection: the shop shows no stock of Crossdock's yet
    world = channel_world
    connection = world.connect()["channelConnection"]["id"]
    # when it is checked, twice
    first = world.gql(CHECK, {"id": connection}, key=world.tenant.key)
    again = world.gql(CHECK, {"id": connection}, key=world.tenant.key)
    # then the first check asked for a full stock push, a poll and the shipment reports the
    # shop has not had (an order may have come by webhook); the second for nothing
    assert first["data"]["checkChannelConnection"]["reachable"] is True
    assert again["data"]["checkChannelConnection"]["reachable"] is True
    [asked] = world.events(Topic.CHANNEL_SYNC_REQUESTED.value)
    assert asked.payload == {
        "connection_id": str(row_id(connection)), "poll": True, "stock": True, "shipments": True,
    }  # fmt: skip
    listed = world.gql(
        "{ channelConnections { edges { node { counts { stockPending } } } } }",
        key=world.tenant.key,
    )["data"]["channelConnections"]["edges"]
    assert listed[0]["node"]["counts"]["stockPending"] == 2


def test_resync_has_two_modes_each_alone(channel_world):
    # given a connection that has polled up to now
    world = channel_world
    connection = world.connect()["channelConnection"]["id"]
    poll_connection(world.uow, row_id(connection))
    # when orders are asked for again from a time
    orders = world.gql(
        RESYNC, {"input": {"id": connection, "ordersSince": "2026-11-01T00:00:00Z"}},
        key=world.tenant.key,
    )["data"]["resyncChannel"]  # fmt: skip
    # then the cursor moves back and no stock is marked
    assert orders["channelConnection"] == {
        "cursor": "2026-11-01T00:00:00", "counts": {"stockPending": 0},
    }  # fmt: skip
    # when all stock is pushed again
    stock = world.gql(
        RESYNC, {"input": {"id": connection, "fullStockPush": True}}, key=world.tenant.key
    )["data"]["resyncChannel"]
    # then the cursor stays, and every product of the client waits for a push
    assert stock["channelConnection"] == {
        "cursor": "2026-11-01T00:00:00", "counts": {"stockPending": 2},
    }  # fmt: skip
    asked = [e.payload for e in world.events(Topic.CHANNEL_SYNC_REQUESTED.value)]
    assert [(p["poll"], p["stock"]) for p in asked] == [(True, False), (False, True)]


def test_another_client_sees_and_changes_none_of_it(channel_world):
    world = channel_world
    ids = setup(world)
    other_client = world.tenant.clients["B"].key
    other_provider = make_tenant(world.db, "Elsewhere").key
    supplier = world.gql(
        'mutation { createSupplier(input: {code: "DS", name: "Drop"}) { supplier { id } } }',
        key=world.tenant.key,
    )["data"]["createSupplier"]["supplier"]["id"]
    own_supplier = world.gql(
        """mutation($s: ID!) { createApiKey(input: {name: "ds", kind: SUPPLIER,
        supplierId: $s}) { plaintextKey } }""",
        {"s": supplier},
        key=world.tenant.key,
    )["data"]["createApiKey"]["plaintextKey"]
    for key in (other_client, other_provider, own_supplier):
        lists = world.gql(LISTS, key=key)["data"]
        assert all(found["edges"] == [] for found in lists.values()), lists
        for object_id in ids.values():
            assert world.gql(NODE, {"id": object_id}, key=key)["data"]["node"] is None
        changes = [
            world.gql(UPDATE, {"input": {"id": ids["connection"], "name": "x"}}, key=key)["data"][
                "updateChannelConnection"
            ],
            world.gql(CHECK, {"id": ids["connection"]}, key=key)["data"]["checkChannelConnection"],
            world.gql(RESYNC, {"input": {"id": ids["connection"], "fullStockPush": True}}, key=key)[
                "data"
            ]["resyncChannel"],
            world.gql(
                MAP,
                {
                    "input": {
                        "connectionId": ids["connection"],
                        "channelSku": "X",
                        "productId": global_id("Product", world.products["SKU-B"]),
                    }
                },
                key=key,
            )["data"]["setChannelSkuMapping"],
            world.gql(UNMAP, {"id": ids["mapping"]}, key=key)["data"]["deleteChannelSkuMapping"],
        ]
        for change in changes:
            assert [e["code"] for e in change["userErrors"]] == ["NOT_FOUND"], change
    # the owner still has everything as it was
    lists = world.gql(LISTS, key=world.tenant.clients["A"].key)["data"]
    assert [len(found["edges"]) for found in lists.values()] == [1, 1, 1]
    assert world.events(Topic.CHANNEL_SYNC_REQUESTED.value) == []


def test_a_mapping_to_another_clients_product_is_refused(channel_world):
    world = channel_world
    connection = world.connect()["channelConnection"]["id"]
    answer = world.gql(
        MAP,
        {"input": {"connectionId": connection, "channelSku": "X",
                   "productId": global_id("Product", world.products["SKU-B"])}},
        key=world.tenant.key,
    )["data"]["setChannelSkuMapping"]  # fmt: skip
    assert answer == {"channelSkuMapping": None, "userErrors": [
        {"field": ["productId"], "code": "NOT_FOUND"}]}  # fmt: skip


def test_a_client_connects_its_own_shop_only(channel_world):
    world = channel_world
    own = world.connect(key=world.tenant.clients["A"].key)
    other = world.connect(
        key=world.tenant.clients["A"].key, clientId=world.tenant.clients["B"].global_id
    )
    assert own["userErrors"] == []
    assert own["channelConnection"]["client"] == {"code": "A"}
    assert [e["code"] for e in other["userErrors"]] == ["NOT_FOUND"]
