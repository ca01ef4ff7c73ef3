"""The committed GraphQL SDL: what the code prints, and what changed between two versions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import graphql

import api

SCHEMA_FILE = Path(api.__file__).resolve().parent / "schema.graphql"
"""The schema as committed; a test keeps it equal to what the code prints."""
ALLOW_FILE = SCHEMA_FILE.with_name("schema.breaking.allow")
"""Breaking changes someone decided to make, one per line, each under a `#` reason."""
REGENERATE = "./dev crossdock schema --write"
"""The command that rewrites the SDL file and the reference in docs/api.md from the code."""


def code_sdl() -> str:
    """The SDL of the schema the code serves, as committed to the SDL file."""
    from api.schema import build_schema
    from crossdock.settings import Settings

    # the same arguments as the app's, so that the cached schema is built once per process
    depth = Settings.from_env({}).max_query_depth
    return build_schema(max_query_depth=depth).as_str().rstrip("\n") + "\n"


@dataclass(frozen=True, order=True)
class SchemaChange:
    """One difference between two schemas that a client could notice."""

    kind: str
    description: str
    breaking: bool

    @property
    def line(self) -> str:
        """The change as written in the allow file: its kind, then graphql-core's words."""
        return f"{self.kind} {self.description}"


def compare(old_sdl: str, new_sdl: str) -> list[SchemaChange]:
    """Breaking, then dangerous changes from `old_sdl` to `new_sdl`, each group sorted."""
    old, new = graphql.build_schema(old_sdl), graphql.build_schema(new_sdl)
    breaking = sorted(
        SchemaChange(change.type.name, change.description, breaking=True)
        for change in graphql.find_breaking_changes(old, new)
    )
    dangerous = sorted(
        SchemaChange(change.type.name, change.description, breaking=False)
        for change in graphql.find_dangerous_changes(old, new)
    )
    return breaking + dangerous


def allowed_lines(text: str) -> set[str]:
    """The acknowledged changes in an allow file's text (comments and blanks ignored)."""
    return {
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }


def unacknowledged(changes: Iterable[SchemaChange], allowed: set[str]) -> list[SchemaChange]:
    """The breaking changes that no line of the allow file names."""
    return [change for change in changes if change.breaking and change.line not in allowed]


def acknowledgement(changes: Sequence[SchemaChange], reason: str) -> str:
    """Lines to append to the allow file: the reason as a comment, then each change."""
    if not reason.strip():
        raise ValueError("a breaking change needs a reason")
    reasons = "".join(f"# {line}\n" for line in reason.strip().splitlines())
    return "\n" + reasons + "".join(f"{change.line}\n" for change in changes)
