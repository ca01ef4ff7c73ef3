"""A document is validated once per process; repeated requests reuse the answer."""

from __future__ import annotations

import uuid

from api.limits.document import parse_document
from api.limits.validation import ValidationResults, schema_validation_results
from api.schema import build_schema
from tests.api.order_documents import CREATE
from tests.conftest import GraphQLClient
from tests.factories import make_tenant
from tests.factories_orders import make_order_world, order_input


def _counts() -> tuple[int, int]:
    results = schema_validation_results(build_schema())
    return results.hits, results.misses


def test_three_identical_requests_validate_once_and_hit_twice(database, app):
    # given: a document no other test sends (the cache lives as long as the process)
    tenant = make_tenant(database)
    gql = GraphQLClient(app)
    query = f"# {uuid.uuid4()}\n{{ orders(first: 2) {{ edges {{ node {{ id }} }} }} }}"
    hits, misses = _counts()
    # when
    answers = [gql(query, key=tenant.key) for _ in range(3)]
    # then
    assert all(answer == {"data": {"orders": {"edges": []}}} for answer in answers)
    assert _counts() == (hits + 2, misses + 1)


def test_an_invalid_document_is_refused_every_time_from_the_cache(database, app):
    # given
    tenant = make_tenant(database)
    gql = GraphQLClient(app)
    query = f"# {uuid.uuid4()}\n{{ orders(first: 2) {{ edges {{ node {{ nope }} }} }} }}"
    hits, misses = _counts()
    # when
    answers = [gql(query, key=tenant.key) for _ in range(2)]
    # then: the same error each time, the second without validating again
    for answer in answers:
        assert answer["data"] is None
        assert "Cannot query field 'nope' on type 'Order'." in answer["errors"][0]["message"]
    assert _counts() == (hits + 1, misses + 1)


def test_the_cache_forgets_the_least_recently_used_document_past_its_size():
    results = ValidationResults(maxsize=2)
    for text in ("a", "b", "a", "c"):
        if results.get((text, ())) is None:
            results.put((text, ()), [])
    assert results.get(("b", ())) is None  # evicted: "a" was used after it
    assert results.get(("a", ())) == []
    assert (results.hits, results.misses) == (2, 4)


def test_create_order_is_parsed_and_validated_once_for_any_variables(database, app):
    # given: a createOrder document no other test sends, sent with different variables
    world = make_order_world(database)
    gql = GraphQLClient(app)
    mutation = f"# {uuid.uuid4()}\n{CREATE}"
    hits, misses = _counts()
    parsed = parse_document.cache_info()
    # when
    made = [
        gql(mutation, {"input": order_input(f"SO-V{n}")}, key=world.tenant.clients["A"].key)
        for n in range(3)
    ]
    # then: one validation, then two hits; one parse (the text is looked up more than once
    # per request, every later lookup a hit)
    assert [m["data"]["createOrder"]["order"]["status"] for m in made] == ["ALLOCATED"] * 3
    assert _counts() == (hits + 2, misses + 1)
    after = parse_document.cache_info()
    assert after.misses - parsed.misses == 1
    assert after.hits - parsed.hits >= 2
