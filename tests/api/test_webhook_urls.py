"""Whether webhook endpoints may point at private hosts is the deployment's setting."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.settings import Settings
from tests.conftest import GraphQLClient
from tests.factories import make_tenant

CREATE = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  endpoint { url } userErrors { field code } } }"""
UPDATE = """mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) {
  endpoint { url } userErrors { field code } } }"""
LOOPBACK = "http://127.0.0.1:9000/hooks"


def create(gql: GraphQLClient, key: str, url: str) -> dict:
    result = gql(CREATE, {"input": {"url": url, "topics": ["ORDER_CREATED"]}}, key=key)
    return result["data"]["createWebhookEndpoint"]


@pytest.mark.parametrize(
    "url", [LOOPBACK, "https://localhost/hooks", "https://169.254.169.254/", "https://2130706433/"]
)
def test_private_urls_are_refused_by_default(database, gql, url):
    tenant = make_tenant(database)
    assert create(gql, tenant.key, url) == {
        "endpoint": None,
        "userErrors": [{"field": ["url"], "code": "INVALID"}],
    }


def test_changing_an_endpoint_to_a_private_url_is_refused_by_default(database, gql):
    tenant = make_tenant(database)
    created = gql(
        CREATE.replace("endpoint { url }", "endpoint { id }"),
        {"input": {"url": "https://hooks.example.com/x", "topics": ["ORDER_CREATED"]}},
        key=tenant.key,
    )["data"]["createWebhookEndpoint"]["endpoint"]
    result = gql(UPDATE, {"input": {"id": created["id"], "url": LOOPBACK}}, key=tenant.key)
    assert result["data"]["updateWebhookEndpoint"]["userErrors"] == [
        {"field": ["url"], "code": "INVALID"}
    ]


def test_a_deployment_that_allows_private_urls_accepts_loopback(database):
    # given
    settings = dataclasses.replace(database.settings(), allow_private_urls=True)
    tenant = make_tenant(database)
    # when
    with TestClient(create_app(settings, background=False)) as http:
        payload = create(GraphQLClient(http), tenant.key, LOOPBACK)
    # then
    assert payload == {"endpoint": {"url": LOOPBACK}, "userErrors": []}


@pytest.mark.parametrize(
    ("value", "on"), [(None, False), ("0", False), ("1", True), ("true", True)]
)
def test_the_setting_is_read_from_the_environment(value, on):
    env = {} if value is None else {"CROSSDOCK_ALLOW_PRIVATE_URLS": value}
    assert Settings.from_env(env).allow_private_urls is on
