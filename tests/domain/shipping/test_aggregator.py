"""The aggregator adapter against the fake aggregator server, over real HTTP on loopback."""

from __future__ import annotations

import json
import socket
from dataclasses import replace
from decimal import Decimal

import httpx
import pytest

from adapters.carriers.aggregator import AggregatorCarrier
from domain.shipping.carriers.base import (
    Carrier,
    LabelFormat,
    PermanentCarrierError,
    ServiceLevel,
    TrackingStatus,
    TransientCarrierError,
)
from domain.shipping.carriers.rate_table import RateTableCarrier
from domain.shipping.rating import RatingRule, shop_rates
from tests.domain.shipping.conftest import CUSTOMER, SMALL_BOX, WAREHOUSE


@pytest.fixture
def aggregator(fake_aggregator):
    """The adapter pointed at the fake, with short timeouts."""
    with httpx.Client() as client:
        yield AggregatorCarrier(
            fake_aggregator.url, fake_aggregator.fake.api_key, client=client, timeout=1.0
        )


def fault(server, **spec):
    httpx.post(f"{server.url}/_fake/faults", json=spec).raise_for_status()


def stats(server) -> dict:
    return httpx.get(f"{server.url}/_fake/stats").json()


def priority_rate(carrier):
    rates = carrier.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)
    return next(rate for rate in rates if rate.service == "USPS:Priority")


def test_rates_buy_and_track(aggregator, fake_aggregator):
    # when
    rates = aggregator.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)
    rate = next(r for r in rates if r.service == "USPS:Priority")
    label = aggregator.buy_label(rate, SMALL_BOX, WAREHOUSE, CUSTOMER, "order-1:label")
    updates = aggregator.track(label.tracking_number, label.carrier_reference)
    # then
    assert isinstance(aggregator, Carrier)
    assert len(rates) == 5
    assert (rate.carrier, rate.service_level, rate.transit_days) == (
        "aggregator",
        ServiceLevel.EXPRESS,
        2,
    )
    assert rate.amount == Decimal("8.00") + Decimal("0.35") * Decimal("31.8")  # 900 g = 31.8 oz
    assert label.cost == rate.amount
    assert label.currency == "USD"
    assert label.label_format is LabelFormat.ZPL
    assert label.content.startswith(b"^XA")
    assert label.tracking_number.encode() in label.content
    assert [(u.status, u.raw_status) for u in updates] == [
        (TrackingStatus.PRE_TRANSIT, "pre_transit")
    ]
    assert updates[0].location == "Austin, TX, 78701, US"


def test_a_pdf_label_is_downloaded_from_its_url(aggregator):
    rate = priority_rate(aggregator)
    label = aggregator.buy_label(rate, SMALL_BOX, WAREHOUSE, CUSTOMER, "k-pdf", LabelFormat.PDF)
    assert label.label_format is LabelFormat.PDF
    assert label.content.startswith(b"%PDF-")
    assert label.content.endswith(b"%%EOF\n")


def test_tracking_follows_the_carriers_events_with_or_without_the_tracker_id(
    aggregator, fake_aggregator
):
    # given
    label = aggregator.buy_label(priority_rate(aggregator), SMALL_BOX, WAREHOUSE, CUSTOMER, "k")
    httpx.post(
        f"{fake_aggregator.url}/_fake/trackers/{label.tracking_number}/events",
        json={
            "status": "delivered",
            "message": "Left at front door",
            "datetime": "2099-01-01T10:00:00Z",
        },
    ).raise_for_status()
    # when
    by_tracker = aggregator.track(label.tracking_number, label.carrier_reference)
    by_code = aggregator.track(label.tracking_number)
    # then
    assert by_tracker == by_code
    assert by_tracker[-1].status is TrackingStatus.DELIVERED
    assert by_tracker[-1].description == "Left at front door"


def test_buying_twice_with_one_key_buys_once(aggregator, fake_aggregator):
    # given
    rate = priority_rate(aggregator)
    # when
    first = aggregator.buy_label(rate, SMALL_BOX, WAREHOUSE, CUSTOMER, "order-7:label")
    again = aggregator.buy_label(rate, SMALL_BOX, WAREHOUSE, CUSTOMER, "order-7:label")
    # then
    assert again == first
    assert stats(fake_aggregator)["purchases"] == 1
    assert fake_aggregator.fake.replays == 1


