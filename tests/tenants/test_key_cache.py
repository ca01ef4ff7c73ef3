"""Verified keys are remembered briefly, boundedly, and forgotten when revoked."""

from __future__ import annotations

import uuid

import pytest

from tenants.errors import AuthenticationError
from tenants.key_cache import VerifiedKeys
from tenants.models import KeyKind
from tenants.scope import TenantScope


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def scope() -> TenantScope:
    return TenantScope(
        provider_id=uuid.uuid4(),
        kind=KeyKind.PROVIDER,
        scopes=frozenset({"orders:read"}),
        key_id=uuid.uuid4(),
        key_prefix="abc",
    )


class Checks:
    """A key check that counts its calls, accepting the keys it was given."""

    def __init__(self, accepted: dict[str, TenantScope]) -> None:
        self.accepted, self.calls = accepted, 0

    def __call__(self, session: object, plaintext: str | None) -> TenantScope:
        self.calls += 1
        if plaintext not in self.accepted:
            raise AuthenticationError("INVALID_API_KEY", "unknown")
        return self.accepted[plaintext]


def test_a_key_is_checked_again_only_once_its_seconds_are_up():
    # given
    clock, mine = Clock(), scope()
    keys, check = VerifiedKeys(seconds=5, clock=clock), Checks({"k1": mine})
    # when / then
    assert keys.authenticate(None, "k1", check) is mine
    clock.now += 4.9
    assert keys.authenticate(None, "k1", check) is mine
    assert check.calls == 1
    clock.now += 0.1
    assert keys.authenticate(None, "k1", check) is mine
    assert check.calls == 2


def test_refused_keys_are_never_remembered():
    keys, check = VerifiedKeys(clock=Clock()), Checks({})
    for _ in range(2):
        with pytest.raises(AuthenticationError):
            keys.authenticate(None, "forged", check)
    assert check.calls == 2
    assert keys.get("forged") is None


def test_a_revoked_key_is_forgotten_at_once():
    # given
    mine, other = scope(), scope()
    keys, check = VerifiedKeys(clock=Clock()), Checks({"k1": mine, "k2": other})
    keys.authenticate(None, "k1", check)
    keys.authenticate(None, "k2", check)
    # when
    keys.forget(mine.key_id)
    # then
    assert keys.get("k1") is None
    assert keys.get("k2") is other


def test_the_least_recently_used_key_goes_first_when_full():
    # given: room for two
    scopes = {f"k{i}": scope() for i in range(3)}
    keys, check = VerifiedKeys(size=2, clock=Clock()), Checks(scopes)
    keys.authenticate(None, "k0", check)
    keys.authenticate(None, "k1", check)
    keys.authenticate(None, "k0", check)  # k0 used again: k1 is now the oldest
    # when
    keys.authenticate(None, "k2", check)
    # then
    assert keys.get("k1") is None
    assert keys.get("k0") is scopes["k0"]
    assert keys.get("k2") is scopes["k2"]
