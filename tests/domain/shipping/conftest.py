"""Addresses, parcels and the fake aggregator for the shipping tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.addresses import Address
from domain.shipping.parcels import Parcel
from tests.fakes.aggregator_server import FakeAggregatorServer, fake_aggregator_server

__all__ = ["fake_aggregator_server"]  # a session fixture, found by pytest under this name

WAREHOUSE = Address(
    name="Northwind Fulfillment",
    company="Northwind 3PL",
    line1="100 Dock Road",
    city="Austin",
    region="TX",
    postal_code="78701",
    country="US",
    phone="+1 512 555 0100",
)
CUSTOMER = Address(
    name="Ada Lovelace",
    line1="12 Analytical Way",
    line2="Apt 3",
    city="Austin",
    region="TX",
    postal_code="78745",
    country="US",
    email="ada@example.com",
)
SMALL_BOX = Parcel(weight_grams=900, length_mm=250, width_mm=200, height_mm=100)


@pytest.fixture
def fake_aggregator(request: pytest.FixtureRequest) -> Iterator[FakeAggregatorServer]:
    """The session's fake aggregator, emptied for this test."""
    server: FakeAggregatorServer = request.getfixturevalue("fake_aggregator_server")
    server.fake.reset()
    yield server
    server.fake.reset()
