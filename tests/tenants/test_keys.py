"""API key material and the scopes a key holds."""

from __future__ import annotations

import re

import pytest

from tenants import keys
from tenants.models import KeyKind
from tenants.scopes import ADMIN, KIND_SCOPES, SCOPES, effective_scopes


def test_a_new_key_reads_mark_prefix_secret():
    # when
    material = keys.generate_key()
    # then
    assert re.fullmatch(r"cdk_[a-z0-9]{12}_[A-Za-z0-9_\-]{43}", material.plaintext)
    assert material.plaintext.split("_")[1] == material.prefix
    assert keys.parse_prefix(material.plaintext) == material.prefix


def test_new_keys_differ():
    made = [keys.generate_key() for _ in range(20)]
    assert len({m.plaintext for m in made}) == 20
    assert len({m.prefix for m in made}) == 20


def test_the_stored_hash_is_never_the_plaintext():
    material = keys.generate_key()
    assert material.secret_hash != material.plaintext
    assert material.plaintext not in material.secret_hash
    assert material.secret_hash == keys.hash_key(material.plaintext)
    assert re.fullmatch(r"[0-9a-f]{64}", material.secret_hash)


@pytest.mark.parametrize(
    "plaintext",
    [
        "",
        "cdk",
        "cdk_abcdefghijkl",
        "cdk_abcdefghijkl_",
        "cdk_abcdefghijkl_" + "x" * 31,
        "xyz_abcdefghijkl_" + "x" * 43,
        "CDK_abcdefghijkl_" + "x" * 43,
        "cdk_abcdefghijk_" + "x" * 43,
        "cdk_abcdefghijklm_" + "x" * 43,
        "cdk_ABCDEFGHIJKL_" + "x" * 43,
        "cdk_abcdefghij-l_" + "x" * 43,
        "cdk__abcdefghijkl" + "x" * 43,
        "Bearer cdk_abcdefghijkl_" + "x" * 43,
    ],
)
def test_malformed_keys_have_no_prefix(plaintext):
    assert keys.parse_prefix(plaintext) is None


def test_a_secret_may_itself_hold_underscores():
    assert keys.parse_prefix("cdk_abcdefghijkl_" + "_x" * 16) == "abcdefghijkl"


def test_matches_only_the_stored_key():
    # given
    material = keys.generate_key()
    other = keys.generate_key()
    # then
    assert keys.matches(material.plaintext, material.secret_hash)
    assert not keys.matches(other.plaintext, material.secret_hash)
    assert not keys.matches(material.plaintext[:-1], material.secret_hash)
    assert not keys.matches(material.plaintext + "x", material.secret_hash)
    assert not keys.matches(material.secret_hash, material.secret_hash)


def test_admin_expands_to_everything_the_kind_may_do():
    assert effective_scopes(KeyKind.PROVIDER, {ADMIN}) == frozenset(SCOPES)
    assert effective_scopes(KeyKind.CLIENT, {ADMIN}) == KIND_SCOPES[KeyKind.CLIENT]
    assert "clients:write" not in effective_scopes(KeyKind.CLIENT, {ADMIN})
    assert "billing:write" not in effective_scopes(KeyKind.CLIENT, {ADMIN})


def test_grants_beyond_the_kind_have_no_effect():
    granted = {"orders:read", "clients:read", "billing:write", "no:such"}
    assert effective_scopes(KeyKind.CLIENT, granted) == {"orders:read"}
    assert effective_scopes(KeyKind.SUPPLIER, granted | {ADMIN}) == {
        "orders:read",
        "orders:write",
        "inventory:read",
        "inventory:write",
        "webhooks:read",
        "webhooks:write",
    }


def test_plain_grants_are_kept_as_given():
    assert effective_scopes(KeyKind.PROVIDER, {"orders:read", "keys:write"}) == {
        "orders:read",
        "keys:write",
    }
    assert effective_scopes(KeyKind.PROVIDER, set()) == frozenset()


def test_every_kind_scope_is_a_known_scope():
    for kind in KeyKind:
        assert KIND_SCOPES[kind] <= SCOPES.keys()
