"""The list conventions: `filter:` and `sort:` on every list, keyset pages under every sort."""

from __future__ import annotations

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, get_named_type

from api.schema import build_schema
from tests.factories import make_tenant

CLIENTS = """
query($first: Int, $after: String, $sort: ClientSort) {
  clients(first: $first, after: $after, sort: $sort) {
    edges { node { code } } pageInfo { hasNextPage endCursor }
  }
}
"""
KEYS = """
query($filter: ApiKeyFilterInput) { apiKeys(filter: $filter) { edges { node { kind } } } }
"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Client { code } } }"


def _list_fields() -> list[tuple[str, object]]:
    query = build_schema()._schema.query_type
    return [
        (name, field)
        for name, field in query.fields.items()
        if get_named_type(field.type).name.endswith("Connection")
    ]


def test_there_are_lists_to_check():
    assert len(_list_fields()) >= 15


def test_the_lists_integrations_sync_have_change_cursors():
    synced = {
        name
        for name, field in _list_fields()
        if "changeCursor" in get_named_type(field.type).fields
    }
    assert synced == {"orders", "shipments", "inventoryLevels"}


@pytest.mark.parametrize(("name", "field"), _list_fields(), ids=lambda v: str(v)[:40])
def test_every_list_takes_filter_and_sort_and_nothing_else(name, field):
    # given
    node = get_named_type(field.type).name.removesuffix("Connection")
    # then
    synced = "changeCursor" in get_named_type(field.type).fields
    plain = {"first", "after", "filter", "sort"}
    assert set(field.args) == (plain | {"changesAfter"} if synced else plain), name
    assert get_named_type(field.args["filter"].type).name == f"{node}FilterInput"
    sort = get_named_type(field.args["sort"].type)
    assert isinstance(sort, GraphQLInputObjectType)
    assert sort.name == f"{node}Sort"
    assert set(sort.fields) == {"field", "direction"}
    by = get_named_type(sort.fields["field"].type)
    assert isinstance(by, GraphQLEnumType)
    assert by.name == f"{node}SortField"
    # an append-only record (an audit event) is created when it occurs
    times = {"CREATED_AT", "UPDATED_AT", "OCCURRED_AT"}
    assert times & set(by.values), f"{name} cannot be sorted by time"
    assert get_named_type(sort.fields["direction"].type).name == "SortDirection"


def _walk(gql, key: str, sort: dict) -> list[str]:
    codes, after = [], None
    while True:
        page = gql(CLIENTS, {"first": 2, "after": after, "sort": sort}, key=key)["data"]["clients"]
        codes += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return codes
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("field", ["CODE", "CREATED_AT", "UPDATED_AT"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_pages_add_up_to_the_whole_list_under_every_sort(database, gql, field, direction):
    # given
    tenant = make_tenant(database, clients=("E", "C", "A", "D", "B"))
    sort = {"field": field, "direction": direction}
    whole = gql(CLIENTS, {"first": 100, "sort": sort}, key=tenant.key)["data"]["clients"]
    # when
    paged = _walk(gql, tenant.key, sort)
    # then
    assert paged == [edge["node"]["code"] for edge in whole["edges"]]
    assert sorted(paged) == ["A", "B", "C", "D", "E"]
    if field == "CODE":
        assert paged == sorted(paged, reverse=direction == "DESC")


def test_a_cursor_made_under_another_sort_is_refused(database, gql):
    # given
    tenant = make_tenant(database, clients=("A", "B", "C"))
    by_code = gql(CLIENTS, {"first": 1}, key=tenant.key)["data"]["clients"]
    # when
    result = gql(
        CLIENTS,
        {
            "first": 1,
            "after": by_code["pageInfo"]["endCursor"],
            "sort": {"field": "CODE", "direction": "DESC"},
        },
        key=tenant.key,
    )
    # then
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


def test_a_status_like_filter_matches_any_of_its_values(database, gql):
    # given
    tenant = make_tenant(database, clients=("A", "B"))

    def kinds(filter: dict) -> list[str]:
        answer = gql(KEYS, {"filter": filter}, key=tenant.key)["data"]["apiKeys"]["edges"]
        return sorted(edge["node"]["kind"] for edge in answer)

    # then
    assert kinds({"kind": ["CLIENT"]}) == ["CLIENT", "CLIENT"]
    assert kinds({"kind": ["PROVIDER", "CLIENT"]}) == ["CLIENT", "CLIENT", "PROVIDER"]
    assert kinds({"kind": []}) == ["CLIENT", "CLIENT", "PROVIDER"]
    assert kinds({"revoked": True}) == []


def test_nodes_answers_in_order_and_null_for_what_is_not_the_callers(database, gql):
    # given
    north = make_tenant(database, clients=("A", "B"))
    south = make_tenant(database, name="Southwind", clients=("S",))
    a, b, s = north.clients["A"], north.clients["B"], south.clients["S"]
    ids = [b.global_id, s.global_id, a.global_id]
    # when
    answer = gql(NODES, {"ids": ids}, key=north.key)
    # then
    assert "errors" not in answer, answer
    assert answer["data"]["nodes"] == [
        {"__typename": "Client", "code": "B"},
        None,
        {"__typename": "Client", "code": "A"},
    ]
