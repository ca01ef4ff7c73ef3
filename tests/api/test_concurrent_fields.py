"""Fields that resolve concurrently share one authentication and never lock each other out."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.factories import make_tenant

TWO_ROOTS = "{ viewer { kind } clients(first: 5) { edges { node { code } } } apiKeys(first: 5) { edges { node { prefix } } } }"


def test_several_root_fields_in_one_request_all_resolve(database, gql):
    # given
    tenant = make_tenant(database)
    # when
    result = gql(TWO_ROOTS, key=tenant.key)
    # then
    assert "errors" not in result, result
    assert [e["node"]["code"] for e in result["data"]["clients"]["edges"]] == ["A", "B"]


def test_concurrent_requests_do_not_wait_on_each_other(database, gql):
    # given
    tenant = make_tenant(database)
    # when
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: gql(TWO_ROOTS, key=tenant.key), range(8)))
    # then
    assert all("errors" not in result for result in results), results
