"""The built-in carrier of the demo: priced from a rate table, labels written locally."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

from domain.addresses import Address
from domain.shipping.carriers import rate_table_prices as tariff
from domain.shipping.carriers.base import (
    Label,
    LabelFormat,
    PermanentCarrierError,
    Rate,
    TrackingUpdate,
    require_idempotency_key,
)
from domain.shipping.carriers.rate_table_tracking import (
    Shipment,
    is_tracking_number,
    journey,
    tracking_number,
)
from domain.shipping.labels import LabelContent, render_pdf, render_zpl
from domain.shipping.parcels import Parcel


def utc_now() -> datetime:
    """The current time, tz-aware, in UTC."""
    return datetime.now(UTC)


def place(address: Address) -> str:
    """ "City, CC", as tracking shows it."""
    return f"{address.city}, {address.country}"


class RateTableCarrier:
    """A local carrier: tariff prices, labels made here, tracking scripted from the purchase time.

    Idempotent by key: the tracking number and the label file depend only on the key
    and the request, so buying again with a key returns the same label; within one
    instance the very same Label (purchase time included) comes back, and a key
    reused for another request is refused.
    """

    def __init__(
        self,
        code: str = "ratetable",
        *,
        name: str = "Crossdock Post",
        currency: str = "USD",
        clock: Callable[[], datetime] = utc_now,
    ):
        self.code = code
        self.name = name
        self.currency = currency
        self.clock = clock
        self._bought: dict[str, tuple[tuple[object, ...], Label]] = {}
        self._lock = threading.Lock()

    def rates(self, parcel: Parcel, ship_from: Address, ship_to: Address) -> list[Rate]:
        """Every service serving the route, priced at the parcel's billable weight."""
        zone, break_index = self._zone_and_break(parcel, ship_from, ship_to)
        rates = []
        for service, level in tariff.SERVICE_LEVELS.items():
            amount = tariff.price(service, zone, break_index)
            if amount is None:
                continue
            rates.append(
                Rate(
                    carrier=self.code,
                    service=service,
                    service_level=level,
                    amount=amount,
                    currency=self.currency,
                    transit_days=tariff.transit_days(service, zone),
                    reference=f"{service}:z{zone}:w{break_index}",
                )
            )
        return rates

    def buy_label(
        self,
        rate: Rate,
        parcel: Parcel,
        ship_from: Address,
        ship_to: Address,
        idempotency_key: str,
        label_format: LabelFormat = LabelFormat.ZPL,
    ) -> Label:
        """The label for a rate this carrier quoted, re-priced now; the same key, the same label."""
        require_idempotency_key(idempotency_key)
        request = (rate, parcel, ship_from, ship_to, label_format)
        with self._lock:
            if idempotency_key in self._bought:
                earlier, label = self._bought[idempotency_key]
                if earlier != request:
                    raise PermanentCarrierError(
                        "Idempotency key reused for a different request.",
                        carrier=self.code,
                        code="IDEMPOTENCY_MISMATCH",
                    )
                return label
            label = self._make_label(
                rate, parcel, ship_from, ship_to, idempotency_key, label_format
            )
            self._bought[idempotency_key] = (request, label)
            return label

    def track(
        self, tracking_number: str, carrier_reference: str | None = None
    ) -> list[TrackingUpdate]:
        """The scripted journey so far (see `rate_table_tracking.journey`), oldest first."""
        if not is_tracking_number(tracking_number):
            raise PermanentCarrierError(
                f"{tracking_number!r} is not a tracking number of ours.",
                carrier=self.code,
                code="TRACKING_NUMBER_INVALID",
            )
        shipment = Shipment.from_reference(carrier_reference or "")
        if shipment is None:
            shipment = self._shipment_bought_here(tracking_number)
        if shipment is None or shipment.tracking_number != tracking_number:
            raise PermanentCarrierError(
                "Unknown shipment: the label's carrier reference is needed.",
                carrier=self.code,
                code="SHIPMENT_UNKNOWN",
            )
        return journey(shipment, self.clock())

    def _zone_and_break(
        self, parcel: Parcel, ship_from: Address, ship_to: Address
    ) -> tuple[int, int]:
        zone = tariff.zone(ship_from, ship_to)
        grams = tariff.billable_grams(parcel)
        break_index = tariff.weight_break(grams)
        if break_index is None:
            raise PermanentCarrierError(
                f"Billable weight {grams} g is over the {tariff.WEIGHT_BREAKS_GRAMS[-1]} g limit.",
                carrier=self.code,
                code="PARCEL_TOO_HEAVY",
            )
        return zone, break_index

    def _make_label(
        self,
        rate: Rate,
        parcel: Parcel,
        ship_from: Address,
        ship_to: Address,
        idempotency_key: str,
        label_format: LabelFormat,
    ) -> Label:
        if rate.carrier != self.code:
            raise PermanentCarrierError(
                f"Rate of carrier {rate.carrier!r}.", carrier=self.code, code="RATE_INVALID"
            )
        current = {quote.service: quote for quote in self.rates(parcel, ship_from, ship_to)}
        quote = current.get(rate.service)
        if quote is None:
            raise PermanentCarrierError(
                f"Service {rate.service!r} does not serve this route.",
                carrier=self.code,
                code="SERVICE_UNAVAILABLE",
            )
        number = tracking_number(self.code, idempotency_key)
        content = LabelContent(
            carrier_name=self.name,
            service=quote.service,
            tracking_number=number,
            ship_from=ship_from,
            ship_to=ship_to,
            weight_grams=parcel.weight_grams,
        )
        render = render_pdf if label_format is LabelFormat.PDF else render_zpl
        shipment = Shipment(
            tracking_number=number,
            service=quote.service,
            transit_days=quote.transit_days or 1,
            purchased_at=int(self.clock().timestamp()),
            origin=place(ship_from),
            destination=place(ship_to),
        )
        return Label(
            carrier=self.code,
            service=quote.service,
            tracking_number=number,
            label_format=label_format,
            content=render(content),
            cost=quote.amount,
            currency=quote.currency,
            carrier_reference=shipment.to_reference(),
        )

    def _shipment_bought_here(self, number: str) -> Shipment | None:
        with self._lock:
            labels = [
                label for _, label in self._bought.values() if label.tracking_number == number
            ]
        return Shipment.from_reference(labels[0].carrier_reference) if labels else None
