"""Property-based fuzzing of the whole served schema (hypothesis-graphql over introspection).

Every query and mutation field gets a bounded number of generated operations, valid ones
and ones with a single schema violation, with any characters in strings (NUL and lone
surrogates included). No answer may be a 5xx, carry INTERNAL_ERROR, or issue more than
MOST_STATEMENTS SQL statements (a deterministic bound on the work one request can cause; a
hang is the test's timeout). Examples are derandomized, so a failure reproduces on every run.
"""

from __future__ import annotations

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis_graphql import Mode, from_schema

from tests.api.test_orders_statements import counting
from tests.factories import make_tenant

pytestmark = pytest.mark.timeout(600)  # ~1,600 requests: 20 s alone, minutes on a loaded machine

EXAMPLES_PER_FIELD = 10
"""Per field and mode: about 80 fields x 2 modes x 2 databases, about 20 s a database."""
MOST_STATEMENTS = 20
"""Per answer; measured at most 4 on SQLite and 6 on PostgreSQL,
so a query that loops over what it was given fails. Wall-clock bounds failed on a
loaded CI machine, where a validation error took 8 s to come back."""


def _strings(valid: list[str]) -> st.SearchStrategy[graphql.StringValueNode]:
    texts = st.one_of(st.sampled_from(valid), st.text(max_size=20))
    return texts.map(lambda text: graphql.StringValueNode(value=text))


CUSTOM_SCALARS = {
    "DateTime": _strings(["2026-03-01T12:00:00+00:00", "2026-03-01T12:00:00Z", "2026-03-01"]),
    "Date": _strings(["2026-03-01", "2026-02-30"]),
    "Decimal": _strings(["12.50", "0", "-1", "1e999999", "NaN"]),
    "JSON": st.just(graphql.ObjectValueNode(fields=())),
}


@pytest.fixture
def served_schema(app) -> graphql.GraphQLSchema:
    """The schema as a client sees it: introspected over HTTP."""
    answer = app.post("/graphql", json={"query": graphql.get_introspection_query()}).json()
    return graphql.build_client_schema(answer["data"])


def root_fields(schema: graphql.GraphQLSchema) -> list[str]:
    return [
        name
        for root in (schema.query_type, schema.mutation_type)
        if root is not None
        for name in root.fields
    ]


def test_no_generated_operation_breaks_the_server(database, app, served_schema):
    # given
    tenant = make_tenant(database)
    headers = {"authorization": f"Bearer {tenant.key}"}
    fields = root_fields(served_schema)
    assert len(fields) > 50
    failures: list[str] = []
    engine = app.app.state.session_factory.kw["bind"]

    def ask(document: str) -> None:
        with counting(engine) as seen:
            response = app.post("/graphql", json={"query": document}, headers=headers)
        problem = None
        if response.status_code >= 500:
            problem = f"HTTP {response.status_code}"
        elif len(seen) > MOST_STATEMENTS:
            problem = f"{len(seen)} SQL statements"
        elif response.status_code == 200:
            codes = [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]
            if "INTERNAL_ERROR" in codes:
                problem = "INTERNAL_ERROR"
        if problem:
            failures.append(f"{problem}: {document!r} -> {response.text[:300]}")

    # when
    for field in fields:
        for mode in (Mode.POSITIVE, Mode.NEGATIVE):
            strategy = from_schema(
                served_schema,
                fields=[field],
                custom_scalars=CUSTOM_SCALARS,
                codec=None,
                mode=mode,
            )

            @settings(
                max_examples=EXAMPLES_PER_FIELD,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(document=strategy)
            def run(document: str) -> None:
                ask(document)

            try:
                run()
            except InvalidArgument:
                assert mode is Mode.NEGATIVE  # the field has no argument to get wrong
    # then
    assert not failures, "\n".join(failures[:20])
