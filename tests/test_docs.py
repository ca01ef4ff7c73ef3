"""docs/api.md's examples, run against the demo data: what a reader pastes must work."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import doc_examples

API_DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_every_example_in_docs_api_md_runs_on_the_demo_data(gql, demo_keys, schema):
    ran = doc_examples.run(API_DOC.read_text(), gql, demo_keys, schema)
    assert ran >= 3, "docs/api.md should show the API at work"


BROKEN_PAGES = {
    "a field that does not exist": ("```graphql\n{ viewer { shoeSize } }\n```\n", "invalid"),
    "an example that is refused": (
        '```graphql\nmutation { createClient(input: {code: "", name: ""}) '
        "{ client { id } userErrors { code } } }\n```\n",
        "failed",
    ),
    "an expected code that never comes": (
        "<!-- example: expect=DUPLICATE -->\n```graphql\n{ viewer { kind } }\n```\n",
        "expected DUPLICATE",
    ),
    "a variable naming an answer never given": (
        "```graphql\nquery($id: ID!) { node(id: $id) { id } }\n```\n"
        '```json\n{"id": "$createClient.client.id"}\n```\n',
        "no earlier answer",
    ),
    "a schema excerpt that is not the schema": (
        "```graphql\ntype Viewer { kind: String }\n```\n",
        "not in the schema",
    ),
    "a client key reading what only providers may": (
        "<!-- example: as=client -->\n```graphql\n"
        "{ apiKeys(first: 1) { edges { node { prefix } } } }\n```\n",
        "failed",
    ),
}


@pytest.mark.parametrize(("page", "complaint"), BROKEN_PAGES.values(), ids=BROKEN_PAGES.keys())
def test_a_broken_example_fails(page, complaint, gql, demo_keys, schema):
    with pytest.raises(AssertionError, match=complaint):
        doc_examples.run(page, gql, demo_keys, schema)


def test_examples_read_variables_keys_and_expectations():
    page = (
        "text\n<!-- example: as=client expect=INVALID_ID -->\n```graphql\n{ a }\n```\n\n"
        '```json\n{"x": ["$q.b.0.c", 1]}\n```\n```graphql\ntype T { a: Int }\n```\n'
    )
    first, second = doc_examples.examples(page)
    assert (first.line, first.key, first.expect) == (3, "client", "INVALID_ID")
    assert doc_examples.resolve(first.variables, {"q": {"b": [{"c": "id-1"}]}}) == {
        "x": ["id-1", 1]
    }
    assert (second.key, second.expect, second.variables) == ("provider", None, {})
