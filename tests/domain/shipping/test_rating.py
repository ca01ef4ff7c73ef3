"""Rate shopping: rules, deterministic tie-breaks, an explanation, and carrier failures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.shipping.carriers.base import (
    CarrierError,
    PermanentCarrierError,
    Rate,
    ServiceLevel,
    TransientCarrierError,
)
from domain.shipping.carriers.rate_table import RateTableCarrier
from domain.shipping.rating import NoEligibleRateError, RatingRule, shop_rates
from tests.domain.shipping.conftest import CUSTOMER, SMALL_BOX, WAREHOUSE

STANDARD, EXPRESS, OVERNIGHT = ServiceLevel.STANDARD, ServiceLevel.EXPRESS, ServiceLevel.OVERNIGHT


class StubCarrier:
    """A carrier quoting fixed rates, or failing."""

    def __init__(self, code: str, quotes=(), error: CarrierError | None = None):
        self.code = code
        self.quotes = quotes
        self.error = error

    def rates(self, parcel, ship_from, ship_to):
        if self.error:
            raise self.error
        return [
            Rate(
                carrier=self.code,
                service=service,
                service_level=level,
                amount=Decimal(amount),
                currency=currency,
                transit_days=days,
                reference=f"{self.code}-{service}",
            )
            for service, level, amount, days, currency in (
                (*quote, "USD") if len(quote) == 4 else quote for quote in self.quotes
            )
        ]


def shop(carriers, rule, **options):
    return shop_rates(carriers, SMALL_BOX, WAREHOUSE, CUSTOMER, rule, **options)


def chosen(choice) -> tuple[str, str]:
    return choice.chosen.carrier, choice.chosen.service


UPS = StubCarrier(
    "ups",
    [
        ("ground", STANDARD, "8.00", 4),
        ("2day", EXPRESS, "14.00", 2),
        ("nda", OVERNIGHT, "30.00", 1),
    ],
)
USPS = StubCarrier(
    "usps",
    [
        ("ga", STANDARD, "6.00", 5),
        ("priority", EXPRESS, "9.00", 2),
        ("express", OVERNIGHT, "28.00", 1),
    ],
)


def test_cheapest_takes_the_lowest_amount():
    choice = shop([UPS, USPS], RatingRule.CHEAPEST)
    assert chosen(choice) == ("usps", "ga")
    assert [c.rate.amount for c in choice.considered] == sorted(
        c.rate.amount for c in choice.considered
    )


def test_fastest_takes_the_fewest_days_then_the_cheaper():
    choice = shop([UPS, USPS], RatingRule.FASTEST)
    assert chosen(choice) == ("usps", "express")


@pytest.mark.parametrize(
    ("level", "expected"),
    [(STANDARD, ("usps", "ga")), (EXPRESS, ("usps", "priority")), (OVERNIGHT, ("usps", "express"))],
)
def test_cheapest_within_service_level_takes_the_cheapest_at_least_as_fast(level, expected):
    choice = shop([UPS, USPS], RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL, service_level=level)
    assert chosen(choice) == expected


def test_a_faster_level_may_win_when_it_is_cheaper():
    # given: express cheaper than the only standard rate
    carrier = StubCarrier("x", [("slow", STANDARD, "12.00", 5), ("fast", EXPRESS, "10.00", 2)])
    # when
    choice = shop([carrier], RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL, service_level=STANDARD)
    # then
    assert chosen(choice) == ("x", "fast")


def test_slower_levels_are_considered_but_excluded_with_a_reason():
    choice = shop([UPS, USPS], RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL, service_level=EXPRESS)
    excluded = {c.rate.service: c.excluded_because for c in choice.considered if c.excluded_because}
    assert excluded == {
        "ga": "standard is slower than express",
        "ground": "standard is slower than express",
    }
    assert len(choice.considered) == 6
    assert choice.considered[0].rate is choice.chosen


def test_ties_break_on_speed_then_carrier_then_service_whatever_the_order_asked():
    # given: three rates at the same price, two equally fast
    a = StubCarrier("bbb", [("z", STANDARD, "5.00", 3), ("a", STANDARD, "5.00", 3)])
    b = StubCarrier("aaa", [("m", STANDARD, "5.00", 3), ("q", STANDARD, "5.00", 4)])
    # when
    forwards, backwards = shop([a, b], RatingRule.CHEAPEST), shop([b, a], RatingRule.CHEAPEST)
    # then
    order = [(c.rate.carrier, c.rate.service) for c in forwards.considered]
    assert order == [("aaa", "m"), ("bbb", "a"), ("bbb", "z"), ("aaa", "q")]
    assert [(c.rate.carrier, c.rate.service) for c in backwards.considered] == order


def test_fastest_ties_break_on_price_and_unknown_days_come_last():
    carrier = StubCarrier(
        "c",
        [
            ("unknown", OVERNIGHT, "1.00", None),
            ("dear", EXPRESS, "9.00", 2),
            ("cheap", EXPRESS, "8.00", 2),
        ],
    )
    choice = shop([carrier], RatingRule.FASTEST)
    assert [c.rate.service for c in choice.considered] == ["cheap", "dear", "unknown"]


def test_the_explanation_names_the_choice_the_others_and_the_failures():
    down = StubCarrier("dhl", error=TransientCarrierError("503 Service Unavailable"))
    choice = shop([UPS, down], RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL, service_level=EXPRESS)
    text = choice.explain()
    assert text.splitlines()[0] == (
        "rule cheapest_within_service_level (at least express): chose ups/2day express 14.00 USD, 2 days"
    )
    assert (
        "ups/ground standard 8.00 USD, 4 days — excluded: standard is slower than express" in text
    )
    assert "failed dhl: 503 Service Unavailable" in text


def test_one_carrier_failing_does_not_stop_the_others():
    broken = StubCarrier("fedex", error=PermanentCarrierError("Invalid ZIP"))
    choice = shop([broken, USPS], RatingRule.CHEAPEST)
    assert chosen(choice) == ("usps", "ga")
    assert [(e.carrier, str(e)) for e in choice.failures] == [("fedex", "Invalid ZIP")]


def test_all_permanent_failures_raise_a_permanent_error():
    carriers = [
        StubCarrier("a", error=PermanentCarrierError("bad address")),
        StubCarrier("b", error=PermanentCarrierError("too heavy")),
    ]
    with pytest.raises(PermanentCarrierError) as raised:
        shop(carriers, RatingRule.CHEAPEST)
    assert str(raised.value) == "All carriers failed: a: bad address; b: too heavy"
    assert [e.carrier for e in raised.value.causes] == ["a", "b"]


def test_any_transient_failure_makes_the_whole_failure_transient_with_the_soonest_retry():
    carriers = [
        StubCarrier("a", error=PermanentCarrierError("bad address")),
        StubCarrier("b", error=TransientCarrierError("429", retry_after=30)),
        StubCarrier("c", error=TransientCarrierError("429", retry_after=5)),
        StubCarrier("d", error=TransientCarrierError("timed out")),
    ]
    with pytest.raises(TransientCarrierError) as raised:
        shop(carriers, RatingRule.CHEAPEST)
    assert raised.value.retry_after == 5
    assert len(raised.value.causes) == 4


def test_no_eligible_rate_is_permanent_unless_a_failed_carrier_might_have_had_one():
    slow = StubCarrier("slow", [("ground", STANDARD, "5.00", 5)])
    with pytest.raises(NoEligibleRateError, match="overnight"):
        shop([slow], RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL, service_level=OVERNIGHT)
    down = StubCarrier("down", error=TransientCarrierError("timed out"))
    with pytest.raises(TransientCarrierError):
        shop([slow, down], RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL, service_level=OVERNIGHT)


def test_rates_in_another_currency_are_excluded_or_refused():
    euro = StubCarrier("eu", [("std", STANDARD, "1.00", 3, "EUR")])
    choice = shop([euro, USPS], RatingRule.CHEAPEST, currency="USD")
    assert chosen(choice) == ("usps", "ga")
    assert choice.considered[-1].excluded_because == "priced in EUR, not USD"
    with pytest.raises(ValueError, match="currencies"):
        shop([euro, USPS], RatingRule.CHEAPEST)


def test_misuse_is_refused():
    with pytest.raises(ValueError, match="service level"):
        shop([USPS], RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL)
    with pytest.raises(ValueError, match="distinct codes"):
        shop([USPS, USPS], RatingRule.CHEAPEST)


def test_shops_the_rate_table_carrier_too():
    choice = shop(
        [RateTableCarrier(), USPS], RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL, service_level=EXPRESS
    )
    assert chosen(choice) == ("usps", "priority")
    assert {c.rate.carrier for c in choice.considered} == {"ratetable", "usps"}
