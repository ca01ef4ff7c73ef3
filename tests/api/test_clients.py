"""Creating and listing clients; refused input writes nothing and says why."""

from __future__ import annotations

import base64

import pytest

from tenants.models import KeyKind
from tests.factories import count_rows, dotted, make_key, make_tenant

CREATE_CLIENT = """
mutation($code: String!, $name: String!) {
  createClient(input: {code: $code, name: $name}) {
    client { id code name } userErrors { field code message }
  }
}
"""
CLIENTS = """
query($first: Int, $after: String) {
  clients(first: $first, after: $after) {
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""
CREATE_KEY = """
mutation($name: String!, $kind: KeyKind!, $scopes: [ApiScope!]) {
  createApiKey(input: {name: $name, kind: $kind, scopes: $scopes}) {
    apiKey { prefix scopes } plaintextKey userErrors { field code message }
  }
}
"""


def error_code(result: dict) -> str:
    assert result["data"] is None
    return result["errors"][0]["extensions"]["code"]


def test_provider_creates_a_client(database, gql):
    # given
    tenant = make_tenant(database, clients=())
    # when
    created = gql(CREATE_CLIENT, {"code": " ACME-1 ", "name": " ACME Outdoor "}, key=tenant.key)
    # then
    payload = created["data"]["createClient"]
    assert payload["userErrors"] == []
    assert payload["client"]["code"] == "ACME-1"
    assert payload["client"]["name"] == "ACME Outdoor"
    node = gql(
        "query($id: ID!) { node(id: $id) { ... on Client { code } } }",
        {"id": payload["client"]["id"]},
        key=tenant.key,
    )
    assert node["data"]["node"] == {"code": "ACME-1"}
    assert count_rows(database, "clients") == 1


def test_clients_page_by_code(database, gql):
    # given
    tenant = make_tenant(database, clients=("C3", "C1", "C5", "C2", "C4"))
    # when
    first = gql(CLIENTS, {"first": 2}, key=tenant.key)["data"]["clients"]
    second = gql(CLIENTS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, key=tenant.key)[
        "data"
    ]["clients"]
    last = gql(CLIENTS, {"first": 2, "after": second["pageInfo"]["endCursor"]}, key=tenant.key)[
        "data"
    ]["clients"]
    # then
    codes = [[edge["node"]["code"] for edge in page["edges"]] for page in (first, second, last)]
    assert codes == [["C1", "C2"], ["C3", "C4"], ["C5"]]
    assert [page["pageInfo"]["hasNextPage"] for page in (first, second, last)] == [
        True,
        True,
        False,
    ]
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["endCursor"] == second["edges"][-1]["cursor"]


def test_clients_page_holds_exactly_first_rows(database, gql):
    tenant = make_tenant(database, clients=("A", "B"))
    exact = gql(CLIENTS, {"first": 2}, key=tenant.key)["data"]["clients"]
    assert len(exact["edges"]) == 2
    assert exact["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize("first", [101, -1])
def test_page_size_is_capped(database, gql, first):
    tenant = make_tenant(database, clients=())
    assert error_code(gql(CLIENTS, {"first": first}, key=tenant.key)) == "PAGE_SIZE"
    assert gql(CLIENTS, {"first": 100}, key=tenant.key)["data"]["clients"]["edges"] == []


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        base64.urlsafe_b64encode(b"{not json").decode(),
        base64.urlsafe_b64encode(b'{"code": "A"}').decode(),
        base64.urlsafe_b64encode(b'["A", "B"]').decode(),
    ],
)
def test_a_cursor_that_is_not_ours_is_refused(database, gql, cursor):
    tenant = make_tenant(database, clients=("A",))
    assert error_code(gql(CLIENTS, {"after": cursor}, key=tenant.key)) == "INVALID_CURSOR"


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(b'["created_at:asc", 5, 5]').decode(),
        base64.urlsafe_b64encode(b'["created_at:asc", null, null]').decode(),
        base64.urlsafe_b64encode(b'["created_at:asc", "2026-01-01T00:00:00", "x"]').decode(),
        base64.urlsafe_b64encode(b'["created_at:asc", "2026-01-01T00:00:00"]').decode(),
    ],
)
def test_a_cursor_of_the_wrong_type_is_refused(database, gql, cursor):
    tenant = make_tenant(database, clients=())
    result = gql(
        "query($after: String) { apiKeys(after: $after) { edges { cursor } } }",
        {"after": cursor},
        key=tenant.key,
    )
    assert error_code(result) == "INVALID_CURSOR"


@pytest.mark.parametrize(
    ("code", "name", "field", "error"),
    [
        ("ACME", "", "name", "REQUIRED"),
        ("ACME", "   ", "name", "REQUIRED"),
        ("", "ACME Outdoor", "code", "REQUIRED"),
        ("   ", "ACME Outdoor", "code", "REQUIRED"),
        ("ACME", "x" * 201, "name", "TOO_LONG"),
        ("C" * 41, "ACME Outdoor", "code", "TOO_LONG"),
        ("AC ME", "ACME Outdoor", "code", "INVALID"),
        ("ACME/1", "ACME Outdoor", "code", "INVALID"),
        ("-ACME", "ACME Outdoor", "code", "INVALID"),
        ("A", "Duplicate of A", "code", "DUPLICATE"),
    ],
)
def test_bad_client_input_is_refused_and_writes_nothing(database, gql, code, name, field, error):
    # given
    tenant = make_tenant(database, clients=("A",))
    # when
    result = gql(CREATE_CLIENT, {"code": code, "name": name}, key=tenant.key)
    # then
    payload = result["data"]["createClient"]
    assert payload["client"] is None
    assert [(dotted(e["field"]), e["code"]) for e in payload["userErrors"]] == [(field, error)]
    assert payload["userErrors"][0]["message"]
    assert count_rows(database, "clients") == 1


def test_the_longest_allowed_name_is_accepted(database, gql):
    tenant = make_tenant(database, clients=())
    result = gql(CREATE_CLIENT, {"code": "C" * 40, "name": "x" * 200}, key=tenant.key)
    assert result["data"]["createClient"]["userErrors"] == []


def test_client_codes_are_unique_per_provider_only(database, gql):
    # given
    make_tenant(database, "Northwind", clients=("A",))
    south = make_tenant(database, "Southwind", clients=())
    # when
    result = gql(CREATE_CLIENT, {"code": "A", "name": "Also A"}, key=south.key)
    # then
    assert result["data"]["createClient"]["userErrors"] == []
    assert count_rows(database, "clients") == 2


@pytest.mark.parametrize(
    ("caller_scopes", "name", "kind", "scopes", "field", "error"),
    [
        (
            ["keys:write", "orders:read"],
            "k",
            "PROVIDER",
            ["billing:write"],
            "scopes",
            "SCOPE_NOT_GRANTABLE",
        ),
        (
            ["keys:write", "orders:read"],
            "k",
            "PROVIDER",
            ["admin"],
            "scopes",
            "SCOPE_NOT_GRANTABLE",
        ),
        (None, "k", "SUPPLIER", ["billing:read"], "scopes", "SCOPE_NOT_GRANTABLE"),
        (None, "k", "PROVIDER", [], "scopes", "REQUIRED"),
        (None, "", "PROVIDER", ["orders:read"], "name", "REQUIRED"),
        (None, "  ", "PROVIDER", ["orders:read"], "name", "REQUIRED"),
    ],
)
def test_bad_key_requests_are_refused_and_write_nothing(
    database, gql, caller_scopes, name, kind, scopes, field, error
):
    # given
    tenant = make_tenant(database, clients=())
    caller = make_key(database, tenant, scopes=caller_scopes) if caller_scopes else tenant.key
    keys_before = count_rows(database, "api_keys")
    # when
    result = gql(
        CREATE_KEY, {"name": name, "kind": kind, "scopes": scope_names(scopes)}, key=caller
    )
    # then
    payload = result["data"]["createApiKey"]
    assert payload["apiKey"] is None
    assert payload["plaintextKey"] is None
    assert [(dotted(e["field"]), e["code"]) for e in payload["userErrors"]] == [(field, error)]
    assert count_rows(database, "api_keys") == keys_before


def test_an_unknown_scope_is_refused_before_anything_runs(database, gql):
    # given
    tenant = make_tenant(database, clients=())
    keys_before = count_rows(database, "api_keys")
    # when
    result = gql(
        CREATE_KEY,
        {"name": "k", "kind": "PROVIDER", "scopes": ["ORDERS_READ", "TELEPORT"]},
        key=tenant.key,
    )
    # then
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert count_rows(database, "api_keys") == keys_before


def scope_names(scopes: list[str]) -> list[str]:
    """Scopes as the ApiScope enum names them: "orders:read" is ORDERS_READ."""
    return [scope.replace(":", "_").upper() for scope in scopes]


def test_a_key_can_grant_what_it_holds(database, gql):
    # given
    tenant = make_tenant(database, clients=())
    caller = make_key(database, tenant, scopes=["keys:write", "orders:read"])
    # when
    result = gql(
        CREATE_KEY, {"name": "reader", "kind": "PROVIDER", "scopes": ["ORDERS_READ"]}, key=caller
    )
    # then
    payload = result["data"]["createApiKey"]
    assert payload["userErrors"] == []
    assert payload["apiKey"]["scopes"] == ["ORDERS_READ"]
    viewer = gql("{ viewer { scopes } }", key=payload["plaintextKey"])
    assert viewer["data"]["viewer"]["scopes"] == ["ORDERS_READ"]


def test_client_admin_key_cannot_grant_provider_scopes_to_a_client_key(database, gql):
    tenant = make_tenant(database, clients=("A",))
    caller = make_key(database, tenant, KeyKind.CLIENT, scopes=["admin"], client="A")
    before = count_rows(database, "api_keys")
    result = gql(
        CREATE_KEY, {"name": "k", "kind": "CLIENT", "scopes": ["CLIENTS_READ"]}, key=caller
    )
    assert result["data"]["createApiKey"]["userErrors"][0]["code"] == "SCOPE_NOT_GRANTABLE"
    assert count_rows(database, "api_keys") == before
