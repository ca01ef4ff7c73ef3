"""What people do is recorded with their names; their passwords are nowhere to be read."""

from __future__ import annotations

import logging

from tests.api.session_client import ORIGIN, STAFF, graphql, sign_in, signed_in

ADJUST = """mutation($product: ID!, $warehouse: ID!) {
  adjustInventory(input: {productId: $product, warehouseId: $warehouse, quantity: 1,
                          reason: FOUND}) { userErrors { code } } }"""
IDS = """{ products(filter: {sku: "TENT-2P"}) { edges { node { id } } }
  warehouses { edges { node { id code } } } }"""
MOVEMENTS = "{ inventoryMovements(first: 50) { edges { node { actor } } } }"
AUDIT = """{ auditEvents(first: 50) { edges { node {
  mutation actorKind actorName actorUserId actorKeyId input } } } }"""
CHANGE = """mutation($input: ChangePasswordInput!) { changePassword(input: $input) {
  userErrors { field code message } } }"""


def test_a_persons_changes_carry_their_name(app, demo_keys):
    # given
    staff = signed_in(app, STAFF)
    ids = graphql(app, staff, IDS).json()["data"]
    rno = next(w for w in ids["warehouses"]["edges"] if w["node"]["code"] == "RNO")
    variables = {
        "product": ids["products"]["edges"][0]["node"]["id"],
        "warehouse": rno["node"]["id"],
    }
    # when
    assert graphql(app, staff, ADJUST, variables).json()["data"]["adjustInventory"] == {
        "userErrors": []
    }
    # then
    actors = [e["node"]["actor"] for e in graphql(app, staff, MOVEMENTS).json()["data"][
        "inventoryMovements"]["edges"]]  # fmt: skip
    assert "user:Olivia Ortega" in actors
    events = graphql(app, staff, AUDIT).json()["data"]["auditEvents"]["edges"]
    [adjusted] = [e["node"] for e in events if e["node"]["mutation"] == "adjustInventory"]
    assert adjusted["actorKind"] == "USER"
    assert adjusted["actorName"] == "Olivia Ortega"
    assert adjusted["actorUserId"] is not None
    assert adjusted["actorKeyId"] is None


def test_passwords_are_never_logged_returned_or_audited(app, demo_keys, caplog):
    secret_wrong = "wrong-password-9f3b2"
    secret_new = "new-password-7c1d4e"
    caplog.set_level(logging.DEBUG)
    # when: every way a password travels, right and wrong
    answers = [
        sign_in(app, STAFF[0], secret_wrong),
        sign_in(app, "nobody@x.example", secret_wrong),
        app.post(
            "/auth/accept-invitation",
            json={"token": "bogus", "name": "X", "password": secret_wrong},
            headers={"Origin": ORIGIN},
        ),
    ]
    staff = signed_in(app, STAFF)
    answers += [
        graphql(app, staff, CHANGE, {"input": {"currentPassword": secret_wrong,
                                               "newPassword": secret_new}}),
        graphql(app, staff, CHANGE, {"input": {"currentPassword": STAFF[1],
                                               "newPassword": secret_new}}),
        graphql(app, staff, CHANGE, {"input": {"currentPassword": secret_new,
                                               "newPassword": "short"}}),
    ]  # fmt: skip
    audit = graphql(app, staff, AUDIT)
    # then
    for secret in (secret_wrong, secret_new, STAFF[1]):
        assert secret not in caplog.text
        for answer in [*answers, audit]:
            assert secret not in answer.text
    inputs = [
        e["node"]["input"]
        for e in audit.json()["data"]["auditEvents"]["edges"]
        if e["node"]["mutation"] == "changePassword"
    ]
    assert len(inputs) == 3
    assert all(
        i["input"] == {"currentPassword": "[redacted]", "newPassword": "[redacted]"} for i in inputs
    )
