"""Inputs of billing shared by its lists and mutations."""

from __future__ import annotations

import strawberry

from domain.billing.periods import Period


@strawberry.input(description="A billing month, e.g. {year: 2026, month: 3} for March 2026.")
class BillingPeriodInput:
    year: int = strawberry.field(description="The calendar year, 2000-9999.")
    month: int = strawberry.field(description="The month, 1 (January) to 12.")

    def period(self, field: str = "period") -> Period:
        """The domain's period; refused when there is no such month."""
        return Period.of(self.year, self.month, field)
