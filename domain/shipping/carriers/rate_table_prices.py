"""The demo carrier's tariff: zones from postal codes, weight breaks, prices and transit days."""

from __future__ import annotations

from bisect import bisect_left
from decimal import ROUND_HALF_UP, Decimal

from domain.addresses import Address
from domain.shipping.carriers.base import ServiceLevel
from domain.shipping.parcels import Parcel

INTERNATIONAL_ZONE = 9
"""Across a border, or where a postal code does not start with three digits."""
ZONE_LIMITS = (0, 10, 50, 100, 200, 400, 600)
"""Upper bounds of |origin ZIP3 - destination ZIP3| for zones 1..7; beyond is zone 8."""
WEIGHT_BREAKS_GRAMS = (500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000)
"""A parcel is priced at the first break its billable weight does not exceed."""
DIM_DIVISOR_MM3_PER_GRAM = 5_000
"""Dimensional weight: 5,000 cm³ per kg, i.e. mm³ / 5,000 in grams."""


def decimals(text: str) -> tuple[Decimal, ...]:
    """Space-separated decimal numbers, for a tariff that reads like a table."""
    return tuple(Decimal(value) for value in text.split())


# Per service: the price of the first weight break, by zone 1..8 then international.
ZONE_PRICES: dict[str, tuple[Decimal, ...]] = {
    "ground": decimals("5.50 5.80 6.20 6.70 7.30 8.00 8.80 9.70 24.00"),
    "express": decimals("9.50 10.20 11.10 12.20 13.50 15.00 16.70 18.60 42.00"),
    "overnight": decimals("21.00 23.50 26.50 30.00 34.00 38.50 43.50 49.00"),
}
# Price of a weight break = the zone price x its factor.
WEIGHT_FACTORS = decimals("1.00 1.15 1.40 2.00 2.90 4.20 5.60")
# Transit days by zone 1..8 then international; overnight is not offered abroad.
TRANSIT_DAYS: dict[str, tuple[int, ...]] = {
    "ground": (1, 2, 2, 3, 3, 4, 5, 5, 10),
    "express": (1, 1, 2, 2, 2, 3, 3, 3, 5),
    "overnight": (1, 1, 1, 1, 1, 1, 1, 1),
}
SERVICE_LEVELS = {
    "ground": ServiceLevel.STANDARD,
    "express": ServiceLevel.EXPRESS,
    "overnight": ServiceLevel.OVERNIGHT,
}
CENT = Decimal("0.01")


def zip3(postal_code: str) -> int | None:
    """The first three digits of a postal code, or None when it does not start with three."""
    head = postal_code.strip()[:3]
    return int(head) if len(head) == 3 and head.isascii() and head.isdigit() else None


def zone(ship_from: Address, ship_to: Address) -> int:
    """1 (same ZIP3) to 8 (far apart), or INTERNATIONAL_ZONE."""
    origin, destination = zip3(ship_from.postal_code), zip3(ship_to.postal_code)
    if ship_from.country != ship_to.country or origin is None or destination is None:
        return INTERNATIONAL_ZONE
    return bisect_left(ZONE_LIMITS, abs(origin - destination)) + 1


def billable_grams(parcel: Parcel) -> int:
    """The larger of the actual and the dimensional weight."""
    dimensional = -(-parcel.volume_mm3 // DIM_DIVISOR_MM3_PER_GRAM)
    return max(parcel.weight_grams, dimensional)


def weight_break(grams: int) -> int | None:
    """Index of the weight break for a billable weight, or None when over the last."""
    index = bisect_left(WEIGHT_BREAKS_GRAMS, grams)
    return index if index < len(WEIGHT_BREAKS_GRAMS) else None


def price(service: str, zone_number: int, break_index: int) -> Decimal | None:
    """The tariff price, or None when the service does not serve that zone."""
    prices = ZONE_PRICES[service]
    if zone_number > len(prices):
        return None
    amount = prices[zone_number - 1] * WEIGHT_FACTORS[break_index]
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def transit_days(service: str, zone_number: int) -> int:
    """Business days from pickup to delivery."""
    return TRANSIT_DAYS[service][zone_number - 1]
