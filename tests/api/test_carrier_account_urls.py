"""An aggregator account's base URL follows the rule of every outbound URL: public https.

The dispatch and tracking workers send the account's key there and read the answers, so
a private or loopback base URL would let a provider key make them reach internal services.
"""

from __future__ import annotations

import dataclasses

import pytest
from starlette.testclient import TestClient

from crossdock.app import create_app
from domain.errors import DomainError
from domain.shipping.accounts import clean_base_url
from tests.conftest import GraphQLClient
from tests.factories import count_rows, make_tenant

CREATE = """mutation($input: CreateCarrierAccountInput!) { createCarrierAccount(input: $input) {
  carrierAccount { id baseUrl } userErrors { field code } } }"""
UPDATE = """mutation($input: UpdateCarrierAccountInput!) { updateCarrierAccount(input: $input) {
  carrierAccount { baseUrl } userErrors { field code } } }"""
LOOPBACK = "http://127.0.0.1:9000"
PRIVATE_URLS = [
    LOOPBACK,
    "https://127.0.0.1",
    "http://localhost:8080",
    "https://localhost",
    "https://api.localhost",
    "https://[::1]:8443",
    "https://[::ffff:127.0.0.1]",
    "https://2130706433",
    "https://0x7f.1",
    "https://127.1",
    "https://10.0.0.5",
    "https://192.168.1.20:8080",
    "https://169.254.169.254/latest/meta-data",
    "https://[fd00::1]",
]


def create(gql: GraphQLClient, tenant, url: str) -> dict:
    result = gql(CREATE, {"input": {
        "clientId": tenant.clients["A"].global_id, "kind": "AGGREGATOR", "name": "Agg",
        "baseUrl": url, "apiKey": "sk_test",
    }}, key=tenant.key)  # fmt: skip
    return result["data"]["createCarrierAccount"]


@pytest.mark.parametrize("url", PRIVATE_URLS)
def test_private_base_urls_are_refused_by_default(database, gql, url):
    tenant = make_tenant(database)
    assert create(gql, tenant, url) == {
        "carrierAccount": None,
        "userErrors": [{"field": ["baseUrl"], "code": "INVALID"}],
    }
    assert count_rows(database, "carrier_accounts") == 0


def test_changing_a_base_url_to_a_private_one_is_refused_by_default(database, gql):
    tenant = make_tenant(database)
    account = create(gql, tenant, "https://api.aggregator.example/v2/")["carrierAccount"]
    assert account["baseUrl"] == "https://api.aggregator.example/v2"
    result = gql(UPDATE, {"input": {"id": account["id"], "baseUrl": LOOPBACK}}, key=tenant.key)
    assert result["data"]["updateCarrierAccount"]["userErrors"] == [
        {"field": ["baseUrl"], "code": "INVALID"}
    ]


def test_a_deployment_that_allows_private_urls_accepts_them(database):
    # given
    settings = dataclasses.replace(database.settings(), allow_private_urls=True)
    tenant = make_tenant(database)
    # when
    with TestClient(create_app(settings, background=False)) as http:
        gql = GraphQLClient(http)
        created = create(gql, tenant, LOOPBACK)
        updated = gql(UPDATE, {"input": {
            "id": created["carrierAccount"]["id"], "baseUrl": "https://10.0.0.5/api",
        }}, key=tenant.key)["data"]["updateCarrierAccount"]  # fmt: skip
    # then
    assert created["userErrors"] == []
    assert created["carrierAccount"]["baseUrl"] == LOOPBACK
    assert updated == {"carrierAccount": {"baseUrl": "https://10.0.0.5/api"}, "userErrors": []}


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "REQUIRED"),
        ("http://api.aggregator.example", "INVALID"),
        ("ftp://api.aggregator.example", "INVALID"),
        ("https://user:pw@api.aggregator.example", "INVALID"),
        ("https://api.aggregator.example/#x", "INVALID"),
        ("https://api.aggregator.example:99999", "INVALID"),
        ("https://api.aggregator.example/" + "x" * 500, "TOO_LONG"),
    ],
)
def test_other_bad_base_urls_are_refused_even_where_private_ones_are_allowed(url, code):
    with pytest.raises(DomainError) as refused:
        clean_base_url(url, allow_private=True)
    assert (refused.value.code, refused.value.field) == (code, "baseUrl")


def test_allowing_private_hosts_still_wants_https_to_public_ones():
    with pytest.raises(DomainError):
        clean_base_url("http://api.aggregator.example", allow_private=True)
    assert clean_base_url(" https://api.aggregator.example/ ") == "https://api.aggregator.example"
