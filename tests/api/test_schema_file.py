"""The committed SDL and docs/api.md's reference stay what the code serves."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import graphql

from crossdock.api_reference import DOC_FILE, reference, splice
from crossdock.sdl import REGENERATE, SCHEMA_FILE, code_sdl

ROOT = Path(__file__).resolve().parents[2]
STALE = (
    "{what} is not what the code serves. Whoever changes the schema regenerates it: "
    f"run `{REGENERATE}` and commit api/schema.graphql and docs/api.md. Differences:\n"
)


def _diff(committed: str, generated: str) -> str:
    lines = difflib.unified_diff(
        committed.splitlines(), generated.splitlines(), "committed", "code", lineterm="", n=1
    )
    return "\n".join(list(lines)[:60])


def crossdock(*args: str) -> subprocess.CompletedProcess[str]:
    """`crossdock ARGS` as a process, from the repository root."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    return subprocess.run(
        [sys.executable, "-m", "crossdock.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_committed_sdl_is_the_schema_the_code_serves():
    committed, generated = SCHEMA_FILE.read_text(), code_sdl()
    assert committed == generated, STALE.format(what="api/schema.graphql") + _diff(
        committed, generated
    )


def test_the_reference_in_docs_api_md_is_generated_from_the_current_schema():
    page = DOC_FILE.read_text()
    regenerated = splice(page, reference(code_sdl()))
    assert page == regenerated, STALE.format(what="The reference in docs/api.md") + _diff(
        page, regenerated
    )


def test_crossdock_schema_prints_the_committed_sdl():
    done = crossdock("schema")
    assert done.returncode == 0, done.stderr
    assert done.stdout == SCHEMA_FILE.read_text()


def undescribed(schema: graphql.GraphQLSchema) -> Iterator[str]:
    """Every type, field, argument, input field and enum value that lacks a description."""
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in graphql.specified_scalar_types:
            continue
        if not named.description and named not in roots:
            yield name  # a root type is described by its fields
        for field_name, field in getattr(named, "fields", {}).items():
            if not field.description:
                yield f"{name}.{field_name}"
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    yield f"{name}.{field_name}({arg_name}:)"
        for value_name, value in getattr(named, "values", {}).items():
            if not value.description:
                yield f"{name}.{value_name}"


def test_every_type_field_argument_input_field_and_enum_value_has_a_description():
    missing = list(undescribed(graphql.build_schema(code_sdl())))
    assert not missing, (
        f"{len(missing)} parts of the schema have no description: give each a docstring "
        "(types, resolvers) or `description=` (fields, arguments, enum values through "
        f"api.descriptions.described_enum), then run `{REGENERATE}`. Missing: " + ", ".join(missing)
    )


def test_the_description_check_finds_what_is_missing():
    sdl = '''
    """Reads."""
    type Query { a(x: Int): Thing }
    type Thing { """Described.""" b: Int, c: Int }
    """A kind."""
    enum Kind { """One.""" ONE TWO }
    '''
    found = list(undescribed(graphql.build_schema(sdl)))
    assert found == ["Query.a", "Query.a(x:)", "Thing", "Thing.c", "Kind.TWO"]
