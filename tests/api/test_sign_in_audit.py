"""Sign-ins, refused sign-ins (throttled ones too) and sign-outs in the audit trail: visible
to the people's own tenant only, never with a password."""

from __future__ import annotations

import dataclasses
import json

from starlette.testclient import TestClient

from crossdock.app import create_app
from tests.api.session_client import (
    MERCHANT,
    ORIGIN,
    STAFF,
    Browser,
    graphql,
    sign_in,
    signed_in,
)

SIGN_INS = """{ auditEvents(first: 50, filter: {mutation: ["signIn", "signOut", "acceptInvitation"]}) {
  edges { node { mutation actorKind actorName actorUserId objectType objectId outcome
                 errorCodes input occurredAt } } } }"""


def _app(database, **changes) -> TestClient:
    settings = dataclasses.replace(database.settings(), **changes)
    return TestClient(create_app(settings, background=False))


def sign_ins(http: TestClient, browser: Browser) -> list[dict]:
    answer = graphql(http, browser, SIGN_INS).json()
    assert "errors" not in answer, answer
    return [edge["node"] for edge in answer["data"]["auditEvents"]["edges"]]


def test_sign_in_a_wrong_password_and_sign_out_are_recorded_without_the_password(app, demo_keys):
    # given: a wrong password, a sign-in and a sign-out of the merchant
    assert sign_in(app, MERCHANT[0], "Wrong-Password-1").status_code == 401
    merchant = signed_in(app, MERCHANT)
    out = app.post("/auth/sign-out", headers=merchant.headers())
    assert out.status_code == 204
    # when staff read the trail
    events = sign_ins(app, signed_in(app, STAFF))
    # then: newest first, the staff's own sign-in on top
    shown = [(e["mutation"], e["actorName"], e["outcome"], e["errorCodes"]) for e in events]
    assert shown == [
        ("signIn", "Olivia Ortega", "OK", []),
        ("signOut", "Marco Rossi", "OK", []),
        ("signIn", "Marco Rossi", "OK", []),
        ("signIn", "Marco Rossi", "REFUSED", ["INVALID_CREDENTIALS"]),
    ]
    merchant_ids = {(e["actorUserId"], e["objectId"]) for e in events[1:]}
    assert len(merchant_ids) == 1
    assert events[1]["objectType"] == "User"
    assert events[3]["input"] == {"email": MERCHANT[0], "clientAddress": "testclient"}
    assert events[1]["input"] == {"clientAddress": "testclient"}
    everything = json.dumps(events)
    assert MERCHANT[1] not in everything
    assert "Wrong-Password-1" not in everything


def test_a_throttled_account_is_recorded_once_per_block(database, demo_keys):
    with _app(database, sign_in_max_failures=2) as http:
        # given: two failures block the account
        assert [sign_in(http, STAFF[0], "wrong-password").status_code for _ in "ab"] == [401] * 2
        # when: three more tries while it is blocked, the right password among them
        tries = [sign_in(http, *who).status_code for who in [STAFF, STAFF, (STAFF[0], "x")]]
        # then
        assert tries == [429] * 3
        events = sign_ins(http, signed_in(http, MERCHANT))  # the client sees none of staff's
        assert all(e["actorName"] == "Marco Rossi" for e in events)
    with _app(database) as http:
        answer = http.post(
            "/graphql",
            json={"query": SIGN_INS},
            headers={"Authorization": f"Bearer {demo_keys['provider']}"},
        ).json()
    events = [edge["node"] for edge in answer["data"]["auditEvents"]["edges"]]
    refusals = [e["errorCodes"] for e in events if e["actorName"] == "Olivia Ortega"]
    assert refusals == [["THROTTLED"], ["INVALID_CREDENTIALS"], ["INVALID_CREDENTIALS"]]
    throttled = next(e for e in events if e["errorCodes"] == ["THROTTLED"])
    assert set(throttled["input"]) == {"email", "clientAddress", "blockedUntil"}


def test_an_unknown_address_records_nothing(app, demo_keys):
    # given
    staff = signed_in(app, STAFF)
    before = sign_ins(app, staff)
    # when
    assert sign_in(app, "nobody@northwind.example", "whatever-it-is").status_code == 401
    # then
    assert sign_ins(app, staff) == before


def test_a_deactivated_persons_attempt_is_recorded_as_inactive(app, demo_keys):
    # given
    staff = signed_in(app, STAFF)
    merchant = signed_in(app, MERCHANT)
    merchant_id = graphql(app, merchant, "{ viewer { user { id } } }").json()["data"]["viewer"][
        "user"
    ]["id"]
    done = graphql(
        app, staff, "mutation($id: ID!) { deactivateUser(input: {id: $id}) { userErrors { code } } }",
        {"id": merchant_id},
    ).json()  # fmt: skip
    assert done["data"]["deactivateUser"]["userErrors"] == []
    # when
    assert sign_in(app, *MERCHANT).status_code == 401
    # then
    latest = sign_ins(app, staff)[0]
    assert (latest["actorName"], latest["errorCodes"]) == ("Marco Rossi", ["ACCOUNT_INACTIVE"])


def test_accepting_an_invitation_is_recorded_for_the_clients_admin(app, demo_keys):
    # given: ACME's admin invites a viewer
    merchant = signed_in(app, MERCHANT)
    invited = graphql(
        app, merchant,
        'mutation { inviteUser(input: {email: "vi@acme.example", role: CLIENT_VIEWER}) '
        "{ invitationUrl } }",
    ).json()["data"]["inviteUser"]  # fmt: skip
    token = invited["invitationUrl"].split("#token=", 1)[1]
    # when
    accepted = app.post(
        "/auth/accept-invitation",
        json={"token": token, "name": "Vi Lam", "password": "vi-lam-password"},
        headers={"Origin": ORIGIN},
    )
    app.cookies.clear()
    assert accepted.status_code == 200
    # then: ACME's admin sees it; the viewer itself may not read the trail
    latest = sign_ins(app, merchant)[0]
    assert (latest["mutation"], latest["actorName"]) == ("acceptInvitation", "Vi Lam")
    viewer = Browser(accepted.cookies["crossdock_session"], accepted.cookies["crossdock_csrf"])
    refused = graphql(app, viewer, SIGN_INS).json()
    assert refused["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"


def test_one_persons_sign_ins_by_their_id(app, demo_keys):
    # given: the merchant and staff both signed in
    merchant = signed_in(app, MERCHANT)
    staff = signed_in(app, STAFF)
    merchant_id = graphql(app, merchant, "{ viewer { user { id } } }").json()["data"]["viewer"][
        "user"
    ]["id"]
    # when staff ask for the merchant's only
    answer = graphql(
        app, staff,
        """query($id: ID) { auditEvents(first: 10, filter: {mutation: ["signIn"], objectId: $id})
             { edges { node { actorName objectId } } } }""",
        {"id": merchant_id},
    ).json()  # fmt: skip
    # then
    nodes = [edge["node"] for edge in answer["data"]["auditEvents"]["edges"]]
    assert nodes == [{"actorName": "Marco Rossi", "objectId": merchant_id}]
