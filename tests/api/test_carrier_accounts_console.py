"""Carrier accounts as the console uses them: staff list them per client, create and
disable them; a client sees only its own; people without orders:write change nothing."""

from __future__ import annotations

from tests.api.session_client import MERCHANT, ORIGIN, STAFF, Browser, graphql, signed_in

ACCOUNTS = """query($clientId: ID) { carrierAccounts(first: 50, filter: {clientId: $clientId}) {
  edges { node { id name enabled hasApiKey client { code } } } } }"""
CREATE = """mutation($input: CreateCarrierAccountInput!) { createCarrierAccount(input: $input) {
  carrierAccount { id name enabled } webhookSecret userErrors { field code message } } }"""
ENABLE = """mutation($id: ID!, $enabled: Boolean!) {
  updateCarrierAccount(input: {id: $id, enabled: $enabled}) {
    carrierAccount { id enabled } userErrors { field code } } }"""
CLIENTS = "{ clients(first: 10) { edges { node { id code } } } }"


def client_ids(app, staff: Browser) -> dict[str, str]:
    edges = graphql(app, staff, CLIENTS).json()["data"]["clients"]["edges"]
    return {edge["node"]["code"]: edge["node"]["id"] for edge in edges}


def listed(app, browser: Browser, client_id: str | None = None) -> list[tuple[str, str, bool]]:
    answer = graphql(app, browser, ACCOUNTS, {"clientId": client_id}).json()
    assert "errors" not in answer, answer
    return [
        (e["node"]["client"]["code"], e["node"]["name"], e["node"]["enabled"])
        for e in answer["data"]["carrierAccounts"]["edges"]
    ]


def test_staff_list_accounts_per_client_create_and_disable_one(app, demo_keys):
    # given: the demo's rate-table account of each client
    staff = signed_in(app, STAFF)
    ids = client_ids(app, staff)
    # when: staff add a second account for Bolt Coffee, then disable it
    made = graphql(
        app, staff, CREATE,
        {"input": {"clientId": ids["BOLT"], "kind": "RATE_TABLE", "name": "bolt-economy"}},
    ).json()["data"]["createCarrierAccount"]  # fmt: skip
    assert made["userErrors"] == []
    assert made["webhookSecret"] is None  # only aggregator accounts get one
    disabled = graphql(
        app, staff, ENABLE, {"id": made["carrierAccount"]["id"], "enabled": False}
    ).json()["data"]["updateCarrierAccount"]
    # then
    assert disabled == {"carrierAccount": {"id": made["carrierAccount"]["id"], "enabled": False},
                        "userErrors": []}  # fmt: skip
    assert sorted(listed(app, staff, ids["BOLT"])) == [
        ("BOLT", "bolt-economy", False),
        ("BOLT", "crossdock-post", True),
    ]
    assert listed(app, staff, ids["ACME"]) == [("ACME", "crossdock-post", True)]


def test_a_client_sees_its_own_accounts_only_and_changes_none(app, demo_keys):
    # given
    staff = signed_in(app, STAFF)
    ids = client_ids(app, staff)
    bolt_account = graphql(app, staff, ACCOUNTS, {"clientId": ids["BOLT"]}).json()["data"][
        "carrierAccounts"
    ]["edges"][0]["node"]["id"]
    merchant = signed_in(app, MERCHANT)
    # when / then: ACME's admin lists its own; asking for Bolt's answers nothing
    assert listed(app, merchant) == [("ACME", "crossdock-post", True)]
    assert listed(app, merchant, ids["BOLT"]) == []
    refused = graphql(app, merchant, ENABLE, {"id": bolt_account, "enabled": False}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert listed(app, staff, ids["BOLT"]) == [("BOLT", "crossdock-post", True)]


def test_billing_staff_cannot_create_accounts(app, demo_keys):
    # given: a person with the BILLING role (no orders:write)
    staff = signed_in(app, STAFF)
    invited = graphql(
        app, staff,
        'mutation { inviteUser(input: {email: "bill@northwind.example", role: BILLING}) '
        "{ invitationUrl } }",
    ).json()["data"]["inviteUser"]  # fmt: skip
    accepted = app.post(
        "/auth/accept-invitation",
        json={
            "token": invited["invitationUrl"].split("#token=", 1)[1],
            "name": "Bill Ng",
            "password": "bill-ng-password",
        },
        headers={"Origin": ORIGIN},
    )
    app.cookies.clear()
    billing = Browser(accepted.cookies["crossdock_session"], accepted.cookies["crossdock_csrf"])
    ids = client_ids(app, staff)
    # when
    answer = graphql(
        app, billing, CREATE,
        {"input": {"clientId": ids["ACME"], "kind": "RATE_TABLE", "name": "sneaky"}},
    ).json()  # fmt: skip
    # then
    assert answer["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
    assert listed(app, staff, ids["ACME"]) == [("ACME", "crossdock-post", True)]


UPDATE = """mutation($input: UpdateCarrierAccountInput!) { updateCarrierAccount(input: $input) {
  carrierAccount { name baseUrl hasApiKey } userErrors { field code message } } }"""
AUDIT = """{ auditEvents(first: 5, filter: {mutation: ["updateCarrierAccount"]}) {
  edges { node { actorName input } } } }"""


def test_a_new_api_key_replaces_the_stored_one_unseen_and_unrecorded(app, demo_keys):
    # given: an aggregator account of ACME
    staff = signed_in(app, STAFF)
    ids = client_ids(app, staff)
    made = graphql(
        app, staff, CREATE,
        {"input": {"clientId": ids["ACME"], "kind": "AGGREGATOR", "name": "agg",
                   "baseUrl": "https://api.example.com", "apiKey": "sk_first_secret"}},
    ).json()["data"]["createCarrierAccount"]  # fmt: skip
    assert made["userErrors"] == []
    # when staff rename it and give it a new key
    changed = graphql(
        app, staff, UPDATE,
        {"input": {"id": made["carrierAccount"]["id"], "name": "agg-2",
                   "apiKey": "sk_second_secret"}},
    ).json()  # fmt: skip
    # then the answer, the list and the audit trail show neither key
    assert changed["data"]["updateCarrierAccount"] == {
        "carrierAccount": {"name": "agg-2", "baseUrl": "https://api.example.com",
                           "hasApiKey": True},
        "userErrors": [],
    }  # fmt: skip
    trail = graphql(app, staff, AUDIT).json()["data"]["auditEvents"]["edges"]
    assert trail[0]["node"]["actorName"] == "Olivia Ortega"
    assert trail[0]["node"]["input"]["input"]["apiKey"] == "[redacted]"
    seen = str(trail) + str(graphql(app, staff, ACCOUNTS, {"clientId": None}).json())
    assert "sk_first_secret" not in seen
    assert "sk_second_secret" not in seen
