"""Rate cards as the console uses them: billing staff add a client's next version (prices
with a currency, errors on the field), clients see only their own, operators none."""

from __future__ import annotations

from tests.api.session_client import MERCHANT, ORIGIN, STAFF, Browser, graphql, signed_in

CARDS = """query($clientId: ID) { rateCards(first: 50, filter: {clientId: $clientId}) {
  edges { node { version currency pickPerOrder monthlyMinimum note client { code } } } } }"""
CREATE = """mutation($input: CreateRateCardInput!) { createRateCard(input: $input) {
  rateCard { version currency pickPerOrder client { code } } userErrors { field code message } } }"""
CLIENTS = "{ clients(first: 10) { edges { node { id code } } } }"


def person(app, staff: Browser, email: str, role: str) -> Browser:
    """A provider person with `role`, signed in through their invitation."""
    url = graphql(
        app, staff, "mutation($e: String!, $r: UserRole!) { inviteUser(input: {email: $e, role: $r})"
        " { invitationUrl } }", {"e": email, "r": role},
    ).json()["data"]["inviteUser"]["invitationUrl"]  # fmt: skip
    accepted = app.post(
        "/auth/accept-invitation",
        json={
            "token": url.split("#token=", 1)[1],
            "name": role.title(),
            "password": "a-password-1",
        },
        headers={"Origin": ORIGIN},
    )
    app.cookies.clear()
    return Browser(accepted.cookies["crossdock_session"], accepted.cookies["crossdock_csrf"])


def cards(app, browser: Browser, client_id: str | None = None) -> list[dict]:
    answer = graphql(app, browser, CARDS, {"clientId": client_id}).json()
    assert "errors" not in answer, answer
    return [edge["node"] for edge in answer["data"]["rateCards"]["edges"]]


def test_billing_staff_add_a_clients_card_and_its_next_version(app, demo_keys):
    # given
    staff = signed_in(app, STAFF)
    billing = person(app, staff, "bill@northwind.example", "BILLING")
    ids = {
        e["node"]["code"]: e["node"]["id"]
        for e in graphql(app, staff, CLIENTS).json()["data"]["clients"]["edges"]
    }
    card = {"clientId": ids["ACME"], "currency": "USD", "pickPerOrder": "1.50", "note": "v1"}
    # when: a first version, then an edit as the next one, then one that goes back in time
    first = graphql(
        app, billing, CREATE, {"input": card | {"effectiveFrom": "2030-01-01T00:00:00Z"}}
    ).json()["data"]["createRateCard"]
    second = graphql(
        app, billing, CREATE,
        {"input": card | {"effectiveFrom": "2030-02-01T00:00:00Z", "pickPerOrder": "1.75"}},
    ).json()["data"]["createRateCard"]  # fmt: skip
    earlier = graphql(
        app, billing, CREATE, {"input": card | {"effectiveFrom": "2030-01-15T00:00:00Z"}}
    ).json()["data"]["createRateCard"]
    # then
    assert first["rateCard"] == {
        "version": 1, "currency": "USD", "pickPerOrder": "1.50", "client": {"code": "ACME"},
    }  # fmt: skip
    assert second["rateCard"]["version"] == 2
    assert second["rateCard"]["pickPerOrder"] == "1.75"
    assert earlier["rateCard"] is None
    assert earlier["userErrors"][0]["field"] == ["effectiveFrom"]
    assert [c["version"] for c in cards(app, staff, ids["ACME"])] == [2, 1]
    # the client sees its own versions and nothing of the default or of Bolt's
    merchant_sees = cards(app, signed_in(app, MERCHANT))
    assert {(c["client"] or {}).get("code") for c in merchant_sees} == {"ACME"}
    assert cards(app, signed_in(app, MERCHANT), ids["BOLT"]) == []


def test_a_malformed_price_is_refused_on_its_field_and_nothing_is_added(app, demo_keys):
    staff = signed_in(app, STAFF)
    before = cards(app, staff)
    answer = graphql(
        app, staff, CREATE,
        {"input": {"currency": "USD", "effectiveFrom": "2031-01-01T00:00:00Z",
                   "pickPerOrder": "-1"}},
    ).json()  # fmt: skip
    refused = answer["data"]["createRateCard"]
    assert refused["rateCard"] is None
    assert refused["userErrors"][0]["field"] == ["pickPerOrder"]
    assert cards(app, staff) == before


def test_operators_and_client_admins_cannot_add_cards(app, demo_keys):
    staff = signed_in(app, STAFF)
    operator = person(app, staff, "op@northwind.example", "WAREHOUSE_OPERATOR")
    card = {"input": {"currency": "USD", "effectiveFrom": "2031-01-01T00:00:00Z"}}
    by_operator = graphql(app, operator, CREATE, card).json()
    by_merchant = graphql(app, signed_in(app, MERCHANT), CREATE, card).json()
    assert by_operator["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
    assert by_merchant["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "MISSING_SCOPE"}
    operator_reads = graphql(app, operator, CARDS).json()
    assert operator_reads["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
