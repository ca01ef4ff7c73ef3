"""Warehouses and products over GraphQL: validation, ownership, and tenant isolation."""

from __future__ import annotations

import pytest

from tests.catalog_factories import make_product, make_warehouse
from tests.factories import count_rows, dotted, global_id, make_tenant

ADDRESS = '{line1: "Lagerstrasse 1", city: "Berlin", postalCode: "10115", country: "de"}'
CREATE_WAREHOUSE = """
mutation($code: String!, $tz: String!) {
  createWarehouse(input: {code: $code, name: "Berlin", timezone: $tz, address: ADDRESS}) {
    warehouse { id code timezone address { country city } } userErrors { field code message }
  }
}
""".replace("ADDRESS", ADDRESS)
CREATE_PRODUCT = """
mutation($input: CreateProductInput!) {
  createProduct(input: $input) {
    product { id sku weightGrams reorderPoint dimensions { lengthMm }
              declaredValue { amount currency } client { code } }
    userErrors { field code message }
  }
}
"""
UPDATE_PRODUCT = """
mutation($input: UpdateProductInput!) {
  updateProduct(input: $input) {
    product { sku name barcode dimensions { lengthMm } declaredValue { amount } }
    userErrors { field code message }
  }
}
"""
ARCHIVE_PRODUCT = """
mutation($id: ID!) { archiveProduct(input: {id: $id}) { product { archivedAt } userErrors { field code } } }
"""
PRODUCTS = """
query($client: ID, $sku: String, $archived: Boolean!) {
  products(filter: {clientId: $client, sku: $sku, includeArchived: $archived}, first: 100) {
    edges { node { sku client { code } } }
  }
}
"""
NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Product { sku } ... on Warehouse { code } } }"


