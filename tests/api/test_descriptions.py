"""Docstrings describe the schema; every enum value is described or the import fails."""

from __future__ import annotations

from enum import StrEnum

import pytest
import strawberry

from api.descriptions import describe_from_docstrings, described_enum


class Colour(StrEnum):
    """A domain enum, free of GraphQL."""

    RED = "red"
    GREEN = "green"


@strawberry.type
class Parcel:
    """Something to ship."""

    weight: int = strawberry.field(description="In grams, said explicitly.")

    @strawberry.field(description="Explicit wins over the docstring.")
    def label(self) -> str:
        """Never shown."""
        return "label"

    @strawberry.field
    def volume(self) -> int:
        """Cubic centimetres."""
        return 1


@strawberry.type
class Plain:
    size: int


@strawberry.type
class Query:
    @strawberry.field
    def parcel(self) -> Parcel:
        """The one parcel."""
        return Parcel(weight=1)

    @strawberry.field
    def plain(self) -> Plain:
        return Plain(size=1)


def test_types_and_resolvers_without_a_description_take_their_docstring():
    # given
    schema = strawberry.Schema(query=Query)._schema
    # when
    describe_from_docstrings(schema)
    # then
    parcel = schema.type_map["Parcel"]
    assert parcel.description == "Something to ship."
    assert parcel.fields["volume"].description == "Cubic centimetres."
    assert parcel.fields["label"].description == "Explicit wins over the docstring."
    assert parcel.fields["weight"].description == "In grams, said explicitly."
    assert schema.query_type.fields["parcel"].description == "The one parcel."
    # a dataclass's generated signature is not a description
    assert schema.type_map["Plain"].description is None
    assert schema.query_type.fields["plain"].description is None


def test_a_described_enum_describes_each_value():
    wrapped = described_enum(
        Colour,
        name="Colour",
        description="A colour.",
        values={Colour.RED: "Stop.", Colour.GREEN: "Go."},
    )
    values = {v.name: v.description for v in wrapped.__strawberry_definition__.values}
    assert values == {"RED": "Stop.", "GREEN": "Go."}


def test_an_enum_value_without_a_description_is_refused():
    class Signal(StrEnum):
        STOP = "stop"
        GO = "go"

    with pytest.raises(ValueError, match=r"Signal values without a description: \['GO'\]"):
        described_enum(Signal, name="Signal", description="A signal.", values={Signal.STOP: "x"})
