"""Keys that are missing, malformed, unknown, revoked or short of a scope are refused."""

from __future__ import annotations

from tests.factories import make_key, make_tenant
from tests.sql_statements import every_statement, verbs

VIEWER = "{ viewer { kind scopes keyPrefix provider { name } client { code } } }"


def error_code(result: dict) -> str:
    assert result["data"] is None or all(v is None for v in result["data"].values())
    return result["errors"][0]["extensions"]["code"]


def test_provider_key_sees_who_it_is(database, gql):
    # given
    tenant = make_tenant(database)
    # when
    result = gql(VIEWER, key=tenant.key)
    # then
    viewer = result["data"]["viewer"]
    assert viewer["kind"] == "PROVIDER"
    assert viewer["provider"] == {"name": "Northwind"}
    assert viewer["client"] is None
    assert "ORDERS_WRITE" in viewer["scopes"]


def test_client_key_sees_its_client(database, gql):
    tenant = make_tenant(database)
    viewer = gql(VIEWER, key=tenant.clients["A"].key)["data"]["viewer"]
    assert viewer["kind"] == "CLIENT"
    assert viewer["client"] == {"code": "A"}


def test_missing_key_is_refused(database, gql):
    assert error_code(gql(VIEWER)) == "UNAUTHENTICATED"


def test_malformed_key_is_refused(database, gql):
    assert error_code(gql(VIEWER, key="not-a-key")) == "INVALID_API_KEY"


def test_unknown_key_is_refused_like_a_malformed_one(database, gql):
    tenant = make_tenant(database)
    forged = tenant.key[:-4] + ("aaaa" if not tenant.key.endswith("aaaa") else "bbbb")
    assert error_code(gql(VIEWER, key=forged)) == "INVALID_API_KEY"
    assert error_code(gql(VIEWER, key="cdk_abcdefghijkl_" + "x" * 43)) == "INVALID_API_KEY"


def test_revoked_key_is_refused(database, gql):
    # given
    tenant = make_tenant(database)
    victim = make_key(database, tenant)
    key_id = gql("{ viewer { keyPrefix } }", key=victim)["data"]["viewer"]["keyPrefix"]
    keys = gql("{ apiKeys(first: 100) { edges { node { id prefix } } } }", key=tenant.key)
    node_id = next(
        e["node"]["id"] for e in keys["data"]["apiKeys"]["edges"] if e["node"]["prefix"] == key_id
    )
    # when
    revoked = gql(
        "mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { revokedAt } userErrors { code } } }",
        {"id": node_id},
        key=tenant.key,
    )
    # then
    assert revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"] is not None
    assert error_code(gql(VIEWER, key=victim)) == "API_KEY_REVOKED"


def test_key_without_the_scope_is_refused_with_a_clear_code(database, gql):
    tenant = make_tenant(database)
    reader = make_key(database, tenant, scopes=["orders:read"])
    result = gql(
        'mutation { createClient(input: {code: "X", name: "X"}) { userErrors { code } } }',
        key=reader,
    )
    assert error_code(result) == "MISSING_SCOPE"
    assert "clients:write" in result["errors"][0]["message"]


def test_client_key_cannot_call_provider_operations(database, gql):
    tenant = make_tenant(database)
    result = gql("{ clients { edges { node { code } } } }", key=tenant.clients["A"].key)
    assert error_code(result) == "FORBIDDEN"


def test_errors_never_carry_a_stack_trace(database, gql):
    result = gql(VIEWER, key="cdk_" + "z" * 100)
    assert "Traceback" not in str(result)
    assert set(result["errors"][0]) <= {"message", "locations", "path", "extensions"}


def test_supplier_key_sees_its_supplier(database, gql):
    tenant = make_tenant(database)
    created = gql(
        'mutation { createSupplier(input: {code: "DS1", name: "Drop Co"}) { supplier { id } userErrors { code } } }',
        key=tenant.key,
    )["data"]["createSupplier"]
    key = gql(
        'mutation($s: ID!) { createApiKey(input: {name: "ds", kind: SUPPLIER, supplierId: $s}) { plaintextKey userErrors { code message } } }',
        {"s": created["supplier"]["id"]},
        key=tenant.key,
    )["data"]["createApiKey"]["plaintextKey"]
    viewer = gql("{ viewer { kind scopes supplier { code } } }", key=key)["data"]["viewer"]
    assert viewer == {
        "kind": "SUPPLIER",
        "scopes": [
            "INVENTORY_READ",
            "INVENTORY_WRITE",
            "ORDERS_READ",
            "ORDERS_WRITE",
            "WEBHOOKS_READ",
            "WEBHOOKS_WRITE",
        ],
        "supplier": {"code": "DS1"},
    }


def test_a_key_verified_a_moment_ago_is_not_read_again(database, app, gql):
    # given: a key used once
    tenant = make_tenant(database)
    gql(VIEWER, key=tenant.key)
    engine = app.app.state.session_factory.kw["bind"]
    # when
    with every_statement(engine) as statements:
        viewer = gql(VIEWER, key=tenant.key)["data"]["viewer"]
    # then: the request reads no key (nor commits a transaction of its own for it)
    assert viewer["provider"] == {"name": "Northwind"}
    assert not [s for s in statements if "api_keys" in s], verbs(statements)