def test_provider_creates_a_warehouse(database, gql):
    tenant = make_tenant(database)
    payload = gql(CREATE_WAREHOUSE, {"code": "BER1", "tz": "Europe/Berlin"}, key=tenant.key)[
        "data"
    ]["createWarehouse"]
    assert payload["userErrors"] == []
    assert payload["warehouse"]["address"] == {"country": "DE", "city": "Berlin"}
    node = gql(NODE, {"id": payload["warehouse"]["id"]}, key=tenant.clients["A"].key)
    assert node["data"]["node"]["code"] == "BER1"


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"code": "BER1", "tz": "Mars/Olympus"}, "timezone", "INVALID"),
        ({"code": "bad code", "tz": "UTC"}, "code", "INVALID"),
        ({"code": "TAKEN", "tz": "UTC"}, "code", "DUPLICATE"),
    ],
)
def test_bad_warehouses_are_refused_and_write_nothing(database, gql, variables, field, code):
    # given
    tenant = make_tenant(database)
    make_warehouse(database, tenant, "TAKEN")
    # when
    payload = gql(CREATE_WAREHOUSE, variables, key=tenant.key)["data"]["createWarehouse"]
    # then
    assert payload["warehouse"] is None
    assert [(dotted(e["field"]), e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert count_rows(database, "warehouses") == 1


def test_a_warehouse_address_names_no_one(database, gql):
    # given
    tenant = make_tenant(database)
    named = ADDRESS.replace("{", '{name: "Reception", ', 1)
    # when
    payload = gql(
        CREATE_WAREHOUSE.replace(ADDRESS, named), {"code": "BER1", "tz": "UTC"}, key=tenant.key
    )["data"]["createWarehouse"]
    # then
    assert payload["warehouse"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["address", "name"], "INVALID")
    ]
    assert count_rows(database, "warehouses") == 0


def test_client_keys_cannot_create_warehouses(database, gql):
    tenant = make_tenant(database)
    result = gql(CREATE_WAREHOUSE, {"code": "X", "tz": "UTC"}, key=tenant.clients["A"].key)
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert count_rows(database, "warehouses") == 0


def test_client_creates_its_own_product(database, gql):
    # given
    tenant = make_tenant(database)
    product = {
        "sku": "TENT-2P",
        "name": "Tent",
        "weightGrams": 2100,
        "dimensions": {"lengthMm": 500, "widthMm": 200, "heightMm": 200},
        "declaredValue": {"amount": "129.90", "currency": "EUR"},
        "reorderPoint": 5,
    }
    # when
    payload = gql(CREATE_PRODUCT, {"input": product}, key=tenant.clients["A"].key)["data"][
        "createProduct"
    ]
    # then
    assert payload["userErrors"] == []
    created = payload["product"]
    assert created["client"] == {"code": "A"}
    assert created["declaredValue"] == {"amount": "129.9000", "currency": "EUR"}
    listed = gql(PRODUCTS, {"archived": False}, key=tenant.key)["data"]["products"]["edges"]
    assert listed[0]["node"]["sku"] == "TENT-2P"
    assert created["dimensions"] == {"lengthMm": 500}


def test_provider_must_name_the_client(database, gql):
    tenant = make_tenant(database)
    payload = gql(CREATE_PRODUCT, {"input": {"sku": "S", "name": "N"}}, key=tenant.key)["data"][
        "createProduct"
    ]
    assert payload["userErrors"][0]["field"] == ["clientId"]
    ok = gql(
        CREATE_PRODUCT,
        {"input": {"sku": "S", "name": "N", "clientId": tenant.clients["B"].global_id}},
        key=tenant.key,
    )["data"]["createProduct"]
    assert ok["product"]["client"] == {"code": "B"}


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"weightGrams": -1}, "weightGrams", "INVALID"),
        ({"reorderPoint": -1}, "reorderPoint", "INVALID"),
        (
            {"dimensions": {"lengthMm": 1, "widthMm": 0, "heightMm": 1}},
            "dimensions.widthMm",
            "NOT_POSITIVE",
        ),
        ({"declaredValue": {"amount": "-1", "currency": "EUR"}}, "declaredValue.amount", "INVALID"),
        (
            {"declaredValue": {"amount": "1.00001", "currency": "EUR"}},
            "declaredValue.amount",
            "INVALID",
        ),
        ({"sku": "TAKEN"}, "sku", "DUPLICATE"),
        ({"sku": " "}, "sku", "REQUIRED"),
    ],
)
def test_bad_products_are_refused_and_write_nothing(database, gql, extra, field, code):
    # given
    tenant = make_tenant(database)
    make_product(database, tenant, "A", "TAKEN")
    # when
    payload = gql(
        CREATE_PRODUCT, {"input": {"sku": "NEW", "name": "N"} | extra}, key=tenant.clients["A"].key
    )["data"]["createProduct"]
    # then
    assert payload["product"] is None
    assert [(dotted(e["field"]), e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert count_rows(database, "products") == 1


def test_same_sku_is_fine_for_another_client(database, gql):
    tenant = make_tenant(database)
    make_product(database, tenant, "A", "SHARED")
    payload = gql(
        CREATE_PRODUCT, {"input": {"sku": "SHARED", "name": "N"}}, key=tenant.clients["B"].key
    )["data"]["createProduct"]
    assert payload["userErrors"] == []


def test_update_changes_only_given_fields_and_null_clears(database, gql):
    # given
    tenant = make_tenant(database)
    product = make_product(
        database, tenant, barcode="4006381333931", length_mm=1, width_mm=2, height_mm=3
    )
    # when
    payload = gql(
        UPDATE_PRODUCT,
        {"input": {"id": global_id("Product", product), "name": "Renamed", "dimensions": None}},
        key=tenant.clients["A"].key,
    )["data"]["updateProduct"]
    # then
    assert payload["userErrors"] == []
    assert payload["product"] == {
        "sku": "SKU-1",
        "name": "Renamed",
        "barcode": "4006381333931",
        "dimensions": None,
        "declaredValue": None,
    }


def test_archived_products_leave_the_default_list(database, gql):
    # given
    tenant = make_tenant(database)
    product = make_product(database, tenant, "A", "OLD")
    make_product(database, tenant, "A", "NEW")
    # when
    archived = gql(ARCHIVE_PRODUCT, {"id": global_id("Product", product)}, key=tenant.key)
    # then
    assert archived["data"]["archiveProduct"]["product"]["archivedAt"] is not None
    live = gql(PRODUCTS, {"archived": False}, key=tenant.key)["data"]["products"]["edges"]
    every = gql(PRODUCTS, {"archived": True}, key=tenant.key)["data"]["products"]["edges"]
    assert [e["node"]["sku"] for e in live] == ["NEW"]
    assert [e["node"]["sku"] for e in every] == ["NEW", "OLD"]


def test_client_cannot_see_or_change_another_clients_products(database, gql):
    # given
    tenant = make_tenant(database)
    other = make_tenant(database, "Southwind", ("C",))
    b_product = make_product(database, tenant, "B", "B-ONLY")
    c_product = make_product(database, other, "C", "C-ONLY")
    a = tenant.clients["A"]
    make_product(database, tenant, "A", "A-ONLY")
    # when
    listed = gql(PRODUCTS, {"archived": True}, key=a.key)["data"]["products"]["edges"]
    filtered = gql(PRODUCTS, {"archived": True, "client": tenant.clients["B"].global_id}, key=a.key)
    # then
    assert [e["node"]["sku"] for e in listed] == ["A-ONLY"]
    assert filtered["data"]["products"]["edges"] == []
    for hidden in (b_product, c_product):
        hidden_id, random_id = (
            global_id("Product", hidden),
            global_id("Product", tenant.provider_id),
        )
        assert gql(NODE, {"id": hidden_id}, key=a.key) == gql(NODE, {"id": random_id}, key=a.key)
        update = {"input": {"id": hidden_id, "name": "Mine now"}}
        changed = gql(UPDATE_PRODUCT, update, key=a.key)["data"]["updateProduct"]
        random = gql(UPDATE_PRODUCT, {"input": {"id": random_id, "name": "x"}}, key=a.key)
        assert changed == random["data"]["updateProduct"]
        assert changed["userErrors"][0]["code"] == "NOT_FOUND"
        archived = gql(ARCHIVE_PRODUCT, {"id": hidden_id}, key=a.key)["data"]["archiveProduct"]
        assert archived["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    # and a client cannot create products for another client, nor for another tenant's
    for client_id in (tenant.clients["B"].global_id, other.clients["C"].global_id):
        created = gql(
            CREATE_PRODUCT, {"input": {"sku": "X", "name": "X", "clientId": client_id}}, key=a.key
        )["data"]["createProduct"]
        assert created["userErrors"][0]["code"] == "NOT_FOUND"
    assert count_rows(database, "products") == 3


SEARCH = """query($search: String) {
  products(filter: {search: $search}, first: 20) { edges { node { sku } } } }"""


def test_a_product_search_matches_sku_or_name_ignoring_case_within_the_callers_products(
    database, gql
):
    # given
    tenant = make_tenant(database)
    make_product(database, tenant, "A", "TENT-2P", name="Two-person tent")
    make_product(database, tenant, "A", "LAMP-LED", name="LED lantern")
    make_product(database, tenant, "A", "WOOL-1", name="100% wool socks")
    make_product(database, tenant, "A", "HAT_1", name="Hat")
    make_product(database, tenant, "B", "TENT-4P", name="Family tent")
    client_a = tenant.clients["A"].key

    def found(text: str) -> list[str]:
        edges = gql(SEARCH, {"search": text}, key=client_a)["data"]["products"]["edges"]
        return [edge["node"]["sku"] for edge in edges]

    # then
    assert found("tent") == ["TENT-2P"]  # by SKU and name; B's tent is not A's
    assert found(" led ") == ["LAMP-LED"]
    assert found("LANTERN") == ["LAMP-LED"]
    assert found("%") == ["WOOL-1"]  # a wildcard character matches only itself
    assert found("_") == ["HAT_1"]
    assert found("") == ["HAT_1", "LAMP-LED", "TENT-2P", "WOOL-1"]


def test_a_search_text_too_long_is_refused(database, gql):
    tenant = make_tenant(database)

    result = gql(SEARCH, {"search": "x" * 101}, key=tenant.key)

    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert result["data"] is None
