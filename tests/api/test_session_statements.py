"""A cookie request costs the database what a key request does."""

from __future__ import annotations

from starlette.testclient import TestClient

from crossdock.app import create_app
from tenants.key_cache import VerifiedKeys
from tests.api.order_documents import CREATE
from tests.api.session_client import MERCHANT, graphql, signed_in
from tests.api.test_orders_statements import PAGE, counting
from tests.factories_orders import order_input


def test_a_session_costs_the_statements_a_key_does(database, demo_keys, monkeypatch):
    # given: the same client (ACME) through its key, read on every request (as on a key's
    # first use: tenants/key_cache.py spares the read for 5 s), and its merchant's session
    monkeypatch.setattr("api.context.VERIFIED", VerifiedKeys(seconds=0))
    app = create_app(database.settings(), background=False)
    engine = app.state.session_factory.kw["bind"]
    with TestClient(app) as http:
        key = {"Authorization": f"Bearer {demo_keys['client']}"}
        for n in range(3):
            http.post(
                "/graphql",
                json={
                    "query": CREATE,
                    "variables": {"input": order_input(f"S-{n}", (("TENT-2P", 1),))},
                },
                headers=key,
            ).raise_for_status()
        browser = signed_in(http, MERCHANT)
        # when
        with counting(engine) as by_key:
            keyed = http.post(
                "/graphql", json={"query": PAGE, "variables": {"first": 50}}, headers=key
            )
        with counting(engine) as by_cookie:
            cookied = graphql(http, browser, PAGE, {"first": 50})
    # then
    assert cookied.json()["data"] == keyed.json()["data"]
    assert len(keyed.json()["data"]["orders"]["edges"]) == 3
    assert len(by_cookie) == len(by_key), (by_key, by_cookie)
