"""Declarative base, id generation and the column types every model shares."""

from __future__ import annotations

import os
import threading
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import DateTime, Enum, MetaData, Numeric, TypeDecorator, Uuid, func
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_RANDOM_BITS = 74  # rand_a (12 bits) and rand_b (62 bits) of a UUIDv7
_RANDOM_MASK = (1 << _RANDOM_BITS) - 1


class _MonotonicClock:
    """The last id's millisecond and random part, so the next id always sorts after it.

    RFC 9562 section 6.2, method 2: within one millisecond (or when the clock steps back)
    the 74 random bits grow by a random step instead of being drawn afresh; a new
    millisecond draws them with the top bit clear, leaving room for 2**41 more ids in it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.millis = -1
        self.random = 0

    def next(self) -> tuple[int, int]:
        """The (millisecond, random part) of the next id."""
        now = time.time_ns() // 1_000_000
        with self.lock:
            if now > self.millis:
                self.millis, self.random = now, _random_bits(_RANDOM_BITS - 1)
            else:
                self.random += 1 + _random_bits(32)
                if self.random > _RANDOM_MASK:  # the millisecond is full: borrow the next one
                    self.millis, self.random = self.millis + 1, _random_bits(_RANDOM_BITS - 1)
            return self.millis, self.random

    def reset(self) -> None:
        """Forget the state (a forked child must not share its parent's lock)."""
        self.lock = threading.Lock()
        self.millis, self.random = -1, 0


def _random_bits(bits: int) -> int:
    return int.from_bytes(os.urandom((bits + 7) // 8), "big") >> (-bits % 8)


_clock = _MonotonicClock()
os.register_at_fork(after_in_child=_clock.reset)


def new_id() -> uuid.UUID:
    """A time-ordered UUID (version 7), increasing within the process.

    New rows land at the end of B-tree indexes, and ids made one after the other sort in
    the order they were made, even within one millisecond: the outbox and the event feeds
    read id order as event order.
    """
    millis, random = _clock.next()
    rand_a, rand_b = random >> 62, random & ((1 << 62) - 1)
    value = (millis & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware.

    SQLite has no time zones; without this, values read back naive there.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = Numeric(18, 4, asdecimal=True)
"""Money amounts: exact decimals, never float. The currency lives in its own column."""


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: Uuid(),
        datetime: UTCDateTime(),
        Decimal: Money,
    }


class Timestamped:
    """Creation and update times, set by the database clock on insert."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )


def tenant_tables() -> list[str]:
    """Names of every table that carries `provider_id`, and so needs row-level security."""
    return sorted(
        table.name
        for table in Base.metadata.sorted_tables
        if "provider_id" in table.c or table.info.get("tenant_key")
    )


def enum_column(enum: type[StrEnum]) -> Enum:
    """A string column holding an enum's values (not names), portable across databases."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
    )
