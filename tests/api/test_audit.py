"""The audit trail over GraphQL: every mutation recorded, secrets redacted, tenant scoped."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from sqlalchemy import select

from api.schema import build_schema
from crossdock.settings import Settings
from domain.audit.models import AuditEvent
from persistence.unit_of_work import UnitOfWork
from tenants.models import KeyKind
from tests.factories import count_rows, global_id, make_key, make_tenant

EVENTS = """query($filter: AuditEventFilterInput, $sort: AuditEventSort, $first: Int, $after: String) {
  auditEvents(filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { node { id occurredAt actorKind actorName actorKeyId mutation objectType objectId
      input outcome errorCodes } }
    pageInfo { hasNextPage endCursor } } }"""
CREATE_CLIENT = """mutation($input: CreateClientInput!) { createClient(input: $input) {
  client { id } userErrors { code } } }"""
CREATE_ACCOUNT = """mutation($input: CreateCarrierAccountInput!) {
  createCarrierAccount(input: $input) { carrierAccount { id } webhookSecret userErrors { field code } } }"""
SCALAR_SAMPLES: dict[str, Any] = {
    "ID": global_id("Nothing", uuid.UUID(int=0)),
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2026-01-01T00:00:00+00:00",
    "Date": "2026-01-01",
    "Decimal": "1",
    "JSON": {},
}


def sample(graphql_type: Any) -> Any:
    """A value of `graphql_type`: required fields filled, the rest left out."""
    if isinstance(graphql_type, GraphQLNonNull):
        return sample(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return []
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    if isinstance(graphql_type, GraphQLInputObjectType):
        return {
            name: sample(field.type)
            for name, field in graphql_type.fields.items()
            if isinstance(field.type, GraphQLNonNull)
        }
    assert isinstance(graphql_type, GraphQLScalarType)
    return SCALAR_SAMPLES[graphql_type.name]


def mutation_calls() -> list[tuple[str, str, dict[str, Any]]]:
    """Every mutation of the schema, as a document with sample variables."""
    calls = []
    for name, field in build_schema(
        max_query_depth=Settings.from_env({}).max_query_depth
    )._schema.mutation_type.fields.items():
        required = {a: arg for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)}
        declared = ", ".join(f"${a}: {arg.type}" for a, arg in required.items())
        passed = ", ".join(f"{a}: ${a}" for a in required)
        document = f"mutation({declared}) {{ {name}({passed}) {{ __typename }} }}"
        calls.append((name, document, {a: sample(arg.type) for a, arg in required.items()}))
    return calls


def events(gql, key: str, **filter: Any) -> list[dict[str, Any]]:
    result = gql(EVENTS, {"filter": filter or None, "first": 100}, key=key)
    assert "errors" not in result, result
    return [edge["node"] for edge in result["data"]["auditEvents"]["edges"]]


def test_every_mutation_of_the_schema_appends_an_audit_event(database, gql):
    # given
    tenant = make_tenant(database)
    calls = mutation_calls()
    # when
    for _, document, variables in calls:
        result = gql(document, variables, key=tenant.key)
        assert "errors" not in result, (document, result)
    # then
    recorded = {event["mutation"] for event in events(gql, tenant.key)}
    assert {name for name, _, _ in calls} - recorded == set()


def test_a_made_change_records_actor_object_input_and_outcome(database, gql):
    # given
    tenant = make_tenant(database)
    # when
    made = gql(CREATE_CLIENT, {"input": {"code": "C", "name": "Client C"}}, key=tenant.key)
    # then
    client_id = made["data"]["createClient"]["client"]["id"]
    [event] = events(gql, tenant.key, mutation=["createClient"])
    assert event["actorKind"] == "API_KEY"
    assert event["actorName"] == tenant.key.split("_")[1] or event["actorName"]
    assert event["objectType"] == "Client"
    assert event["objectId"] == client_id
    assert event["input"] == {"input": {"code": "C", "name": "Client C"}}
    assert event["outcome"] == "OK"
    assert event["errorCodes"] == []


def test_secrets_in_the_input_are_redacted(database, gql):
    # given
    tenant = make_tenant(database)
    variables = {
        "input": {
            "clientId": tenant.clients["A"].global_id,
            "kind": "AGGREGATOR",
            "name": "agg",
            "baseUrl": "https://carrier.example.com/api",
            "enabled": True,
            "apiKey": "sk_live_do_not_keep_me",
        }
    }
    # when
    made = gql(CREATE_ACCOUNT, variables, key=tenant.key)
    # then
    assert made["data"]["createCarrierAccount"]["userErrors"] == []
    answer = gql(EVENTS, {"filter": {"mutation": ["createCarrierAccount"]}}, key=tenant.key)
    assert "sk_live_do_not_keep_me" not in str(answer)
    [event] = [edge["node"] for edge in answer["data"]["auditEvents"]["edges"]]
    assert event["input"]["input"]["apiKey"] == "[redacted]"
    assert event["input"]["input"]["baseUrl"] == "https://carrier.example.com/api"
    assert event["objectType"] == "CarrierAccount"


def test_a_refusal_is_recorded_and_nothing_else_is_written(database, gql):
    # given
    tenant = make_tenant(database)
    gql(CREATE_CLIENT, {"input": {"code": "C", "name": "Client C"}}, key=tenant.key)
    clients_before = count_rows(database, "clients")
    # when
    refused = gql(CREATE_CLIENT, {"input": {"code": "C", "name": "Again"}}, key=tenant.key)
    # then
    assert refused["data"]["createClient"]["userErrors"] == [{"code": "DUPLICATE"}]
    assert count_rows(database, "clients") == clients_before
    [event] = events(gql, tenant.key, outcome="REFUSED")
    assert event["mutation"] == "createClient"
    assert event["errorCodes"] == ["DUPLICATE"]
    assert event["objectId"] is None


def test_a_client_sees_only_the_events_its_own_keys_caused(database, gql):
    # given
    tenant = make_tenant(database)
    other = make_tenant(database, "Contoso")
    client_a = make_key(database, tenant, KeyKind.CLIENT, ["admin"], client="A")
    client_b = make_key(database, tenant, KeyKind.CLIENT, ["admin"], client="B")
    product = """mutation($input: CreateProductInput!) { createProduct(input: $input) {
      product { id } userErrors { code } } }"""
    gql(product, {"input": {"sku": "A-1", "name": "a"}}, key=client_a)
    gql(product, {"input": {"sku": "B-1", "name": "b"}}, key=client_b)
    gql(CREATE_CLIENT, {"input": {"code": "C", "name": "Client C"}}, key=tenant.key)
    gql(CREATE_CLIENT, {"input": {"code": "C", "name": "Client C"}}, key=other.key)
    # when
    seen_by_a = events(gql, client_a)
    seen_by_provider = events(gql, tenant.key)
    seen_by_other = events(gql, other.key)
    # then
    assert [e["input"]["input"].get("sku") for e in seen_by_a] == ["A-1"], seen_by_a
    assert sorted(e["mutation"] for e in seen_by_provider) == [
        "createClient",
        "createProduct",
        "createProduct",
    ]
    assert [e["mutation"] for e in seen_by_other] == ["createClient"]


def test_a_client_key_without_the_audit_scope_is_refused(database, gql):
    # given
    tenant = make_tenant(database)
    # when
    result = gql(EVENTS, {}, key=tenant.clients["A"].key)
    # then
    assert result["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"


def test_filters_by_object_actor_and_time_and_pages_newest_first(database, gql):
    # given
    tenant = make_tenant(database)
    second_key = make_key(database, tenant)
    made = gql(CREATE_CLIENT, {"input": {"code": "C", "name": "C"}}, key=tenant.key)
    gql(CREATE_CLIENT, {"input": {"code": "D", "name": "D"}}, key=second_key)
    gql(CREATE_CLIENT, {"input": {"code": "E", "name": "E"}}, key=tenant.key)
    client_c = made["data"]["createClient"]["client"]["id"]
    everything = events(gql, tenant.key)
    # when
    about_c = events(gql, tenant.key, objectId=client_c)
    by_second = events(gql, tenant.key, actorKeyId=everything[1]["actorKeyId"])
    before_last = events(gql, tenant.key, occurredBefore=everything[0]["occurredAt"])
    after_first = events(gql, tenant.key, occurredAfter=everything[1]["occurredAt"])
    foreign = events(gql, tenant.key, objectId=global_id("Client", uuid.uuid4()))
    page = gql(EVENTS, {"first": 2}, key=tenant.key)["data"]["auditEvents"]
    rest = gql(EVENTS, {"first": 2, "after": page["pageInfo"]["endCursor"]}, key=tenant.key)
    # then
    assert [e["input"]["input"]["code"] for e in everything] == ["E", "D", "C"]
    assert [e["input"]["input"]["code"] for e in about_c] == ["C"]
    assert [e["input"]["input"]["code"] for e in by_second] == ["D"]
    assert [e["input"]["input"]["code"] for e in before_last] == ["D", "C"]
    assert [e["input"]["input"]["code"] for e in after_first] == ["E", "D"]
    assert foreign == []
    assert page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["input"]["input"]["code"] for e in rest["data"]["auditEvents"]["edges"]] == [
        "C"
    ]


def test_the_event_is_written_in_the_transaction_of_the_change(database, gql):
    # given
    tenant = make_tenant(database)
    # when
    gql(CREATE_CLIENT, {"input": {"code": "C", "name": "C"}}, key=tenant.key)
    # then
    with UnitOfWork(database.session_factory, tenant.provider_id) as uow:
        rows = [(r.mutation, r.outcome.value) for r in uow.session.scalars(select(AuditEvent))]
    assert rows == [("createClient", "ok")]


@pytest.mark.parametrize(
    "foreign",
    [
        {"actorKeyId": global_id("Order", uuid.uuid4())},
        {"actorKeyId": global_id("ApiKey", uuid.uuid4())},
        {"objectId": global_id("Client", uuid.uuid4())},
    ],
)
def test_a_filter_id_of_another_type_or_unknown_matches_nothing(database, gql, foreign):
    # given
    tenant = make_tenant(database)
    gql(CREATE_CLIENT, {"input": {"code": "C", "name": "C"}}, key=tenant.key)
    # when
    found = events(gql, tenant.key, **foreign)
    # then
    assert found == []
