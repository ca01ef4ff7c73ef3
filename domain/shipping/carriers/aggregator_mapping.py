"""Translation between our shipping types and an EasyPost-style aggregator's JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any

from domain.addresses import Address
from domain.shipping.carriers.base import ServiceLevel, TrackingStatus, TrackingUpdate
from domain.shipping.parcels import Parcel

GRAMS_PER_OUNCE = Decimal("28.349523125")
"""Exact: the avoirdupois ounce is defined as 28.349523125 g."""
MM_PER_INCH = Decimal("25.4")
"""Exact, by definition."""
TENTH = Decimal("0.1")

STATUSES = {status.value: status for status in TrackingStatus}
"""Their statuses are ours, spelled the same; "error" (the tracker's, not the parcel's) is not."""

KNOWN_SERVICE_LEVELS: dict[str, ServiceLevel] = {
    "nextdayair": ServiceLevel.OVERNIGHT,
    "nextdayairsaver": ServiceLevel.OVERNIGHT,
    "nextdayairearlyam": ServiceLevel.OVERNIGHT,
    "first_overnight": ServiceLevel.OVERNIGHT,
    "priority_overnight": ServiceLevel.OVERNIGHT,
    "standard_overnight": ServiceLevel.OVERNIGHT,
    "express": ServiceLevel.EXPRESS,
    "priority": ServiceLevel.EXPRESS,
    "2nddayair": ServiceLevel.EXPRESS,
    "fedex_2_day": ServiceLevel.EXPRESS,
    "fedex_express_saver": ServiceLevel.EXPRESS,
    "ground": ServiceLevel.STANDARD,
    "groundadvantage": ServiceLevel.STANDARD,
    "fedex_ground": ServiceLevel.STANDARD,
}
"""Service names of the usual carriers (lower case); others are judged by delivery days."""


def ounces(grams: int) -> Decimal:
    """Grams in ounces, rounded up to a tenth so that a parcel is never declared too light."""
    return (Decimal(grams) / GRAMS_PER_OUNCE).quantize(TENTH, rounding=ROUND_CEILING)


def inches(millimetres: int) -> Decimal:
    """Millimetres in inches, rounded up to a tenth."""
    return (Decimal(millimetres) / MM_PER_INCH).quantize(TENTH, rounding=ROUND_CEILING)


def parcel_json(parcel: Parcel) -> dict[str, float]:
    """The parcel in ounces and inches.

    JSON has no decimals; a value rounded to a tenth converts to the float whose
    shortest repr is that same decimal, so "12.4" goes over the wire as 12.4.
    """
    return {
        "weight": float(ounces(parcel.weight_grams)),
        "length": float(inches(parcel.length_mm)),
        "width": float(inches(parcel.width_mm)),
        "height": float(inches(parcel.height_mm)),
    }


def address_json(address: Address) -> dict[str, str | None]:
    """The address in their field names."""
    return {
        "name": address.name,
        "company": address.company,
        "street1": address.line1,
        "street2": address.line2,
        "city": address.city,
        "state": address.region,
        "zip": address.postal_code,
        "country": address.country,
        "phone": address.phone,
        "email": address.email,
    }


def service_level(service: str, delivery_days: int | None) -> ServiceLevel:
    """The level of a service: by its name when known, else by its delivery days."""
    known = KNOWN_SERVICE_LEVELS.get(service.lower())
    if known is not None:
        return known
    if delivery_days is not None and delivery_days <= 1:
        return ServiceLevel.OVERNIGHT
    if delivery_days is not None and delivery_days <= 3:
        return ServiceLevel.EXPRESS
    return ServiceLevel.STANDARD


def tracking_status(raw: str | None) -> TrackingStatus:
    """Their status in our enum; anything unexpected is UNKNOWN."""
    return STATUSES.get((raw or "").strip().lower(), TrackingStatus.UNKNOWN)


def utc_datetime(text: str) -> datetime:
    """An ISO 8601 time in UTC; a time without offset is taken as UTC."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def location(raw: Mapping[str, Any] | None) -> str | None:
    """ "City, State, ZIP, Country" from a tracking location, empty parts left out."""
    if not raw:
        return None
    parts = [raw.get(key) for key in ("city", "state", "zip", "country")]
    return ", ".join(str(part) for part in parts if part) or None


def tracking_updates(tracker: Mapping[str, Any]) -> list[TrackingUpdate]:
    """The tracker's details as updates, oldest first."""
    updates = [
        TrackingUpdate(
            status=tracking_status(detail.get("status")),
            raw_status=str(detail.get("status") or ""),
            description=str(detail.get("message") or ""),
            occurred_at=utc_datetime(detail["datetime"]),
            location=location(detail.get("tracking_location")),
        )
        for detail in tracker.get("tracking_details") or []
    ]
    return sorted(updates, key=lambda update: update.occurred_at)
