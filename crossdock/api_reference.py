"""The API reference in docs/api.md, written from the schema's own descriptions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import graphql
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from crossdock.sdl import REGENERATE, SCHEMA_FILE

DOC_FILE = SCHEMA_FILE.parent.parent / "docs" / "api.md"
"""The hand-written conventions, followed by the generated reference."""
START = "<!-- reference:start (generated from the schema; edit descriptions in api/) -->"
END = "<!-- reference:end -->"
ROOTS = (("Queries", "Query"), ("Mutations", "Mutation"), ("Subscriptions", "Subscription"))
KINDS = (
    ("Objects", GraphQLObjectType, "object"),
    ("Interfaces", GraphQLInterfaceType, "interface"),
    ("Unions", GraphQLUnionType, "union"),
    ("Input types", GraphQLInputObjectType, "input"),
    ("Enums", GraphQLEnumType, "enum"),
    ("Scalars", GraphQLScalarType, "scalar"),
)


class StaleReferenceError(ValueError):
    """docs/api.md lacks the markers the generated reference sits between."""


def reference(sdl: str) -> str:
    """The markdown reference of every operation and type of `sdl`, markers excluded."""
    schema = graphql.build_schema(sdl)
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    parts = [
        "## Reference\n",
        f"Generated from the schema's descriptions by `{REGENERATE}`: change a description "
        "in `api/`, then regenerate; never edit this section by hand. The SDL itself is "
        "[`api/schema.graphql`](../api/schema.graphql).\n",
    ]
    for title, root_name in ROOTS:
        root = schema.get_type(root_name)
        if isinstance(root, GraphQLObjectType):
            parts.append(f"### {title}\n")
            parts.extend(_operation(root_name, name, field) for name, field in root.fields.items())
    for title, kind, label in KINDS:
        named = [
            t
            for name, t in sorted(schema.type_map.items())
            if isinstance(t, kind) and t not in roots and _documented(name)
        ]
        if named:
            parts.append(f"### {title}\n")
            parts.extend(_named_type(t, label) for t in named)
    return "\n".join(parts)


def splice(document: str, generated: str) -> str:
    """`document` with the text between its reference markers replaced by `generated`."""
    match = re.search(re.escape(START) + r".*?" + re.escape(END), document, flags=re.DOTALL)
    if match is None:
        raise StaleReferenceError(f"docs/api.md needs the lines {START!r} and {END!r}")
    block = f"{START}\n\n{generated.strip()}\n\n{END}"
    return document[: match.start()] + block + document[match.end() :]


def write_reference(sdl: str, path: Path = DOC_FILE) -> None:
    """Rewrite the generated section of docs/api.md from `sdl`."""
    path.write_text(splice(path.read_text(), reference(sdl)))


def _documented(name: str) -> bool:
    return not name.startswith("__") and name not in graphql.specified_scalar_types


def _operation(root: str, name: str, field: GraphQLField) -> str:
    args = ", ".join(f"{arg}: {arg_def.type}" for arg, arg_def in field.args.items())
    signature = f"{name}({args})" if args else name
    lines = [
        f"#### {root}.{name}\n",
        f"`{signature}` → {_link(field.type)}\n",
        _text(field.description) + _deprecation(field.deprecation_reason) + "\n",
    ]
    if field.args:
        lines.append(_arguments(field.args.items()))
    return "\n".join(lines)


def _named_type(named: GraphQLNamedType, label: str) -> str:
    lines = [f"#### {named.name} ({label})\n", _text(named.description) + "\n"]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        if named.interfaces:
            lines.append("Implements " + ", ".join(_link(i) for i in named.interfaces) + ".\n")
        lines.append(_fields(named.fields.items()))
    elif isinstance(named, GraphQLInputObjectType):
        lines.append(_arguments(named.fields.items(), heading="field"))
    elif isinstance(named, GraphQLEnumType):
        rows = [
            f"| `{value}` | {_cell(v.description)}{_deprecation(v.deprecation_reason)} |"
            for value, v in named.values.items()
        ]
        lines.append("\n".join(["| value | description |", "|---|---|", *rows]) + "\n")
    elif isinstance(named, GraphQLUnionType):
        lines.append("One of " + ", ".join(_link(t) for t in named.types) + ".\n")
    return "\n".join(lines)


def _fields(fields: Iterable[tuple[str, GraphQLField]]) -> str:
    rows = ["| field | type | description |", "|---|---|---|"]
    for name, field in fields:
        args = ", ".join(f"{arg}: {a.type}" for arg, a in field.args.items())
        shown = f"`{name}({args})`" if args else f"`{name}`"
        description = _cell(field.description) + _deprecation(field.deprecation_reason)
        rows.append(f"| {shown} | {_link(field.type)} | {description} |")
    return "\n".join(rows) + "\n"


def _arguments(
    args: Iterable[tuple[str, GraphQLArgument | GraphQLInputField]], heading: str = "argument"
) -> str:
    rows = [f"| {heading} | type | default | description |", "|---|---|---|---|"]
    for name, arg in args:
        default = _default(arg)
        description = _cell(arg.description) + _deprecation(arg.deprecation_reason)
        rows.append(f"| `{name}` | {_link(arg.type)} | {default} | {description} |")
    return "\n".join(rows) + "\n"


def _default(arg: GraphQLArgument | GraphQLInputField) -> str:
    literal = arg.ast_node.default_value if arg.ast_node else None
    if literal is None or isinstance(literal, graphql.NullValueNode):
        return ""
    return f"`{graphql.print_ast(literal)}`"


def _link(type_: object) -> str:
    named = graphql.get_named_type(type_)  # type: ignore[arg-type]
    if named is None or not _documented(named.name):
        return f"`{type_}`"
    label = next(label for _, kind, label in KINDS if isinstance(named, kind))
    return f"[`{type_}`](#{named.name.lower()}-{label})"


def _deprecation(reason: str | None) -> str:
    return f" **Deprecated:** {_cell(reason)}" if reason else ""


def _text(description: str | None) -> str:
    return description.strip() if description else "*No description.*"


def _cell(description: str | None) -> str:
    return _text(description).replace("|", "\\|").replace("\n", " ")
