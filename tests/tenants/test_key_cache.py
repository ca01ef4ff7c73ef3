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


@pytest.fixture
def elsewhere(monkeypatch):
    """This process's verified keys on a hand-moved clock, and a transport whose inbox
    stands for what other processes publish."""
    from caching.invalidation import INVALIDATIONS
    from tenants import key_cache
    from tests.caching.test_invalidation import RecordingTransport

    clock = Clock()
    monkeypatch.setattr(key_cache, "VERIFIED", VerifiedKeys(clock=clock))
    transport = RecordingTransport(INVALIDATIONS)
    monkeypatch.setattr(INVALIDATIONS, "transport", transport)
    return key_cache.VERIFIED, transport, clock


def test_a_revocation_published_elsewhere_is_applied_before_the_next_answer(elsewhere):
    # given: two tenants' keys remembered here
    keys, transport, _ = elsewhere
    mine, theirs = scope(), scope()
    check = Checks({"k1": mine, "k2": theirs})
    keys.authenticate(None, "k1", check)
    keys.authenticate(None, "k2", check)
    # when: another process revokes k1 (its news has arrived, nobody has read it yet)
    transport.inbox.append(("api-key-revoked", str(mine.key_id)))
    # then: k1 is checked again, the other tenant's key is still answered from memory
    assert keys.get("k1") is None
    assert keys.get("k2") is theirs
    assert check.calls == 2


def test_a_revocation_made_here_is_sent_to_the_other_processes(elsewhere):
    from tenants.key_cache import announce_revoked

    keys, transport, _ = elsewhere
    mine = scope()
    keys.authenticate(None, "k1", Checks({"k1": mine}))
    announce_revoked(mine.key_id)
    assert keys.get("k1") is None
    assert transport.sent == [("api-key-revoked", str(mine.key_id))]


def test_a_revocation_heard_while_a_key_is_checked_keeps_it_from_being_remembered(elsewhere):
    # given: the check reads the key as active, and the revocation arrives meanwhile
    keys, transport, _ = elsewhere
    mine = scope()

    def check(session: object, plaintext: str | None) -> TenantScope:
        transport.inbox.append(("api-key-revoked", str(mine.key_id)))
        return mine

    # when
    keys.authenticate(None, "k1", check)
    # then: the next request checks the key again
    assert keys.get("k1") is None


def test_a_lost_revocation_still_ends_within_the_seconds(elsewhere):
    # given: the news of k1's revocation never reaches this process
    keys, _, clock = elsewhere
    mine = scope()
    check = Checks({"k1": mine})
    keys.authenticate(None, "k1", check)
    del check.accepted["k1"]  # revoked in the database
    # when / then: remembered until its seconds are up, refused after
    clock.now += 4.9
    assert keys.authenticate(None, "k1", check) is mine
    clock.now += 0.1
    with pytest.raises(AuthenticationError):
        keys.authenticate(None, "k1", check)


def test_missed_news_empties_the_keys(elsewhere):
    from caching.invalidation import INVALIDATIONS

    keys, _, _ = elsewhere
    keys.authenticate(None, "k1", Checks({"k1": scope()}))
    INVALIDATIONS.lost()
    assert keys.get("k1") is None
