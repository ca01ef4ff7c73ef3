"""Two real `crossdock serve` processes sharing PostgreSQL and Redis: a key revoked, or a
client's routing rules saved, through one (or the command line) is honoured by the very
next request to the other, although each remembers keys and configurations for 5 s, even
one that was stopped while the news came; a process that cannot hear the news still
refuses the key within those 5 s."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tenants import key_cache
from tests.api.test_routing import EXPLAIN, SET_RULES, source
from tests.factories import make_key
from tests.factories_orders import make_order_world, order_input
from tests.serve_process import CROSSDOCK, Server, crossdock_env, free_port, running
from tests.test_serve_workers import _serve_command, api_processes, paused

VIEWER = "{ viewer { keyPrefix } }"
REVOKE = "mutation($id: ID!) { revokeApiKey(input: {id: $id}) { userErrors { code } } }"


def post(server: Server, key: str, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        server.http_url + "/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def refusal(answer: dict) -> str | None:
    return answer["errors"][0]["extensions"]["code"] if "errors" in answer else None


@pytest.fixture
def env(postgres_database, redis_url, redis_namespace, tmp_path):
    return crossdock_env(
        CROSSDOCK_DATABASE_URL=postgres_database.url,
        CROSSDOCK_MIGRATION_DATABASE_URL=postgres_database.admin_url,
        CROSSDOCK_BROKER_URL=redis_url,
        CROSSDOCK_BROKER_NAMESPACE=redis_namespace,
        CROSSDOCK_RATE_LIMIT_POINTS="0",
        CROSSDOCK_METRICS_DIR=str(tmp_path / "metrics"),
    )


@contextmanager
def two_servers(env: dict, tmp_path: Path, **second_env: str) -> Iterator[tuple[Server, ...]]:
    with ExitStack() as stack:
        servers = []
        for name, extra in (("one", {}), ("two", second_env)):
            port = free_port()
            command = [*CROSSDOCK, "serve", "--port", str(port)]
            log = tmp_path / f"{name}.log"
            servers.append(stack.enter_context(running(command, env | extra, log, port)))
        yield tuple(servers)


def key_node_id(server: Server, admin_key: str, key: str) -> str:
    prefix = post(server, key, VIEWER)["data"]["viewer"]["keyPrefix"]
    keys = post(server, admin_key, "{ apiKeys(first: 100) { edges { node { id prefix } } } }")
    edges = keys["data"]["apiKeys"]["edges"]
    return next(edge["node"]["id"] for edge in edges if edge["node"]["prefix"] == prefix)


def test_a_key_revoked_through_one_process_is_refused_by_the_next_request_to_the_other(
    postgres_database, env, tmp_path
):
    # given: a key both processes have verified (and remember)
    world = make_order_world(postgres_database)
    victim, bystander = make_key(postgres_database, world.tenant), world.tenant.clients["A"].key
    with two_servers(env, tmp_path) as (one, two):
        node_id = key_node_id(one, world.tenant.key, victim)
        for server in (one, two):
            assert refusal(post(server, victim, VIEWER)) is None
            assert refusal(post(server, bystander, VIEWER)) is None
        # when
        revoked = post(one, world.tenant.key, REVOKE, {"id": node_id})
        # then
        after = post(two, victim, VIEWER)
        assert revoked["data"]["revokeApiKey"]["userErrors"] == []
        assert refusal(after) == "API_KEY_REVOKED"
        assert refusal(post(two, bystander, VIEWER)) is None


def test_a_key_revoked_from_the_command_line_is_refused_at_once(postgres_database, env, tmp_path):
    # given
    world = make_order_world(postgres_database)
    victim = make_key(postgres_database, world.tenant)
    with two_servers(env, tmp_path) as (one, two):
        prefix = post(one, victim, VIEWER)["data"]["viewer"]["keyPrefix"]
        assert refusal(post(two, victim, VIEWER)) is None
        # when
        done = subprocess.run(
            [*CROSSDOCK, "key", "revoke", prefix],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        # then
        assert done.returncode == 0, done.stderr
        assert refusal(post(one, victim, VIEWER)) == "API_KEY_REVOKED"
        assert refusal(post(two, victim, VIEWER)) == "API_KEY_REVOKED"


def test_rules_saved_through_one_process_route_the_next_request_to_the_other(
    postgres_database, env, tmp_path
):
    # given: the other process remembers A's configuration (no rules: the default)
    world = make_order_world(postgres_database)
    client = world.tenant.clients["A"]
    draft = {"input": order_input("SO-P", (("SKU-1", 2),))}
    rules = [{"name": "gb", "conditions": {"countries": ["GB"]},
              "sources": [source(world, "WH-B"), source(world, "WH-A")]}]  # fmt: skip
    with two_servers(env, tmp_path) as (one, two):
        before = post(two, client.key, EXPLAIN, draft)["data"]["explainRouting"]
        # when
        saved = post(one, world.tenant.key, SET_RULES,
                     {"input": {"clientId": client.global_id, "rules": rules}})  # fmt: skip
        after = post(two, client.key, EXPLAIN, draft)["data"]["explainRouting"]
    # then
    assert saved["data"]["setRoutingRules"]["ruleSet"]["version"] == 1
    assert before["explanation"]["ruleName"] != "gb"
    assert after["explanation"]["ruleName"] == "gb"


def test_a_process_that_cannot_hear_the_news_refuses_the_key_within_its_seconds(
    postgres_database, env, tmp_path
):
    # given: the second process's invalidations point at a Redis that is not there
    world = make_order_world(postgres_database)
    victim = make_key(postgres_database, world.tenant)
    deaf = {"CROSSDOCK_INVALIDATION_REDIS_URL": "redis://127.0.0.1:1/0"}
    with two_servers(env, tmp_path, **deaf) as (one, two):
        node_id = key_node_id(one, world.tenant.key, victim)
        assert refusal(post(two, victim, VIEWER)) is None
        verified = time.monotonic()
        # when
        post(one, world.tenant.key, REVOKE, {"id": node_id})
        still = post(two, victim, VIEWER)
        time.sleep(max(0.0, verified + key_cache.SECONDS + 0.5 - time.monotonic()))
        later = post(two, victim, VIEWER)
    # then: remembered a moment (the fallback), refused once its seconds are up
    if time.monotonic() - verified < key_cache.SECONDS:
        assert refusal(still) is None
    assert refusal(later) == "API_KEY_REVOKED"


def test_a_process_stopped_while_a_key_was_revoked_refuses_it_as_soon_as_it_runs(
    postgres_database, env, tmp_path
):
    # given: `serve --workers 2`, both processes remembering the key
    world = make_order_world(postgres_database)
    victim = make_key(postgres_database, world.tenant)
    port = free_port()
    command = [*CROSSDOCK, "serve", "--port", str(port), "--workers", "2"]
    stay = {"CROSSDOCK_WEB_WORKER_HEALTHCHECK_SECONDS": "300"}  # stopped is not dead here
    with running(command, env | stay, tmp_path / "serve.log", port) as server:
        first, second = api_processes(_serve_command(port))
        node_id = key_node_id(server, world.tenant.key, victim)
        with paused(second):
            assert refusal(post(server, victim, VIEWER)) is None
        with paused(first):
            assert refusal(post(server, victim, VIEWER)) is None
        # when: revoked through the first while the second is stopped (its listening
        # thread cannot run: the news waits in its socket)
        with paused(second):
            post(server, world.tenant.key, REVOKE, {"id": node_id})
        # then: the second, continued, refuses the very next request, whichever of its
        # threads runs first
        with paused(first):
            assert refusal(post(server, victim, VIEWER)) == "API_KEY_REVOKED"