def test_a_slow_answer_is_transient_and_the_retry_with_the_key_does_not_buy_again(
    aggregator, fake_aggregator
):
    # given: the carrier buys, but answers after our 0.2 s timeout
    slow = AggregatorCarrier(fake_aggregator.url, fake_aggregator.fake.api_key, timeout=0.2)
    rate = priority_rate(slow)
    fault(fake_aggregator, delay=0.5, path="/v2/shipments/")
    # when
    with pytest.raises(TransientCarrierError, match="timed out"):
        slow.buy_label(rate, SMALL_BOX, WAREHOUSE, CUSTOMER, "order-8:label")
    label = slow.buy_label(rate, SMALL_BOX, WAREHOUSE, CUSTOMER, "order-8:label")
    slow.close()
    # then
    assert label.tracking_number
    assert stats(fake_aggregator)["purchases"] == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(aggregator, fake_aggregator, status):
    fault(fake_aggregator, status=status)
    with pytest.raises(TransientCarrierError, match=str(status)) as raised:
        aggregator.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)
    assert raised.value.retry_after is None
    assert aggregator.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)  # the fault was for one request


def test_too_many_requests_is_transient_with_retry_after(aggregator, fake_aggregator):
    fault(fake_aggregator, status=429, retry_after=7, code="RATE_LIMITED", message="Slow down")
    with pytest.raises(TransientCarrierError, match="Slow down") as raised:
        aggregator.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)
    assert raised.value.retry_after == 7.0
    assert raised.value.carrier == "aggregator"


def test_a_bad_postal_code_is_permanent_with_the_carriers_message(aggregator):
    with pytest.raises(PermanentCarrierError) as raised:
        aggregator.rates(SMALL_BOX, WAREHOUSE, replace(CUSTOMER, postal_code="7874"))
    assert raised.value.code == "ADDRESS.VERIFY.FAILURE"
    assert raised.value.reason == "to_address: Invalid US ZIP code '7874': 5 digits expected."


@pytest.mark.parametrize(
    ("status", "code"), [(400, "PARAMETER.INVALID"), (401, "APIKEY.INACTIVE"), (422, "X")]
)
def test_client_errors_are_permanent(aggregator, fake_aggregator, status, code):
    fault(fake_aggregator, status=status, code=code, message=f"refused {status}")
    with pytest.raises(PermanentCarrierError, match=f"refused {status}") as raised:
        aggregator.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)
    assert raised.value.code == code


def test_a_wrong_api_key_is_permanent(fake_aggregator):
    with (
        AggregatorCarrier(fake_aggregator.url, "wrong", timeout=1.0) as carrier,
        pytest.raises(PermanentCarrierError, match="API key") as raised,
    ):
        carrier.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)
    assert raised.value.code == "APIKEY.INACTIVE"


def test_nobody_listening_is_transient():
    carrier = AggregatorCarrier(f"http://127.0.0.1:{unused_port()}", "k", timeout=0.5)
    with carrier, pytest.raises(TransientCarrierError, match="failed"):
        carrier.rates(SMALL_BOX, WAREHOUSE, CUSTOMER)


def test_a_reference_of_another_carrier_is_refused(aggregator):
    rate = replace(priority_rate(aggregator), reference="ratetable:ground")
    with pytest.raises(PermanentCarrierError, match="Not a reference"):
        aggregator.buy_label(rate, SMALL_BOX, WAREHOUSE, CUSTOMER, "k")


def test_rate_shopping_across_the_aggregator_survives_its_outage(aggregator, fake_aggregator):
    fault(fake_aggregator, status=503)
    choice = shop_rates(
        [aggregator, RateTableCarrier()], SMALL_BOX, WAREHOUSE, CUSTOMER, RatingRule.CHEAPEST
    )
    assert choice.chosen.carrier == "ratetable"
    assert [e.carrier for e in choice.failures] == ["aggregator"]


def test_the_reference_is_opaque_json_naming_the_shipment(aggregator):
    reference = json.loads(priority_rate(aggregator).reference)
    assert set(reference) == {"shipment", "rate"}
    assert reference["shipment"].startswith("shp_")


def unused_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
