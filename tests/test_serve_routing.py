"""Routing through a real `crossdock serve` process over TCP: rules saved, the dry run, creation."""

from __future__ import annotations

import json
import urllib.request

from tests.api.order_documents import CREATE
from tests.api.test_routing import EXPLAIN, SET_RULES, source
from tests.factories_orders import make_order_world, order_input
from tests.serve_process import CROSSDOCK, crossdock_env, free_port, running


def post(url: str, key: str, query: str, variables: dict) -> dict:
    request = urllib.request.Request(
        url + "/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())["data"]


def test_rules_the_dry_run_and_creation_over_a_real_server(database, tmp_path):
    # given: A's rule sends GB orders to WH-B first, then WH-A (which holds SKU-1)
    world = make_order_world(database)
    port = free_port()
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url, CROSSDOCK_MIGRATION_DATABASE_URL=database.admin_url
    )
    command = [*CROSSDOCK, "serve", "--port", str(port)]
    with running(command, env, tmp_path / "serve.log", port) as server:
        rules = [{"name": "gb", "conditions": {"countries": ["GB"]},
                  "sources": [source(world, "WH-B"), source(world, "WH-A")]}]  # fmt: skip
        client = world.tenant.clients["A"]
        saved = post(server.http_url, world.tenant.key, SET_RULES,
                     {"input": {"clientId": client.global_id, "rules": rules}})  # fmt: skip
        draft = order_input("SO-P", (("SKU-1", 2),))
        # when
        explained = post(server.http_url, client.key, EXPLAIN, {"input": draft})
        created = post(server.http_url, client.key, CREATE, {"input": draft})
    # then
    assert saved["setRoutingRules"]["ruleSet"]["version"] == 1
    explanation = explained["explainRouting"]["explanation"]
    assert explanation["ruleName"] == "gb"
    [line] = explanation["lines"]
    chosen = [c["source"]["code"] for c in line["candidates"] if c["chosen"]]
    fulfillment = created["createOrder"]["order"]["fulfillmentOrders"]
    assert chosen == [fo["warehouse"]["code"] for fo in fulfillment] == ["WH-A"]
