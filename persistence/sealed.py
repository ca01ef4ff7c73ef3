"""Columns holding secrets: sealed on the way into the database, opened on the way out.

The box is installed once per process by the composition root (`use_secret_box`), like
the worker's session factory; every model column of type `Sealed` then stores ciphertext,
so no write path can forget to encrypt.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Text, TypeDecorator
from sqlalchemy.engine import Dialect


class SecretBox(Protocol):
    """Encrypts and decrypts secrets at rest."""

    def seal(self, plain: str) -> str:
        """The stored form of `plain`."""
        ...

    def open(self, sealed: str) -> str:
        """The plain value of a stored form."""
        ...


class NoSecretBox(RuntimeError):
    """A sealed column was read or written before the composition root installed a box."""


_box: SecretBox | None = None


def use_secret_box(box: SecretBox | None) -> None:
    """Install the process's box (None removes it)."""
    global _box
    _box = box


def secret_box() -> SecretBox:
    """The installed box."""
    if _box is None:
        raise NoSecretBox("no secret box installed: the composition root calls use_secret_box()")
    return _box


class Sealed(TypeDecorator[str]):
    """Text stored sealed by the installed `SecretBox`; never compare or filter on it."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else secret_box().seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else secret_box().open(value)
