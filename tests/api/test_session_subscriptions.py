"""A person's subscription lives as long as their session and their role: deactivation,
sign-out or a role change ends it at the next check, like a revoked key's."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from api.events.feed import EventFeed
from tests.api.order_documents import CREATE
from tests.api.session_client import ORIGIN, STAFF, Browser, graphql, signed_in
from tests.factories_orders import order_input

PROTOCOL = ["graphql-transport-ws"]
SETTLE_S = 0.4
CHECKED_WITHIN_S = 1.0
INVITE = """mutation($e: String!) { inviteUser(input: {email: $e, role: WAREHOUSE_OPERATOR}) {
  user { id } invitationUrl } }"""


@pytest.fixture
def rechecked_every_poll(monkeypatch):
    monkeypatch.setattr(EventFeed, "key_recheck_seconds", 0.0)


@contextmanager
def subscribed(app, browser: Browser):
    headers = {"Cookie": browser.cookie_header(), "Origin": ORIGIN}
    with app.websocket_connect("/graphql", subprotocols=PROTOCOL, headers=headers) as ws:
        ws.send_json({"type": "connection_init", "payload": {"csrfToken": browser.csrf}})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": "subscription { orderEvents { topic } }"},
            }
        )
        time.sleep(SETTLE_S)
        yield ws


def an_operator(app, staff: Browser, email: str) -> tuple[str, Browser]:
    invited = graphql(app, staff, INVITE, {"e": email}).json()["data"]["inviteUser"]
    accepted = app.post(
        "/auth/accept-invitation",
        json={
            "token": invited["invitationUrl"].split("#token=", 1)[1],
            "name": "Wren Hale",
            "password": "wren-hale-password",
        },
        headers={"Origin": ORIGIN},
    )
    app.cookies.clear()
    browser = Browser(accepted.cookies["crossdock_session"], accepted.cookies["crossdock_csrf"])
    return invited["user"]["id"], browser


def an_order(app, demo_keys, reference: str) -> None:
    answer = app.post(
        "/graphql",
        json={"query": CREATE, "variables": {"input": order_input(reference, (("TENT-2P", 1),))}},
        headers={"Authorization": f"Bearer {demo_keys['client']}"},
    ).json()
    assert answer["data"]["createOrder"]["userErrors"] == [], answer


def ended_with(ws) -> str:
    """The code of the error that ends the operation, skipping events heard before it."""
    while True:
        answer = ws.receive_json()
        assert answer["type"] == "next", answer
        if "errors" in answer["payload"]:
            assert ws.receive_json() == {"id": "1", "type": "complete"}
            return answer["payload"]["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("mutation($id: ID!) { deactivateUser(input: {id: $id}) { userErrors { code } } }",
         "SESSION_EXPIRED"),
        ("mutation($id: ID!) { changeUserRole(input: {id: $id, role: BILLING}) "
         "{ userErrors { code } } }", "SCOPES_CHANGED"),
    ],
)  # fmt: skip
def test_a_persons_subscription_ends_when_deactivated_or_given_another_role(
    app, demo_keys, rechecked_every_poll, change, code
):
    # given: an operator hearing order events through their session
    staff = signed_in(app, STAFF)
    wren_id, wren = an_operator(app, staff, "wren@northwind.example")
    with subscribed(app, wren) as ws:
        an_order(app, demo_keys, "SUB-1")
        heard = ws.receive_json()
        assert heard["type"] == "next", heard
        assert heard["payload"]["data"]["orderEvents"]["topic"].startswith("ORDER_")
        # when staff deactivate them, or change their role
        done = graphql(app, staff, change, {"id": wren_id}).json()
        assert done["data"][next(iter(done["data"]))]["userErrors"] == []
        time.sleep(CHECKED_WITHIN_S)
        an_order(app, demo_keys, "SUB-2")  # what a missed check would deliver
        # then the subscription ends with the reason
        assert ended_with(ws) == code


def test_a_subscription_ends_when_its_session_signs_out(app, demo_keys, rechecked_every_poll):
    staff = signed_in(app, STAFF)
    with subscribed(app, staff) as ws:
        assert app.post("/auth/sign-out", headers=staff.headers()).status_code == 204
        time.sleep(CHECKED_WITHIN_S)
        an_order(app, demo_keys, "SUB-3")
        assert ended_with(ws) == "SESSION_EXPIRED"
