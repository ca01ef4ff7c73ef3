"""Units, statuses and times in the aggregator's terms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime

import pytest

from adapters.carriers.aggregator import retry_after
from domain.shipping.carriers.aggregator_mapping import (
    inches,
    ounces,
    parcel_json,
    service_level,
    tracking_status,
    tracking_updates,
)
from domain.shipping.carriers.base import ServiceLevel, TrackingStatus
from domain.shipping.parcels import Parcel


@pytest.mark.parametrize(
    ("grams", "expected"),
    [(28, "1.0"), (1_000, "35.3"), (453, "16.0"), (454, "16.1"), (2_835, "100.1"), (1, "0.1")],
)
def test_grams_to_ounces_round_up_to_a_tenth(grams, expected):
    # 1 oz = 28.349523125 g exactly: 1000 g = 35.27396... oz; 453 g = 15.979 oz; 454 g = 16.014
    assert ounces(grams) == Decimal(expected)


@pytest.mark.parametrize(
    ("mm", "expected"), [(254, "10.0"), (255, "10.1"), (100, "4.0"), (300, "11.9")]
)
def test_millimetres_to_inches_round_up_to_a_tenth(mm, expected):
    assert inches(mm) == Decimal(expected)


def test_parcel_json_sends_the_rounded_decimals():
    assert parcel_json(Parcel(1_000, 300, 254, 100)) == {
        "weight": 35.3,
        "length": 11.9,
        "width": 10.0,
        "height": 4.0,
    }


@pytest.mark.parametrize(
    ("service", "days", "expected"),
    [
        ("NextDayAir", 1, ServiceLevel.OVERNIGHT),
        ("Priority", 2, ServiceLevel.EXPRESS),
        ("GroundAdvantage", 5, ServiceLevel.STANDARD),
        ("SomethingNew", 1, ServiceLevel.OVERNIGHT),
        ("SomethingNew", 3, ServiceLevel.EXPRESS),
        ("SomethingNew", None, ServiceLevel.STANDARD),
    ],
)
def test_service_level_by_name_else_by_days(service, days, expected):
    assert service_level(service, days) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("in_transit", TrackingStatus.IN_TRANSIT),
        ("Delivered", TrackingStatus.DELIVERED),
        ("return_to_sender", TrackingStatus.RETURN_TO_SENDER),
        ("error", TrackingStatus.UNKNOWN),
        ("weird", TrackingStatus.UNKNOWN),
        (None, TrackingStatus.UNKNOWN),
    ],
)
def test_their_statuses_map_to_ours(raw, expected):
    assert tracking_status(raw) is expected


def test_tracking_details_become_utc_updates_oldest_first():
    tracker = {
        "tracking_details": [
            {
                "status": "in_transit",
                "message": "Departed",
                "datetime": "2025-03-04T08:00:00-05:00",
                "tracking_location": {
                    "city": "Dallas",
                    "state": "TX",
                    "zip": None,
                    "country": "US",
                },
            },
            {"status": "pre_transit", "message": "Created", "datetime": "2025-03-03T09:00:00Z"},
        ]
    }
    updates = tracking_updates(tracker)
    assert [(u.status, u.occurred_at, u.location) for u in updates] == [
        (TrackingStatus.PRE_TRANSIT, datetime(2025, 3, 3, 9, tzinfo=UTC), None),
        (TrackingStatus.IN_TRANSIT, datetime(2025, 3, 4, 13, tzinfo=UTC), "Dallas, TX, US"),
    ]
    assert updates[1].occurred_at.utcoffset() == timedelta(0)


def test_retry_after_reads_seconds_or_a_date():
    assert retry_after("7") == 7.0
    assert retry_after(None) is None
    assert retry_after("soon") is None
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= retry_after(in_a_minute) <= 60
