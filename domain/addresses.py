"""The postal address: one value object for ship-to, ship-from and warehouse addresses."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, kw_only=True)
class Address:
    """A postal address; `country` is ISO 3166-1 alpha-2.

    Tables map it with SQLAlchemy `composite(Address.from_columns, ...)`: the place comes
    first and the addressee after, so a table holding only the place (a warehouse) maps
    the leading columns and leaves the addressee empty.
    """

    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    region: str | None = None
    name: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None

    @classmethod
    def from_columns(
        cls,
        line1: str,
        line2: str | None,
        city: str,
        region: str | None,
        postal_code: str,
        country: str,
        name: str | None = None,
        company: str | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> Address:
        """The address from its columns, in `__composite_values__` order."""
        return cls(
            line1=line1, line2=line2, city=city, region=region, postal_code=postal_code,
            country=country, name=name, company=company, phone=phone, email=email,
        )  # fmt: skip

    def __composite_values__(self) -> tuple[str | None, ...]:
        """The column values, place first; a table of fewer columns takes the leading ones."""
        return (
            self.line1, self.line2, self.city, self.region, self.postal_code, self.country,
            self.name, self.company, self.phone, self.email,
        )  # fmt: skip

    def deliverable(self) -> Address:
        """This address, checked complete enough for a carrier; ValueError names what is wrong."""
        if len(self.country) != 2 or not self.country.isalpha() or not self.country.isupper():
            raise ValueError(f"country must be an upper-case ISO-2 code, not {self.country!r}")
        for field in ("name", "line1", "city", "postal_code"):
            if not (getattr(self, field) or "").strip():
                raise ValueError(f"address {field} is required")
        return self

    def addressed_to(self, name: str | None, company: str | None = None) -> Address:
        """The same place with another addressee (a warehouse shipping under its own name)."""
        return replace(self, name=name, company=company)


ADDRESS_PARTS = tuple(field.name for field in fields(Address))
"""The address's parts: a table stores part `p` in column `<prefix>_p` (e.g. ship_to_city)."""
