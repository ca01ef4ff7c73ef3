"""Adapter for an EasyPost-style carrier aggregator's REST API, over httpx."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from domain.addresses import Address
from domain.shipping.carriers import aggregator_mapping as mapping
from domain.shipping.carriers.base import (
    Label,
    LabelFormat,
    PermanentCarrierError,
    Rate,
    TrackingUpdate,
    TransientCarrierError,
    require_idempotency_key,
)
from domain.shipping.models import CarrierAccount
from domain.shipping.parcels import Parcel

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
"""Buying a label can take the carrier several seconds; connecting should not."""
TRANSIENT_4XX = {408, 409, 425}
"""Client errors that retrying can fix; 409 is a replay while the first request is in flight."""


def connect_aggregator(account: CarrierAccount) -> AggregatorCarrier:
    """The adapter of an aggregator account: its URL, its key, its name as the carrier code."""
    return AggregatorCarrier(
        str(account.settings["base_url"]), account.api_key or "", code=account.name
    )


class AggregatorCarrier:
    """The carriers of an aggregator account, as one Carrier; a closed client is not reopened."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        code: str = "aggregator",
        client: httpx.Client | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ):
        self.code = code
        self.base_url = base_url.rstrip("/")
        self._auth = httpx.BasicAuth(api_key, "")
        self._client = client or httpx.Client()
        self._owns_client = client is None
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)

    def close(self) -> None:
        """Close the HTTP client if this adapter made it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> AggregatorCarrier:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def rates(self, parcel: Parcel, ship_from: Address, ship_to: Address) -> list[Rate]:
        """Create a shipment and return its rates; each rate's reference names the shipment."""
        body = {
            "shipment": {
                "to_address": mapping.address_json(ship_to),
                "from_address": mapping.address_json(ship_from),
                "parcel": mapping.parcel_json(parcel),
            }
        }
        shipment = self._call("POST", "/v2/shipments", body)
        try:
            return [self._rate(shipment["id"], raw) for raw in shipment["rates"]]
        except (KeyError, TypeError, InvalidOperation) as error:
            raise self._malformed("shipment", error) from error

    def buy_label(
        self,
        rate: Rate,
        parcel: Parcel,
        ship_from: Address,
        ship_to: Address,
        idempotency_key: str,
        label_format: LabelFormat = LabelFormat.ZPL,
    ) -> Label:
        """Buy the rate on the shipment `rates` created (parcel and addresses are already there)."""
        require_idempotency_key(idempotency_key)
        reference = self._reference(rate.reference, "shipment", "rate")
        body = {"rate": {"id": reference["rate"]}, "label_format": label_format.value}
        bought = self._call(
            "POST",
            f"/v2/shipments/{reference['shipment']}/buy",
            body,
            headers={"Idempotency-Key": idempotency_key},
        )
        try:
            selected = bought["selected_rate"]
            content = self._label_content(bought["postage_label"], label_format)
            tracker = bought.get("tracker") or {}
            carrier_reference = {"shipment": bought["id"], "carrier": selected["carrier"]}
            if tracker.get("id"):
                carrier_reference["tracker"] = tracker["id"]
            return Label(
                carrier=self.code,
                service=rate.service,
                tracking_number=bought["tracking_code"],
                label_format=LabelFormat.PDF if content.startswith(b"%PDF-") else label_format,
                content=content,
                cost=Decimal(str(selected["rate"])),
                currency=selected["currency"],
                carrier_reference=json.dumps(carrier_reference, sort_keys=True),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise self._malformed("purchase", error) from error

    def track(
        self, tracking_number: str, carrier_reference: str | None = None
    ) -> list[TrackingUpdate]:
        """The tracker's events, oldest first: by tracker id when the label has one."""
        reference = self._reference(carrier_reference, optional=True)
        if reference.get("tracker"):
            tracker = self._call("GET", f"/v2/trackers/{reference['tracker']}")
        else:
            wanted = {"tracking_code": tracking_number, "carrier": reference.get("carrier")}
            tracker = self._call("POST", "/v2/trackers", {"tracker": wanted})
        try:
            return mapping.tracking_updates(tracker)
        except (KeyError, TypeError, ValueError) as error:
            raise self._malformed("tracker", error) from error

    def _rate(self, shipment_id: str, raw: Mapping[str, Any]) -> Rate:
        days = raw.get("delivery_days")
        return Rate(
            carrier=self.code,
            service=f"{raw['carrier']}:{raw['service']}",
            service_level=mapping.service_level(raw["service"], days),
            amount=Decimal(str(raw["rate"])),
            currency=raw["currency"],
            transit_days=days,
            reference=json.dumps({"shipment": shipment_id, "rate": raw["id"]}, sort_keys=True),
        )

    def _label_content(self, postage_label: Mapping[str, Any], label_format: LabelFormat) -> bytes:
        if label_format is LabelFormat.ZPL and postage_label.get("label_zpl"):
            return str(postage_label["label_zpl"]).encode()
        if label_format is LabelFormat.PDF and postage_label.get("label_pdf"):
            return base64.b64decode(postage_label["label_pdf"], validate=True)
        return self._download(postage_label["label_url"])

    def _download(self, url: str) -> bytes:
        # a label URL may point at a storage host: never send it our API key
        try:
            response = self._client.get(url, timeout=self.timeout)
        except httpx.TransportError as error:
            raise TransientCarrierError(
                f"Label download failed: {error!r}", carrier=self.code
            ) from error
        if response.status_code != 200:
            raise TransientCarrierError(
                f"Label download answered {response.status_code}.", carrier=self.code
            )
        return response.content

    def _call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        try:
            response = self._client.request(
                method,
                self.base_url + path,
                json=body,
                headers=headers,
                auth=self._auth,
                timeout=self.timeout,
            )
        except httpx.TimeoutException as error:
            raise TransientCarrierError(
                f"{method} {path} timed out ({type(error).__name__}).", carrier=self.code
            ) from error
        except httpx.TransportError as error:
            raise TransientCarrierError(
                f"{method} {path} failed: {error!r}", carrier=self.code
            ) from error
        raise_for_status(response, self.code)
        try:
            answer = response.json()
        except ValueError as error:
            raise self._malformed(path, error) from error
        if not isinstance(answer, dict):
            raise self._malformed(path, TypeError("not an object"))
        return answer

    def _reference(
        self, reference: str | None, *keys: str, optional: bool = False
    ) -> dict[str, Any]:
        if reference is None and optional:
            return {}
        try:
            parsed = json.loads(reference or "")
            if not isinstance(parsed, dict) or any(key not in parsed for key in keys):
                raise ValueError(keys)
            return parsed
        except ValueError as error:
            raise PermanentCarrierError(
                f"Not a reference of {self.code}: {reference!r}.",
                carrier=self.code,
                code="REFERENCE_INVALID",
            ) from error

    def _malformed(self, what: str, error: Exception) -> TransientCarrierError:
        # retrying with the same idempotency key is safe, and may get a sound answer
        return TransientCarrierError(f"Malformed {what} answer: {error!r}", carrier=self.code)


def raise_for_status(response: httpx.Response, carrier: str) -> None:
    """Raise the CarrierError an error status means; nothing for 2xx."""
    status = response.status_code
    if status < 400:
        return
    code, message = error_body(response)
    text = f"{status} {code or response.reason_phrase}: {message}"
    if status == 429:
        wait = retry_after(response.headers.get("Retry-After"))
        raise TransientCarrierError(text, carrier=carrier, retry_after=wait)
    if status >= 500 or status in TRANSIENT_4XX:
        raise TransientCarrierError(text, carrier=carrier)
    raise PermanentCarrierError(message, carrier=carrier, code=code)


def error_body(response: httpx.Response) -> tuple[str | None, str]:
    """The carrier's error code and message, from {"error": {"code", "message"}} if present."""
    try:
        error = response.json().get("error") or {}
        code, message = error.get("code"), error.get("message")
    except (ValueError, AttributeError):
        code, message = None, None
    if not message:
        message = response.text[:300] or response.reason_phrase
    return (str(code) if code else None), str(message)


def retry_after(header: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return float(header)
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
