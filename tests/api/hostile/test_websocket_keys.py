"""An open WebSocket checks its key again at every operation, queries and mutations too."""

from __future__ import annotations

from tests.api.test_subscriptions import PROTOCOL, REVOKE, key_node_id
from tests.factories import count_rows, make_key, make_tenant

VIEWER = "{ viewer { kind } }"
CREATE = 'mutation { createClient(input: {code: "NEW", name: "New"}) { userErrors { code } } }'


def operate(ws, op_id: str, query: str) -> dict:
    """Run one operation on the socket; its `next` payload, or its `error` as errors."""
    ws.send_json({"id": op_id, "type": "subscribe", "payload": {"query": query}})
    message = ws.receive_json()
    if message["type"] == "error":
        return {"errors": message["payload"]}
    assert message["type"] == "next", message
    assert ws.receive_json() == {"id": op_id, "type": "complete"}
    return message["payload"]


def test_a_revoked_keys_next_query_and_mutation_on_an_open_socket_are_refused(app, gql, database):
    # given: a socket authenticated with a key that then answers a query
    tenant = make_tenant(database)
    victim = make_key(database, tenant)
    victim_id = key_node_id(gql, tenant.key, victim)
    with app.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {victim}"}})
        assert ws.receive_json() == {"type": "connection_ack"}
        assert operate(ws, "1", VIEWER)["data"] == {"viewer": {"kind": "PROVIDER"}}
        # when: another key revokes it
        revoked = gql(REVOKE, {"id": victim_id}, key=tenant.key)
        assert revoked["data"]["revokeApiKey"]["userErrors"] == []
        # then: the socket's next operations are refused, and write nothing
        clients = count_rows(database, "clients")
        for op_id, query in (("2", VIEWER), ("3", CREATE)):
            answer = operate(ws, op_id, query)
            assert answer.get("data") is None, answer
            assert [e["extensions"]["code"] for e in answer["errors"]] == ["API_KEY_REVOKED"]
        assert count_rows(database, "clients") == clients
