"""The Fernet key ring: round trip, rotation order, and clear errors that reveal no key."""

from __future__ import annotations

import pytest

from adapters.secrets import FernetSecretBox, SecretKeyError, key_id, new_key, sealed_key_id

OLD, NEW = new_key(), new_key()


def test_a_sealed_secret_opens_to_itself_and_does_not_contain_it():
    # given
    box = FernetSecretBox([NEW])
    # when
    sealed = box.seal("whsec_very-secret")
    # then
    assert "very-secret" not in sealed
    assert sealed.startswith(f"fernet:{key_id(NEW)}:")
    assert box.open(sealed) == "whsec_very-secret"
    assert box.seal("whsec_very-secret") != sealed  # a fresh IV each time


def test_the_first_key_seals_and_every_key_opens():
    # given
    sealed_before = FernetSecretBox([OLD]).seal("sk_live_1")
    ring = FernetSecretBox([NEW, OLD])
    # when
    sealed_now = ring.seal("sk_live_1")
    # then
    assert ring.open(sealed_before) == "sk_live_1"
    assert sealed_key_id(sealed_now) == key_id(NEW)
    assert ring.current_prefix == f"fernet:{key_id(NEW)}:"


def test_a_value_of_a_key_not_configured_names_the_key_id_only():
    # given
    sealed = FernetSecretBox([OLD]).seal("sk_live_1")
    # when
    with pytest.raises(SecretKeyError) as missing:
        FernetSecretBox([NEW]).open(sealed)
    # then
    assert key_id(OLD) in str(missing.value)
    assert OLD not in str(missing.value)


def test_a_tampered_value_is_refused():
    # given
    box = FernetSecretBox([NEW])
    sealed = box.seal("sk_live_1")
    tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    # when / then
    with pytest.raises(SecretKeyError, match="does not open"):
        box.open(tampered)


@pytest.mark.parametrize("bad", ["not-a-key", "c2hvcnQ=", ""])
def test_a_malformed_key_is_refused_by_position_without_echoing_it(bad):
    # when
    with pytest.raises(SecretKeyError) as refused:
        FernetSecretBox([NEW, bad] if bad else [])
    # then
    message = str(refused.value)
    assert ("key 2" in message) if bad else ("no key" in message)
    assert not bad or bad not in message


def test_plain_text_is_not_taken_for_a_sealed_value():
    assert sealed_key_id("whsec_plain") is None
    with pytest.raises(SecretKeyError, match="not sealed"):
        FernetSecretBox([NEW]).open("whsec_plain")
