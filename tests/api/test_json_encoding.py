"""Responses are encoded by orjson as text; what it refuses is still encoded."""

from __future__ import annotations

import json

from api.view import CrossdockGraphQL


def _view() -> CrossdockGraphQL:
    return CrossdockGraphQL.__new__(CrossdockGraphQL)  # encoding needs no request state


def test_a_response_is_compact_utf8_text_equal_to_the_standard_encoding():
    # given: a result with text beyond ASCII, nulls, floats and nesting
    data = {"data": {"orders": [{"name": "Café Zürich 東京", "n": 1.5, "x": None}]}}
    # when
    encoded = _view().encode_json(data)
    # then: text (a WebSocket message stays a text frame), compact, the same JSON
    assert isinstance(encoded, str)
    assert " " not in encoded.replace("Café Zürich 東京", "")
    assert "東京" in encoded  # not escaped
    assert json.loads(encoded) == data


def test_an_integer_past_64_bits_is_still_encoded():
    # given: a value orjson refuses
    data = {"data": {"big": 2**70}}
    # when / then
    assert json.loads(_view().encode_json(data)) == data
