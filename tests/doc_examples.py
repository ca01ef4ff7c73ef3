"""The GraphQL examples of a markdown page, read as a test reads them.

An example is a ```graphql block. A ```json block right after it holds its variables; a
string value `"$createClient.client.id"` there names a value from an earlier example's
answer (its top-level field, then keys and list indexes). An HTML comment on the line
before the block sets options: `<!-- example: as=client expect=INVALID_ID -->` runs it
with the demo's client key (`provider`, the default; `client`; `other-client`;
`supplier`) and
expects that error or userError code instead of a clean answer. A block of type
definitions is an excerpt of the schema and must match it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import graphql

BLOCK = re.compile(
    r"(?:^<!--\s*example:(?P<options>[^>]*?)\s*-->\s*\n)?"
    r"^```graphql\n(?P<document>.*?)^```[ \t]*\n"
    r"(?:\s*^```json\n(?P<variables>.*?)^```)?",
    flags=re.DOTALL | re.MULTILINE,
)
REFERENCE = re.compile(r"^\$(?P<path>[A-Za-z_]\w*(?:\.\w+)*)$")


@dataclass(frozen=True)
class Example:
    """One ```graphql block of a page, with its variables and options."""

    line: int
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    key: str = "provider"
    expect: str | None = None

    def __str__(self) -> str:
        return f"the example at line {self.line}"


def examples(page: str) -> list[Example]:
    """Every example of a markdown page, in order."""
    found = []
    for match in BLOCK.finditer(page):
        options = dict(
            option.split("=", 1) for option in (match.group("options") or "").split() if option
        )
        unknown = set(options) - {"as", "expect"}
        assert not unknown, f"unknown example options {unknown} at offset {match.start()}"
        found.append(
            Example(
                line=page.count("\n", 0, match.start("document")),
                document=match.group("document"),
                variables=json.loads(match.group("variables") or "{}"),
                key=options.get("as", "provider"),
                expect=options.get("expect"),
            )
        )
    return found


def resolve(variables: Any, answers: dict[str, Any]) -> Any:
    """`variables` with every `"$field.path"` string replaced by that earlier answer."""
    if isinstance(variables, dict):
        return {name: resolve(value, answers) for name, value in variables.items()}
    if isinstance(variables, list):
        return [resolve(value, answers) for value in variables]
    match = REFERENCE.match(variables) if isinstance(variables, str) else None
    if match is None:
        return variables
    value: Any = answers
    for step in match.group("path").split("."):
        try:
            value = value[int(step)] if isinstance(value, list) else value[step]
        except (KeyError, IndexError, TypeError, ValueError):
            raise AssertionError(f"no earlier answer gives {variables} (at {step!r})") from None
    return value


def operations(document: graphql.DocumentNode) -> Iterator[tuple[str, str]]:
    """Each operation of a document, with its fragments, as (operation type, source)."""
    fragments = [d for d in document.definitions if isinstance(d, graphql.FragmentDefinitionNode)]
    for definition in document.definitions:
        if isinstance(definition, graphql.OperationDefinitionNode):
            alone = graphql.DocumentNode(definitions=(definition, *fragments))
            yield definition.operation.value, graphql.print_ast(alone)


def codes(answer: Any) -> list[str]:
    """Every error code of an answer: GraphQL errors' `extensions.code` and userErrors."""
    found = [
        (error.get("extensions") or {}).get("code", "") for error in answer.get("errors") or []
    ]
    return found + [code for code in _user_error_codes(answer.get("data"))]


def _user_error_codes(data: Any) -> Iterator[str]:
    if isinstance(data, list):
        for item in data:
            yield from _user_error_codes(item)
    elif isinstance(data, dict):
        for name, value in data.items():
            if name == "userErrors" and isinstance(value, list):
                yield from (error["code"] for error in value)
            else:
                yield from _user_error_codes(value)


def excerpt_differences(document: graphql.DocumentNode, schema: graphql.GraphQLSchema) -> list:
    """What a block of type definitions says that the schema does not."""
    differences = []
    for definition in document.definitions:
        name = definition.name.value  # type: ignore[attr-defined]
        actual = schema.get_type(name)
        if actual is None:
            differences.append(f"no type {name}")
            continue
        for member in getattr(definition, "fields", None) or ():
            real = getattr(actual, "fields", {}).get(member.name.value)
            shown = graphql.print_ast(member.type)
            if real is None or str(real.type) != shown:
                differences.append(f"{name}.{member.name.value}: {shown}")
        for value in getattr(definition, "values", None) or ():
            if value.name.value not in getattr(actual, "values", {}):
                differences.append(f"{name}.{value.name.value}")
    return differences


def run(
    page: str,
    gql: Any,
    keys: dict[str, str],
    schema: graphql.GraphQLSchema,
    answers: dict[str, Any] | None = None,
) -> int:
    """Run every example of `page` in order through `gql`; the number of examples run.

    `answers`, when given, collects each clean answer's top-level fields, later ones winning.
    """
    found = examples(page)
    answers = {} if answers is None else answers
    for example in found:
        document = graphql.parse(example.document)
        if all(isinstance(d, graphql.TypeSystemDefinitionNode) for d in document.definitions):
            differences = excerpt_differences(document, schema)
            assert not differences, f"{example} is not in the schema: {differences}"
            continue
        for kind, source in operations(document):
            problems = graphql.validate(schema, graphql.parse(source))
            assert not problems, f"{example} is invalid: {[p.message for p in problems]}"
            if kind == "subscription":
                continue  # valid is all a request can prove: events come later, over a socket
            answer = gql(source, resolve(example.variables, answers), key=keys[example.key])
            if example.expect:
                assert example.expect in codes(answer), f"{example} expected {example.expect}"
                continue  # a refusal's answer is nothing later examples could use
            assert not codes(answer), f"{example} failed: {answer}"
            answers.update(answer.get("data") or {})
    return len(found)
