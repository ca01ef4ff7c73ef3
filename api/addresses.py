"""One `Address` type and one `AddressInput` for orders, warehouses and shipping settings."""

from __future__ import annotations

from typing import Any

import strawberry

from domain import addresses
from domain.errors import DomainError, DomainErrorCode

_PARTY = ("name", "company", "phone", "email")
"""The parts that name who is at an address, not where it is."""


@strawberry.type(description="A postal address, and who is there when it is someone's.")
class Address:
    name: str | None = strawberry.field(description="Who receives; null for a building.")
    company: str | None = strawberry.field(description="The company, if any.")
    line1: str = strawberry.field(description="Street and number.")
    line2: str | None = strawberry.field(description="Flat, floor or building.")
    city: str = strawberry.field(description="The city or town.")
    region: str | None = strawberry.field(description="State, province or county.")
    postal_code: str = strawberry.field(description="The postal code.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    phone: str | None = strawberry.field(description="For the carrier to call.")
    email: str | None = strawberry.field(description="For the carrier's notices.")

    @classmethod
    def of(cls, parts: Any, prefix: str = "") -> Address:
        """The address held in `parts` (an object or a dict) under `prefix` + each part's name."""
        get = parts.get if isinstance(parts, dict) else lambda key: getattr(parts, key, None)
        return cls(**{name: get(prefix + name) for name in _NAMES})


_NAMES = (
    "name",
    "company",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
    "email",
)


@strawberry.input(description="A postal address; who is there (name, ...) where a use needs it.")
class AddressInput:
    line1: str = strawberry.field(description="Street and number.")
    city: str = strawberry.field(description="The city or town.")
    postal_code: str = strawberry.field(description="The postal code.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    name: str | None = strawberry.field(
        default=None, description="Who receives; required where goods are sent to someone."
    )
    company: str | None = strawberry.field(default=None, description="The company, if any.")
    line2: str | None = strawberry.field(default=None, description="Flat, floor or building.")
    region: str | None = strawberry.field(default=None, description="State, province or county.")
    phone: str | None = strawberry.field(default=None, description="For the carrier to call.")
    email: str | None = strawberry.field(default=None, description="For the carrier's notices.")

    def ship_to(self) -> addresses.Address:
        """The domain's address of a recipient; a missing name is refused there."""
        return addresses.Address(
            name=self.name or "",
            line1=self.line1,
            city=self.city,
            postal_code=self.postal_code,
            country=self.country,
            company=self.company,
            line2=self.line2,
            region=self.region,
            phone=self.phone,
            email=self.email,
        )

    def place(self, field: str) -> dict[str, Any]:
        """The parts of a place with no one at it (a warehouse); a recipient's part is refused."""
        for part in _PARTY:
            if getattr(self, part) is not None:
                raise DomainError(
                    DomainErrorCode.INVALID,
                    f"A building's address has no {part}.",
                    f"{field}.{part}",
                )
        return {
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
        }
