"""`crossdock schema --check`: every breaking change against an older SDL is a decision."""

from __future__ import annotations

from pathlib import Path

from crossdock.sdl import SCHEMA_FILE, SchemaChange, allowed_lines, compare, unacknowledged
from tests.api.test_schema_file import crossdock

OLD = """
type Query { order(id: ID!): Order, orders(status: String): [Order!]! }
type Order { id: ID!, status: Status!, total: String }
enum Status { OPEN CLOSED }
"""
NEW = """
type Query { order(id: ID!): Order, orders(status: [Status!], first: Int): [Order!]! }
type Order { id: ID!, status: Status!, createdAt: String }
enum Status { OPEN CLOSED CANCELLED }
"""


def test_removals_and_retyped_arguments_are_breaking_additions_are_not():
    changes = compare(OLD, NEW)
    assert changes == [
        SchemaChange(
            "ARG_CHANGED_KIND",
            "Argument Query.orders(status:) has changed type from String to [Status!].",
            True,
        ),
        SchemaChange("FIELD_REMOVED", "Field Order.total was removed.", True),
        SchemaChange(
            "OPTIONAL_ARG_ADDED", "An optional argument Query.orders(first:) was added.", False
        ),
        SchemaChange("VALUE_ADDED_TO_ENUM", "Enum value Status.CANCELLED was added.", False),
    ]
    allow = "# totals move to Money\nFIELD_REMOVED Field Order.total was removed.\n"
    assert [c.kind for c in unacknowledged(changes, allowed_lines(allow))] == ["ARG_CHANGED_KIND"]


def test_check_fails_on_an_unacknowledged_break_until_it_is_acknowledged(tmp_path: Path):
    # given an older SDL with a type the code no longer has
    older = tmp_path / "older.graphql"
    older.write_text(SCHEMA_FILE.read_text() + "\ntype Retired {\n  a: Int\n}\n")
    allow = tmp_path / "schema.breaking.allow"
    check = ("schema", "--check", "--against", str(older), "--allow-file", str(allow))
    # when
    refused = crossdock(*check)
    # then
    assert refused.returncode == 1, refused.stderr
    assert "BREAKING: TYPE_REMOVED Retired was removed." in refused.stdout
    assert "--acknowledge" in refused.stderr
    assert not allow.exists()
    # when someone decides
    decided = crossdock(*check, "--acknowledge", "Retired was never used")
    # then the decision is written down with its reason, and the check passes
    assert decided.returncode == 0, decided.stderr
    assert allow.read_text() == "\n# Retired was never used\nTYPE_REMOVED Retired was removed.\n"
    again = crossdock(*check)
    assert again.returncode == 0, again.stderr
    assert "breaking, acknowledged: TYPE_REMOVED Retired was removed." in again.stdout


def test_check_against_the_committed_sdl_finds_nothing(tmp_path: Path):
    done = crossdock("schema", "--check", "--allow-file", str(tmp_path / "none"))
    assert (done.returncode, done.stdout) == (0, "")


def test_an_acknowledgement_needs_a_reason_and_a_check(tmp_path: Path):
    allow = tmp_path / "allow"
    for args in (("--check", "--acknowledge", " "), ("--acknowledge", "because")):
        done = crossdock("schema", *args, "--allow-file", str(allow))
        assert done.returncode == 2
        assert "--acknowledge takes a reason" in done.stderr
    assert not allow.exists()
