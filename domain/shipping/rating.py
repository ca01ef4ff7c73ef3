"""Rate shopping: ask several carriers, choose one rate by a rule, and say why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.addresses import Address
from domain.shipping.carriers.base import (
    Carrier,
    CarrierError,
    PermanentCarrierError,
    Rate,
    ServiceLevel,
    TransientCarrierError,
)
from domain.shipping.parcels import Parcel


class RatingRule(StrEnum):
    """How to choose among rates."""

    CHEAPEST = "cheapest"
    FASTEST = "fastest"
    CHEAPEST_WITHIN_SERVICE_LEVEL = "cheapest_within_service_level"


class NoEligibleRateError(PermanentCarrierError):
    """Carriers answered, but none of their rates satisfies the rule."""


@dataclass(frozen=True)
class ConsideredRate:
    """A rate that was on the table; `excluded_because` is None when it could be chosen."""

    rate: Rate
    excluded_because: str | None = None


@dataclass(frozen=True)
class RateChoice:
    """The chosen rate, every rate considered in ranking order, and the carriers that failed."""

    rule: RatingRule
    service_level: ServiceLevel | None
    chosen: Rate
    considered: tuple[ConsideredRate, ...]
    failures: tuple[CarrierError, ...]

    def explain(self) -> str:
        """A few lines for an operator: the rule, the choice, the others and the failures."""
        wanted = f" (at least {self.service_level})" if self.service_level else ""
        lines = [f"rule {self.rule}{wanted}: chose {describe(self.chosen)}"]
        for entry in self.considered:
            if entry.rate is not self.chosen:
                why = f" — excluded: {entry.excluded_because}" if entry.excluded_because else ""
                lines.append(f"  also {describe(entry.rate)}{why}")
        lines += [f"  failed {error.carrier}: {error}" for error in self.failures]
        return "\n".join(lines)


def describe(rate: Rate) -> str:
    """ "carrier/service level amount currency, N days"."""
    days = "? days" if rate.transit_days is None else f"{rate.transit_days} days"
    return (
        f"{rate.carrier}/{rate.service} {rate.service_level} {rate.amount} {rate.currency}, {days}"
    )


def speed_key(rate: Rate) -> tuple[int, int, int]:
    """Sorts fastest first: known transit days, fewer days, faster service level."""
    unknown = rate.transit_days is None
    return (int(unknown), rate.transit_days or 0, -rate.service_level.speed)


def ranking_key(rule: RatingRule, rate: Rate) -> tuple[object, ...]:
    """Best first; ties end on carrier code and service code, so the order is total."""
    names = (rate.carrier, rate.service)
    if rule is RatingRule.FASTEST:
        return (*speed_key(rate), rate.amount, *names)
    return (rate.amount, *speed_key(rate), *names)


def shop_rates(
    carriers: Sequence[Carrier],
    parcel: Parcel,
    ship_from: Address,
    ship_to: Address,
    rule: RatingRule,
    *,
    service_level: ServiceLevel | None = None,
    currency: str | None = None,
) -> RateChoice:
    """Ask each carrier in turn and choose by `rule`.

    A carrier that raises CarrierError is recorded and skipped; other exceptions are
    bugs and propagate. Rates in another currency than `currency` are excluded (when
    `currency` is None, all rates must share one, since amounts cannot be compared
    across currencies). CHEAPEST_WITHIN_SERVICE_LEVEL needs `service_level` and
    excludes slower service levels. Raises the error of `all_failed` when every
    carrier failed, or when no rate remains and some carrier failed transiently, and
    NoEligibleRateError when no rate remains otherwise.
    """
    if rule is RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL and service_level is None:
        raise ValueError(f"rule {rule} needs a service level")
    codes = [carrier.code for carrier in carriers]
    if not codes or len(set(codes)) != len(codes):
        raise ValueError(f"carriers must be one or more, with distinct codes, got {codes}")
    rates: list[Rate] = []
    failures: list[CarrierError] = []
    for carrier in carriers:
        try:
            rates.extend(carrier.rates(parcel, ship_from, ship_to))
        except CarrierError as error:
            error.carrier = error.carrier or carrier.code
            failures.append(error)
    if len(failures) == len(carriers):
        raise all_failed(failures)
    if currency is None and len({rate.currency for rate in rates}) > 1:
        raise ValueError("rates in several currencies: pass the currency to compare in")
    considered = sorted(
        (ConsideredRate(rate, exclusion(rate, rule, service_level, currency)) for rate in rates),
        key=lambda entry: (entry.excluded_because is not None, ranking_key(rule, entry.rate)),
    )
    eligible = [entry.rate for entry in considered if entry.excluded_because is None]
    if not eligible and any(isinstance(e, TransientCarrierError) for e in failures):
        # a carrier that failed for now might have had the rate
        raise all_failed(failures, "No eligible rate, and some carriers failed")
    if not eligible:
        raise NoEligibleRateError(
            f"No rate satisfies {rule}"
            + (f" at level {service_level}" if service_level else "")
            + f"; {len(rates)} rate(s) considered.",
            code="NO_ELIGIBLE_RATE",
            causes=failures,
        )
    return RateChoice(rule, service_level, eligible[0], tuple(considered), tuple(failures))


def exclusion(
    rate: Rate, rule: RatingRule, level: ServiceLevel | None, currency: str | None
) -> str | None:
    """Why a rate cannot be chosen, or None."""
    if currency is not None and rate.currency != currency:
        return f"priced in {rate.currency}, not {currency}"
    if (
        rule is RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL
        and level is not None
        and not rate.service_level.at_least_as_fast_as(level)
    ):
        return f"{rate.service_level} is slower than {level}"
    return None


def all_failed(
    failures: Sequence[CarrierError], headline: str = "All carriers failed"
) -> CarrierError:
    """One error for every carrier failing: permanent only if all were permanent.

    A transient one carries the shortest `retry_after` any carrier asked for.
    """
    summary = f"{headline}: " + "; ".join(f"{e.carrier}: {e}" for e in failures)
    if all(isinstance(error, PermanentCarrierError) for error in failures):
        return PermanentCarrierError(summary, code="ALL_CARRIERS_REFUSED", causes=failures)
    waits = [
        error.retry_after
        for error in failures
        if isinstance(error, TransientCarrierError) and error.retry_after is not None
    ]
    return TransientCarrierError(summary, retry_after=min(waits, default=None), causes=failures)
