"""Billing periods: calendar months in UTC, named like "2026-03"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.errors import DomainError, DomainErrorCode

_NAME = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """One billing month: `start` inclusive, `end` exclusive."""

    start: date

    @classmethod
    def parse(cls, name: str, field: str = "period") -> Period:
        """The period named "YYYY-MM"."""
        match = _NAME.match(name.strip()) if name else None
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise DomainError(DomainErrorCode.INVALID, "A period looks like 2026-03.", field)
        return cls(date(int(match.group(1)), int(match.group(2)), 1))

    @classmethod
    def of(cls, year: int, month: int, field: str = "period") -> Period:
        """The period of a year and month, refused when there is no such month."""
        if not 2000 <= year <= 9999:
            raise DomainError(
                DomainErrorCode.INVALID, "The year must be 2000-9999.", f"{field}.year"
            )
        if not 1 <= month <= 12:
            raise DomainError(DomainErrorCode.INVALID, "The month must be 1-12.", f"{field}.month")
        return cls(date(year, month, 1))

    @classmethod
    def containing(cls, day: date) -> Period:
        """The period a day belongs to."""
        return cls(day.replace(day=1))

    @property
    def end(self) -> date:
        """The first day after the period."""
        if self.start.month == 12:
            return date(self.start.year + 1, 1, 1)
        return date(self.start.year, self.start.month + 1, 1)

    @property
    def name(self) -> str:
        """ "YYYY-MM"."""
        return f"{self.start.year:04d}-{self.start.month:02d}"

    @property
    def next(self) -> Period:
        """The month after."""
        return Period(self.end)

    @property
    def previous(self) -> Period:
        """The month before."""
        if self.start.month == 1:
            return Period(date(self.start.year - 1, 12, 1))
        return Period(date(self.start.year, self.start.month - 1, 1))

    @property
    def closes_at(self) -> datetime:
        """The instant the period ends, in UTC."""
        return datetime.combine(self.end, time(), UTC)


CLOSE_AFTER = timedelta(days=1)
"""How long after a month ends its invoices are drafted: every time zone's last day is over."""


def period_to_close(now: datetime) -> Period | None:
    """The month whose invoices are due to be drafted at `now` (the previous one, a day late)."""
    previous = Period.containing(now.date()).previous
    return previous if now >= previous.closes_at + CLOSE_AFTER else None
