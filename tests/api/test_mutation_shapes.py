"""The mutation conventions: one `input`, the object acted on as `id`, a payload of its own."""

from __future__ import annotations

import pytest
from graphql import GraphQLNonNull, get_named_type

from api.schema import build_schema

REFERENCE_NAMES = {"orderId", "fulfillmentOrderId", "deliveryId", "invoiceId", "holdId"}
"""Names an input once used for the object it acts on; that object is `id` now."""


def _mutations() -> list[tuple[str, object]]:
    return sorted(build_schema()._schema.mutation_type.fields.items())


@pytest.mark.parametrize(("name", "field"), _mutations(), ids=lambda v: str(v)[:40])
def test_every_mutation_takes_one_input_and_answers_its_own_payload(name, field):
    # given
    title = name[0].upper() + name[1:]
    # then
    assert list(field.args) == ["input"], name
    argument = field.args["input"].type
    assert isinstance(argument, GraphQLNonNull)
    assert get_named_type(argument).name == f"{title}Input"
    payload = get_named_type(field.type)
    assert payload.name == f"{title}Payload"
    assert "userErrors" in payload.fields
    user_error = get_named_type(payload.fields["userErrors"].type)
    assert str(user_error.fields["field"].type) == "[String!]"


@pytest.mark.parametrize(("name", "field"), _mutations(), ids=lambda v: str(v)[:40])
def test_no_input_names_the_object_it_acts_on_other_than_id(name, field):
    fields = set(get_named_type(field.args["input"].type).fields)
    assert not fields & REFERENCE_NAMES, f"{name} takes {fields & REFERENCE_NAMES}; use id"


def test_no_two_mutations_share_a_payload():
    payloads = [get_named_type(field.type).name for _, field in _mutations()]
    assert len(payloads) == len(set(payloads))
