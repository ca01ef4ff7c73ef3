"""People managed through the API: invitations, accepting them, passwords, deactivation."""

from __future__ import annotations

import pytest

from tests.api.session_client import (
    MERCHANT,
    ORIGIN,
    STAFF,
    SUPPLIER,
    Browser,
    graphql,
    signed_in,
)

INVITE = """mutation($input: InviteUserInput!) { inviteUser(input: $input) {
  user { id email role status kind client { code } } invitationUrl
  userErrors { field code message } } }"""
USERS = "{ users(first: 50) { edges { node { email role status } } } }"
CHANGE = """mutation($input: ChangePasswordInput!) { changePassword(input: $input) {
  user { email } userErrors { field code message } } }"""
DEACTIVATE = """mutation($id: ID!) { deactivateUser(input: {id: $id}) {
  user { status deactivatedAt } userErrors { field code message } } }"""
VIEWER = "{ viewer { user { id name role } } }"


def accept(app, url: str, name: str = "Bo Chen", password: str = "bo-chen-password"):
    token = url.split("#token=", 1)[1]
    response = app.post(
        "/auth/accept-invitation",
        json={"token": token, "name": name, "password": password},
        headers={"Origin": ORIGIN},
    )
    app.cookies.clear()
    return response


def invite(app, browser, **fields):
    return graphql(app, browser, INVITE, {"input": fields}).json()["data"]["inviteUser"]


def test_an_invited_person_sets_name_and_password_and_is_signed_in(app, demo_keys):
    # given
    staff = signed_in(app, STAFF)
    invited = invite(app, staff, email="Bo@Northwind.example", role="WAREHOUSE_OPERATOR")
    assert invited["userErrors"] == []
    assert invited["user"]["status"] == "INVITED"
    assert invited["invitationUrl"].startswith("http://testserver/accept-invitation#token=")
    # when
    accepted = accept(app, invited["invitationUrl"])
    # then
    assert accepted.status_code == 200
    assert accepted.json()["user"]["role"] == "WAREHOUSE_OPERATOR"
    bo = Browser(accepted.cookies["crossdock_session"], accepted.cookies["crossdock_csrf"])
    assert graphql(app, bo, VIEWER).json()["data"]["viewer"]["user"]["name"] == "Bo Chen"
    again = accept(app, invited["invitationUrl"])
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "INVITATION_INVALID"
    assert signed_in(app, ("bo@northwind.example", "bo-chen-password"))


def test_an_invitation_refuses_a_short_password_and_stays_usable(app, demo_keys):
    staff = signed_in(app, STAFF)
    url = invite(app, staff, email="cy@northwind.example", role="BILLING")["invitationUrl"]
    short = accept(app, url, password="short")
    assert short.status_code == 400
    assert short.json()["error"]["field"] == "password"
    assert accept(app, url).status_code == 200


def test_a_client_admin_invites_only_people_of_its_own_client(app, demo_keys):
    merchant = signed_in(app, MERCHANT)
    # a viewer of its own client: fine
    own = invite(app, merchant, email="viewer@acme.example", role="CLIENT_VIEWER")
    assert own["userErrors"] == []
    assert own["user"]["client"] == {"code": "ACME"}
    # provider staff: refused
    staff = invite(app, merchant, email="boss@acme.example", role="PROVIDER_ADMIN")
    assert staff["user"] is None
    assert staff["userErrors"][0]["field"] == ["role"]
    # it lists its own people only
    listed = graphql(app, merchant, USERS).json()["data"]["users"]["edges"]
    assert {edge["node"]["email"] for edge in listed} == {
        "merchant@acme.example",
        "viewer@acme.example",
    }


def test_an_address_with_an_account_cannot_be_invited(app, demo_keys):
    staff = signed_in(app, STAFF)
    taken = invite(app, staff, email="merchant@acme.example", role="CLIENT_VIEWER")
    assert taken["userErrors"] == [
        {
            "field": ["email"],
            "code": "DUPLICATE",
            "message": "This person already has an account.",
        }
    ]


