"""Leaf fields read straight from their attribute: the same answers and errors, less work."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

import pytest
import strawberry

from api.direct_resolvers import resolve_directly
from api.errors import CrossdockSchema
from api.execution import CrossdockExecutionContext
from api.money import DateTimeScalar


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


class Row:
    """A row as a resolver hands it over; `broken` raises, like a detached lazy attribute."""

    def __init__(self, name: Any = "lamp", colour: Any = Colour.RED, note: Any = None):
        self.name, self.colour, self.note = name, colour, note
        self.made = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)

    @property
    def broken(self) -> str:
        raise RuntimeError("the row is gone")


@strawberry.type
class Item:
    name: str
    colour: Colour
    note: str | None
    made: datetime
    broken: str


ROWS: list[Row] = []


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item | None] | None:
        return ROWS  # type: ignore[return-value]


@pytest.fixture
def schema() -> CrossdockSchema:
    ROWS[:] = [Row(), Row("desk", Colour.BLUE, "oak"), Row(None)]
    built = CrossdockSchema(query=Query, scalar_overrides={datetime: DateTimeScalar})
    assert resolve_directly(built) >= 5
    return built


def test_leaves_answer_as_completion_would(schema):
    result = schema.execute_sync("{ items { name colour note made } }")
    assert result.data is not None
    assert result.data["items"][:2] == [
        {"name": "lamp", "colour": "RED", "note": None, "made": "2026-12-02T09:30:00+00:00"},
        {"name": "desk", "colour": "BLUE", "note": "oak", "made": "2026-12-02T09:30:00+00:00"},
    ]
    # a null in a non-null leaf: the executor's own error, at its path, the item nulled
    assert result.data["items"][2] is None
    [error] = result.errors
    assert error.message == "Cannot return null for non-nullable field Item.name."
    assert error.path == ["items", 2, "name"]


def test_a_leaf_whose_attribute_raises_is_a_located_error(schema):
    result = schema.execute_sync("{ items { colour broken } }")
    assert result.data == {"items": [None, None, None]}
    assert {tuple(error.path) for error in result.errors} == {
        ("items", n, "broken") for n in range(3)
    }
    assert "the row is gone" in result.errors[0].message


def test_a_value_the_leaf_cannot_coerce_is_the_executors_error(schema):
    ROWS[:] = [Row(colour="green")]
    result = schema.execute_sync("{ items { colour } }")
    assert result.errors, result
    assert result.errors[0].path[-1] == "colour"


def test_leaves_build_no_resolve_info(schema, monkeypatch):
    # given: every resolve info the executor builds, counted
    built: list[str] = []
    original = CrossdockExecutionContext.build_resolve_info

    def counting(self: Any, field_def: Any, field_nodes: Any, parent_type: Any, path: Any):
        built.append(f"{parent_type.name}.{field_nodes[0].name.value}")
        return original(self, field_def, field_nodes, parent_type, path)

    monkeypatch.setattr(CrossdockExecutionContext, "build_resolve_info", counting)
    # when
    ROWS[:] = [Row(), Row(None)]
    result = schema.execute_sync("{ items { name colour made } }")
    # then: only the list and the non-null leaf that was null took the executor's way
    assert result.data["items"][0] == {
        "name": "lamp",
        "colour": "RED",
        "made": "2026-12-02T09:30:00+00:00",
    }
    assert built == ["Query.items", "Item.name"], built
