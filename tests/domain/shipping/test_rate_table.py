"""The built-in rate-table carrier: zones, weight breaks, services, refusals."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from domain.shipping.carriers.base import Carrier, PermanentCarrierError, ServiceLevel
from domain.shipping.carriers.rate_table import RateTableCarrier
from domain.shipping.carriers.rate_table_prices import (
    INTERNATIONAL_ZONE,
    billable_grams,
    weight_break,
    zone,
)
from domain.shipping.parcels import Parcel
from tests.domain.shipping.conftest import CUSTOMER, SMALL_BOX, WAREHOUSE


def customer_at(postal_code: str, country: str = "US"):
    return replace(CUSTOMER, postal_code=postal_code, country=country)


@pytest.mark.parametrize(
    ("postal_code", "expected"),
    [
        ("78745", 1),  # origin 787: same ZIP3
        ("78845", 2),  # 1 apart
        ("79701", 2),  # 10 apart
        ("77001", 3),  # 17
        ("73301", 4),  # 54
        ("60601", 5),  # 181
        ("46201", 6),  # 325
        ("30301", 7),  # 484
        ("10001", 8),  # 687
    ],
)
def test_zone_grows_with_the_distance_between_zip3s(postal_code, expected):
    assert zone(WAREHOUSE, customer_at(postal_code)) == expected


@pytest.mark.parametrize(
    ("postal_code", "country"), [("M5V 2T6", "CA"), ("10115", "DE"), ("SW1A 1AA", "US")]
)
def test_other_country_or_non_numeric_code_is_international(postal_code, country):
    assert zone(WAREHOUSE, customer_at(postal_code, country)) == INTERNATIONAL_ZONE


@pytest.mark.parametrize(
    ("grams", "index"),
    [(1, 0), (500, 0), (501, 1), (1_000, 1), (2_000, 2), (5_001, 4), (30_000, 6), (30_001, None)],
)
def test_weight_breaks(grams, index):
    assert weight_break(grams) == index


def test_a_big_light_box_is_billed_by_its_dimensional_weight():
    # 400 x 300 x 250 mm = 30,000 cm3 -> 6 kg at 5,000 cm3/kg
    assert billable_grams(Parcel(1_000, 400, 300, 250)) == 6_000
    assert billable_grams(SMALL_BOX) == 1_000  # 5,000 cm3 -> 1 kg, its actual 900 g is less


def test_domestic_rates_for_three_services_with_decimal_prices():
    # given
    carrier = RateTableCarrier()
    # when
    rates = carrier.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)
    # then: zone 1, the 1 kg break (factor 1.15)
    assert isinstance(carrier, Carrier)
    assert [(r.service, r.service_level, r.amount, r.transit_days) for r in rates] == [
        ("ground", ServiceLevel.STANDARD, Decimal("6.33"), 1),
        ("express", ServiceLevel.EXPRESS, Decimal("10.93"), 1),
        ("overnight", ServiceLevel.OVERNIGHT, Decimal("24.15"), 1),
    ]
    assert {(r.carrier, r.currency) for r in rates} == {("ratetable", "USD")}


def test_heavier_and_farther_costs_more():
    carrier = RateTableCarrier()
    near = carrier.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)[0]
    far = carrier.rates(SMALL_BOX, WAREHOUSE, customer_at("10001"))[0]
    heavy = carrier.rates(replace(SMALL_BOX, weight_grams=4_000), WAREHOUSE, CUSTOMER)[0]
    assert near.amount < far.amount
    assert near.amount < heavy.amount
    assert far.transit_days == 5


def test_overnight_is_not_offered_abroad():
    rates = RateTableCarrier().rates(SMALL_BOX, WAREHOUSE, customer_at("M5V 2T6", "CA"))
    assert [(r.service, r.amount, r.transit_days) for r in rates] == [
        ("ground", Decimal("27.60"), 10),
        ("express", Decimal("48.30"), 5),
    ]


def test_over_30_kg_is_refused_permanently():
    with pytest.raises(PermanentCarrierError, match="30000 g") as refused:
        RateTableCarrier().rates(replace(SMALL_BOX, weight_grams=30_001), WAREHOUSE, CUSTOMER)
    assert refused.value.code == "PARCEL_TOO_HEAVY"
    assert refused.value.carrier == "ratetable"