def test_a_client_viewer_reads_but_cannot_write(app, demo_keys):
    merchant = signed_in(app, MERCHANT)
    url = invite(app, merchant, email="v@acme.example", role="CLIENT_VIEWER")["invitationUrl"]
    viewer = accept(app, url)
    browser = Browser(viewer.cookies["crossdock_session"], viewer.cookies["crossdock_csrf"])
    stock = graphql(app, browser, "{ inventoryLevels(first: 5) { edges { node { onHand } } } }")
    assert stock.json()["data"]["inventoryLevels"]["edges"]
    write = graphql(
        app, browser, 'mutation { createWebhookEndpoint(input: {url: "https://x.example/h", '
        "topics: [ORDER_SHIPPED]}) { userErrors { code } } }",
    ).json()  # fmt: skip
    assert write["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"


def test_changing_the_password_ends_the_other_sessions(app, demo_keys):
    # given: two browsers of the same person
    first, second = signed_in(app, STAFF), signed_in(app, STAFF)
    # when
    wrong = graphql(
        app, first, CHANGE, {"input": {"currentPassword": "nope", "newPassword": "x" * 12}}
    ).json()["data"]["changePassword"]
    changed = graphql(
        app, first, CHANGE,
        {"input": {"currentPassword": STAFF[1], "newPassword": "a-brand-new-password"}},
    ).json()["data"]["changePassword"]  # fmt: skip
    # then
    assert wrong["userErrors"][0]["field"] == ["currentPassword"]
    assert changed == {"user": {"email": STAFF[0]}, "userErrors": []}
    assert graphql(app, first, VIEWER).json()["data"]["viewer"]["user"] is not None
    ended = graphql(app, second, VIEWER).json()
    assert ended["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    assert signed_in(app, (STAFF[0], "a-brand-new-password"))


def test_a_key_has_no_password_to_change(gql, demo_keys):
    answer = gql(
        CHANGE, {"input": {"currentPassword": "a", "newPassword": "b" * 12}},
        key=demo_keys["provider"],
    )["data"]["changePassword"]  # fmt: skip
    assert answer["userErrors"][0]["code"] == "FORBIDDEN"


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in(app, demo_keys):
    # given
    staff = signed_in(app, STAFF)
    merchant = signed_in(app, MERCHANT)
    merchant_id = graphql(app, merchant, VIEWER).json()["data"]["viewer"]["user"]["id"]
    # when
    done = graphql(app, staff, DEACTIVATE, {"id": merchant_id}).json()["data"]["deactivateUser"]
    # then
    assert done["user"]["status"] == "DEACTIVATED"
    assert graphql(app, merchant, VIEWER).json()["errors"][0]["extensions"]["code"] == (
        "SESSION_EXPIRED"
    )
    response = app.post(
        "/auth/sign-in",
        json={"email": MERCHANT[0], "password": MERCHANT[1]},
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 401


def test_nobody_deactivates_themselves_or_people_of_another_client(app, demo_keys):
    staff = signed_in(app, STAFF)
    own_id = graphql(app, staff, VIEWER).json()["data"]["viewer"]["user"]["id"]
    itself = graphql(app, staff, DEACTIVATE, {"id": own_id}).json()["data"]["deactivateUser"]
    assert itself["userErrors"][0]["code"] == "FORBIDDEN"
    # ACME's admin cannot touch a person of Bolt Coffee: it answers like an unknown id
    clients = graphql(app, staff, '{ clients(filter: {code: "BOLT"}) { edges { node { id } } } }')
    bolt_id = clients.json()["data"]["clients"]["edges"][0]["node"]["id"]
    bolt_person = invite(
        app, staff, email="v@bolt.example", role="CLIENT_VIEWER", clientId=bolt_id
    )["user"]
    merchant = signed_in(app, MERCHANT)
    refused = graphql(app, merchant, DEACTIVATE, {"id": bolt_person["id"]}).json()
    assert refused["data"]["deactivateUser"]["userErrors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("inviter", "role"), [(STAFF, "WAREHOUSE_OPERATOR"), (MERCHANT, "CLIENT_VIEWER")]
)
def test_people_without_users_write_cannot_invite(app, demo_keys, inviter, role):
    # given: a person whose role does not hold users:write
    url = invite(app, signed_in(app, inviter), email="p@x.example", role=role)["invitationUrl"]
    person = accept(app, url)
    browser = Browser(person.cookies["crossdock_session"], person.cookies["crossdock_csrf"])
    # when
    answer = graphql(app, browser, INVITE, {"input": {"email": "z@x.example", "role": role}})
    # then
    assert answer.json()["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"


def test_an_address_taken_where_the_inviter_cannot_see_is_still_a_duplicate(app, demo_keys):
    # given: a person of Bolt Coffee, whom ACME's admin cannot see
    staff = signed_in(app, STAFF)
    clients = graphql(app, staff, '{ clients(filter: {code: "BOLT"}) { edges { node { id } } } }')
    bolt_id = clients.json()["data"]["clients"]["edges"][0]["node"]["id"]
    invite(app, staff, email="kim@bolt.example", role="CLIENT_VIEWER", clientId=bolt_id)
    # when
    again = invite(app, signed_in(app, MERCHANT), email="kim@bolt.example", role="CLIENT_VIEWER")
    # then: refused, and nothing else of the request is kept
    assert again["userErrors"][0]["code"] == "DUPLICATE"
    listed = graphql(app, staff, USERS).json()["data"]["users"]["edges"]
    assert [e["node"]["email"] for e in listed].count("kim@bolt.example") == 1


def test_a_suppliers_person_reads_and_reports_its_stock(app, demo_keys):
    # given the demo supplier's person, signed in
    supplier = signed_in(app, SUPPLIER)
    # when
    reported = graphql(
        app,
        supplier,
        """mutation { reportSupplierStock(input: {lines: [{supplierSku: "TG-HAM-1", available: 9}]})
             { supplierProducts { supplierSku stock { available } } userErrors { code } } }""",
    ).json()["data"]["reportSupplierStock"]
    listed = graphql(app, supplier, "{ supplierProducts { edges { node { supplierSku } } } }")
    # then
    assert reported == {
        "supplierProducts": [{"supplierSku": "TG-HAM-1", "stock": {"available": 9}}],
        "userErrors": [],
    }
    assert listed.json()["data"]["supplierProducts"]["edges"] == [
        {"node": {"supplierSku": "TG-HAM-1"}}
    ]


ROLE = """mutation($id: ID!, $role: UserRole!) { changeUserRole(input: {id: $id, role: $role}) {
  user { email role } userErrors { field code message } } }"""
AUDITED = """{ auditEvents(first: 5, filter: {mutation: ["changeUserRole"]}) {
  edges { node { actorKind actorName outcome errorCodes objectId input } } } }"""


def person(app, url: str, password: str = "bo-chen-password") -> Browser:
    """The browser of the person who accepted the invitation at `url`."""
    accepted = accept(app, url, password=password)
    assert accepted.status_code == 200, accepted.text
    return Browser(accepted.cookies["crossdock_session"], accepted.cookies["crossdock_csrf"])


def test_a_role_change_gives_the_persons_open_session_the_new_scopes(app, demo_keys):
    # given: an operator, signed in, who cannot touch rate cards
    staff = signed_in(app, STAFF)
    invited = invite(app, staff, email="bo@northwind.example", role="WAREHOUSE_OPERATOR")
    bo = person(app, invited["invitationUrl"])
    cards = "{ rateCards(first: 1) { edges { node { id } } } }"
    assert graphql(app, bo, cards).json()["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
    # when
    changed = graphql(app, staff, ROLE, {"id": invited["user"]["id"], "role": "BILLING"})
    # then: the same session now reads rate cards, and no longer moves stock
    assert changed.json()["data"]["changeUserRole"] == {
        "user": {"email": "bo@northwind.example", "role": "BILLING"},
        "userErrors": [],
    }
    assert "errors" not in graphql(app, bo, cards).json()
    scopes = graphql(app, bo, "{ viewer { scopes } }").json()["data"]["viewer"]["scopes"]
    assert "BILLING_WRITE" in scopes
    assert "INVENTORY_WRITE" not in scopes
    # and the audit trail names who did it
    event = graphql(app, staff, AUDITED).json()["data"]["auditEvents"]["edges"][0]["node"]
    assert event["actorKind"] == "USER"
    assert event["outcome"] == "OK"
    assert event["objectId"] == invited["user"]["id"]
    assert (
        event["actorName"] == graphql(app, staff, VIEWER).json()["data"]["viewer"]["user"]["name"]
    )


def test_the_last_provider_admin_keeps_the_role(app, demo_keys):
    # given: the demo's only provider admin
    staff = signed_in(app, STAFF)
    own_id = graphql(app, staff, VIEWER).json()["data"]["viewer"]["user"]["id"]
    # when it demotes itself, or a provider key deactivates it
    demoted = graphql(app, staff, ROLE, {"id": own_id, "role": "BILLING"}).json()
    deactivated = app.post(
        "/graphql",
        json={"query": DEACTIVATE, "variables": {"id": own_id}},
        headers={"Authorization": f"Bearer {demo_keys['provider']}"},
    ).json()
    # then both are refused and it is still an admin
    assert demoted["data"]["changeUserRole"]["userErrors"] == [
        {
            "field": ["role"],
            "code": "FORBIDDEN",
            "message": "The provider must keep at least one active admin.",
        }
    ]
    assert deactivated["data"]["deactivateUser"]["userErrors"][0]["code"] == "FORBIDDEN"
    viewer = graphql(app, staff, VIEWER).json()["data"]["viewer"]["user"]
    assert viewer["role"] == "PROVIDER_ADMIN"
    refused = graphql(app, staff, AUDITED).json()["data"]["auditEvents"]["edges"][0]["node"]
    assert (refused["outcome"], refused["errorCodes"]) == ("REFUSED", ["FORBIDDEN"])


def test_with_a_second_admin_the_first_may_step_down(app, demo_keys):
    # given: a second provider admin
    staff = signed_in(app, STAFF)
    invited = invite(app, staff, email="al@northwind.example", role="PROVIDER_ADMIN")
    al = person(app, invited["invitationUrl"])
    own_id = graphql(app, staff, VIEWER).json()["data"]["viewer"]["user"]["id"]
    # when
    stepped = graphql(app, staff, ROLE, {"id": own_id, "role": "WAREHOUSE_OPERATOR"}).json()
    # then: the first is an operator now, and the second cannot step down any more
    assert stepped["data"]["changeUserRole"]["userErrors"] == []
    assert (
        graphql(app, staff, INVITE, {"input": {"email": "x@y.example", "role": "BILLING"}}).json()[
            "errors"
        ][0]["extensions"]["code"]
        == "MISSING_SCOPE"
    )
    al_id = invited["user"]["id"]
    last = graphql(app, al, ROLE, {"id": al_id, "role": "BILLING"}).json()
    assert last["data"]["changeUserRole"]["userErrors"][0]["code"] == "FORBIDDEN"


def test_a_client_admin_changes_roles_within_its_own_client_only(app, demo_keys):
    # given: a viewer of ACME and one of Bolt Coffee
    staff = signed_in(app, STAFF)
    merchant = signed_in(app, MERCHANT)
    acme_viewer = invite(app, merchant, email="v@acme.example", role="CLIENT_VIEWER")["user"]
    clients = graphql(app, staff, '{ clients(filter: {code: "BOLT"}) { edges { node { id } } } }')
    bolt_id = clients.json()["data"]["clients"]["edges"][0]["node"]["id"]
    bolt_viewer = invite(
        app, staff, email="v@bolt.example", role="CLIENT_VIEWER", clientId=bolt_id
    )["user"]
    # when
    own = graphql(app, merchant, ROLE, {"id": acme_viewer["id"], "role": "CLIENT_ADMIN"}).json()
    other = graphql(app, merchant, ROLE, {"id": bolt_viewer["id"], "role": "CLIENT_ADMIN"}).json()
    staff_role = graphql(
        app, merchant, ROLE, {"id": acme_viewer["id"], "role": "PROVIDER_ADMIN"}
    ).json()
    # then: its own person changes; Bolt's answers like an unknown id; no provider roles
    assert own["data"]["changeUserRole"]["user"] == {
        "email": "v@acme.example",
        "role": "CLIENT_ADMIN",
    }
    assert other["data"]["changeUserRole"] == {
        "user": None,
        "userErrors": [{"field": ["id"], "code": "NOT_FOUND", "message": "No such user."}],
    }
    assert staff_role["data"]["changeUserRole"]["userErrors"][0]["field"] == ["role"]
    bolt = graphql(app, staff, USERS).json()["data"]["users"]["edges"]
    assert {"email": "v@bolt.example", "role": "CLIENT_VIEWER", "status": "INVITED"} in [
        edge["node"] for edge in bolt
    ]


def test_a_role_of_another_kind_is_refused(app, demo_keys):
    staff = signed_in(app, STAFF)
    merchant_id = graphql(app, signed_in(app, MERCHANT), VIEWER).json()["data"]["viewer"]["user"][
        "id"
    ]
    answer = graphql(app, staff, ROLE, {"id": merchant_id, "role": "BILLING"}).json()
    assert answer["data"]["changeUserRole"]["userErrors"] == [
        {
            "field": ["role"],
            "code": "INVALID",
            "message": "A client's person cannot have the role BILLING.",
        }
    ]


def test_people_without_users_write_cannot_change_roles(app, demo_keys):
    staff = signed_in(app, STAFF)
    invited = invite(app, staff, email="op@northwind.example", role="WAREHOUSE_OPERATOR")
    operator = person(app, invited["invitationUrl"])
    answer = graphql(app, operator, ROLE, {"id": invited["user"]["id"], "role": "PROVIDER_ADMIN"})
    assert answer.json()["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
