"""JSON column values go through orjson, and what orjson refuses through the standard library."""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, literal, select, type_coerce

from persistence import json_columns

VALUES = [
    {"name": "Zoë Ångström", "quantity": 3, "ratio": 0.5, "none": None, "tags": ["a", "b"]},
    {"huge": 2**70},  # past 64 bits: orjson refuses it
    {1: "a key that is not a string"},  # json writes it as "1"
]


@pytest.mark.parametrize("value", VALUES)
def test_a_json_value_comes_back_from_the_database_as_it_went_in(database, value):
    # when: the value is bound as a JSON parameter and read back as a JSON column
    with database.engine.connect() as connection:
        back = connection.scalar(select(type_coerce(literal(value, JSON), JSON)))
    # then: the same values (keys as JSON keeps them: strings)
    assert back == {str(key): item for key, item in value.items()}


def test_text_is_compact_utf8_and_refused_values_take_the_slow_way():
    assert json_columns.dumps({"name": "Zoë", "n": [1, 2]}) == '{"name":"Zoë","n":[1,2]}'
    assert json_columns.dumps({"huge": 2**70}) == '{"huge": 1180591620717411303424}'
    assert json_columns.loads('{"huge": 1180591620717411303424}') == {"huge": 2**70}
    assert json_columns.loads(b'{"a":[1,null]}') == {"a": [1, None]}


def test_the_application_engines_use_them(database):
    dialect = database.engine.dialect
    assert dialect._json_serializer is json_columns.dumps  # type: ignore[attr-defined]
    assert dialect._json_deserializer is json_columns.loads  # type: ignore[attr-defined]
