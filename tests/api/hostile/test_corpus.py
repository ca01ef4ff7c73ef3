"""The regression corpus of hostile requests: each one's status, error code, and that it
wrote nothing. Every request tries to create a client, so a write would show."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.factories import count_rows, make_tenant

CREATE = (
    "mutation($input: CreateClientInput!) { createClient(input: $input) { userErrors { code } } }"
)
GOOD = {"code": "NEW", "name": "New client"}


@dataclass(frozen=True)
class Case:
    """One hostile request and how it must be answered."""

    name: str
    body: bytes | None = None
    payload: dict[str, Any] | None = None
    content_type: str = "application/json"
    status: int = 200
    code: str | None = None
    """The GraphQL error code (status 200), or None for an HTTP refusal."""
    says: str = ""
    """Words the answer must contain."""
    keyed: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


CORPUS = [
    # malformed HTTP: 400 with a clear message
    Case("not UTF-8", body=b'{"query": "\xff\xfe"}', status=400, says="not valid UTF-8"),
    Case("a JSON string", body=b'"mutation { createClient }"', status=400, says="JSON object"),
    Case("a JSON number", body=b"12", status=400, says="JSON object"),
    Case("not JSON", body=b'{"query": ', status=400, says="not valid JSON"),
    Case(
        "variables nested 100,000 deep",
        body=b'{"query": "'
        + CREATE.replace('"', '\\"').encode()
        + b'", "variables": {"input": '
        + nested(100_000)
        + b"}}",
        status=400,
        says="nests deeper",
    ),
    Case(
        "variables nested 40 deep",
        payload={"query": CREATE, "variables": {"input": json.loads(nested(40).decode())}},
        status=400,
        says="nests deeper",
    ),
    Case(
        "duplicate operation names",
        payload={
            "query": "mutation A { __typename } " + CREATE.replace("mutation(", "mutation A("),
            "operationName": "A",
            "variables": {"input": GOOD},
        },
        status=400,
        says="repeats A",
    ),
    Case("operationName not a string", payload={"query": CREATE, "operationName": 5}, status=400),
    Case("text/plain", body=b"mutation { x }", content_type="text/plain", status=400),
    Case(
        "form data", body=b"query=x", content_type="application/x-www-form-urlencoded", status=400
    ),
    Case("variables a list", payload={"query": CREATE, "variables": [GOOD]}, status=400),
    # variables that do not fit their type: BAD_USER_INPUT naming the variable and the path
    Case(
        "Int 2^31",
        payload={
            "query": "query($n: Int) { orders(first: $n) { __typename } }",
            "variables": {"n": 2**31},
        },
        code="BAD_USER_INPUT",
        says="$n",
    ),
    Case(
        "Int 2^53+1",
        payload={
            "query": "query($n: Int) { orders(first: $n) { __typename } }",
            "variables": {"n": 2**53 + 1},
        },
        code="BAD_USER_INPUT",
        says="$n",
    ),
    Case(
        "Int 1.5",
        payload={
            "query": "query($n: Int) { orders(first: $n) { __typename } }",
            "variables": {"n": 1.5},
        },
        code="BAD_USER_INPUT",
        says="$n",
    ),
    Case(
        "missing required variable", payload={"query": CREATE}, code="BAD_USER_INPUT", says="$input"
    ),
    Case(
        "missing required field",
        payload={"query": CREATE, "variables": {"input": {"code": "X"}}},
        code="BAD_USER_INPUT",
        says="name",
    ),
    Case(
        "unknown enum value",
        payload={
            "query": 'mutation($k: KeyKind!) { createApiKey(input: {name: "k", kind: $k}) '
            "{ userErrors { code } } }",
            "variables": {"k": "ROOT"},
        },
        code="BAD_USER_INPUT",
        says="$k",
    ),
    Case(
        "bad DateTime",
        payload={
            "query": "mutation($id: ID!, $d: DateTime) { markInvoicePaid(input: {id: $id, paidAt: $d}) "
            "{ userErrors { code } } }",
            "variables": {"id": "SW52b2ljZTow", "d": "yesterday"},
        },
        code="BAD_USER_INPUT",
        says="$d",
    ),
    Case(
        "unknown enum value written inline",
        payload={
            "query": 'mutation { createApiKey(input: {name: "k", kind: ROOT}) { userErrors { code } } }'
        },
        code="GRAPHQL_VALIDATION_FAILED",
        says="ROOT",
    ),
    Case(
        "unknown field",
        payload={"query": 'mutation { createClient(input: {code: "X", name: "Y"}) { nope } }'},
        code="GRAPHQL_VALIDATION_FAILED",
        says="nope",
    ),
    # documents: refused before anything expensive
    Case(
        "too many tokens",
        payload={"query": "{ " + "__typename " * 6_000 + "}"},
        code="DOCUMENT_TOO_LARGE",
    ),
    Case(
        "no key",
        payload={"query": CREATE, "variables": {"input": GOOD}},
        keyed=False,
        code="UNAUTHENTICATED",
    ),
]


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_a_hostile_request_is_refused_clearly_and_writes_nothing(database, app, case, caplog):
    # given
    tenant = make_tenant(database)
    before = count_rows(database, "clients")
    headers = {"content-type": case.content_type}
    if case.keyed:
        headers["authorization"] = f"Bearer {tenant.key}"
    body = case.body if case.body is not None else json.dumps(case.payload).encode()
    caplog.set_level(logging.INFO, logger="crossdock.api")
    # when
    response = app.post("/graphql", content=body, headers=headers)
    # then
    assert response.status_code == case.status, response.text
    if case.code is not None:
        errors = response.json()["errors"]
        assert [e["extensions"]["code"] for e in errors] == [case.code], errors
        assert case.says in errors[0]["message"], errors
    else:
        assert case.says in response.text
    assert count_rows(database, "clients") == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
