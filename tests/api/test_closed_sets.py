"""Closed sets are enums: the schema mirrors the domain's, and refuses anything else unrun."""

from __future__ import annotations

import pytest

from api.schema import build_schema
from domain.currencies import CurrencyCode
from domain.outbox.events import Topic
from domain.shipping.carriers.base import ServiceLevel
from tenants.scopes import Scope
from tests.api.order_documents import CREATE
from tests.factories import count_rows
from tests.factories_orders import ORDER_TABLES, make_order_world, order_input

ENDPOINT = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { topics } userErrors { field code } } }"""
PRODUCT = """mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { declaredValue { amount currency } } userErrors { code } } }"""


@pytest.mark.parametrize(
    ("graphql_name", "domain_enum"),
    [
        ("ServiceLevel", ServiceLevel),
        ("WebhookTopic", Topic),
        ("ApiScope", Scope),
        ("CurrencyCode", CurrencyCode),
    ],
)
def test_the_schema_enum_mirrors_the_domain_enum(graphql_name, domain_enum):
    enum = build_schema()._schema.get_type(graphql_name)
    assert {value.value for value in enum.values.values()} == set(domain_enum)
    assert set(enum.values) == {member.name for member in domain_enum}


def _refused(answer: dict) -> str:
    assert answer["data"] is None, answer
    return answer["errors"][0]["extensions"]["code"]


def test_an_unknown_service_level_is_refused_and_nothing_is_written(database, gql):
    # given
    world = make_order_world(database)
    before = {table: count_rows(database, table) for table in ORDER_TABLES}
    # when
    answer = gql(
        CREATE,
        {"input": order_input(serviceLevel="teleport")},
        key=world.tenant.clients["A"].key,
    )
    express = gql(
        CREATE,
        {"input": order_input("SO-2", serviceLevel="EXPRESS")},
        key=world.tenant.clients["A"].key,
    )
    # then
    assert _refused(answer) == "BAD_USER_INPUT"
    assert express["data"]["createOrder"]["order"]["serviceLevel"] == "EXPRESS"
    assert count_rows(database, "orders") == before["orders"] + 1


def test_an_unknown_webhook_topic_is_refused(database, gql):
    # given
    world = make_order_world(database)
    url = "https://hooks.example.com/x"
    # when
    unknown = gql(
        ENDPOINT, {"input": {"url": url, "topics": ["ORDER_EATEN"]}}, key=world.tenant.key
    )
    known = gql(
        ENDPOINT, {"input": {"url": url, "topics": ["ORDER_SHIPPED"]}}, key=world.tenant.key
    )
    # then
    assert _refused(unknown) == "BAD_USER_INPUT"
    assert known["data"]["createWebhookEndpoint"]["endpoint"] == {"topics": ["ORDER_SHIPPED"]}
    assert count_rows(database, "webhook_endpoints") == 1


@pytest.mark.parametrize(
    "money",
    [{"amount": "9.99", "currency": "EURO"}, {"amount": 9.99, "currency": "EUR"}],
    ids=["unknown-currency", "amount-as-float"],
)
def test_money_is_an_iso_currency_and_a_decimal_string(database, gql, money):
    # given
    world = make_order_world(database)
    products = count_rows(database, "products")
    product = {"sku": "NEW", "name": "New", "declaredValue": money}
    # when
    answer = gql(PRODUCT, {"input": product}, key=world.tenant.clients["A"].key)
    # then
    assert _refused(answer) == "BAD_USER_INPUT"
    assert count_rows(database, "products") == products
