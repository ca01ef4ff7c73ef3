"""A fake EasyPost-style carrier aggregator: in memory, on loopback, with faults on demand.

In tests: `with FakeAggregatorServer() as server: ... server.url, server.fake.purchases`,
or the `fake_aggregator_server` fixture. Standalone, for end-to-end runs:
`python -m tests.fakes.aggregator_server --port 8700 [--api-key KEY]`.

Control endpoints (no auth): GET /_fake/stats, POST /_fake/reset,
POST /_fake/faults {"count": N, "status": 503, "delay": 0.5, "retry_after": "2",
"code": "...", "message": "...", "path": "/v2/shipments"} (a delay without status answers
normally, late, after doing the work), DELETE /_fake/faults,
POST /_fake/trackers/{tracking_code}/events {"status", "message"}.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import re
import secrets
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.addresses import Address
from domain.shipping.labels import LabelContent, render_pdf, render_zpl
from tests.fakes.background_server import BackgroundServer

US_ZIP = re.compile(r"\d{5}(-\d{4})?")
# (carrier, service, base price, price per ounce, delivery days)
SERVICES = [
    ("USPS", "GroundAdvantage", "4.50", "0.20", 5),
    ("USPS", "Priority", "8.00", "0.35", 2),
    ("USPS", "Express", "27.00", "0.50", 1),
    ("UPS", "Ground", "9.00", "0.15", 4),
    ("UPS", "NextDayAir", "32.00", "0.60", 1),
]
Endpoint = Callable[[Request], Awaitable[Response]]


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """Their error shape: {"error": {"code", "message"}}."""
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=headers)


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object; anything else is treated as empty."""
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def now_iso() -> str:
    """The current UTC time as they write it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id(prefix: str) -> str:
    """An id in their style, e.g. shp_1a2b..."""
    return f"{prefix}_{secrets.token_hex(8)}"


@dataclass
class Fault:
    """What the next `remaining` matching requests get instead of (or besides) an answer."""

    remaining: int
    status: int | None = None
    delay: float = 0.0
    retry_after: str | None = None
    code: str | None = None
    message: str | None = None
    path: str | None = None


@dataclass
class FakeAggregator:
    """The fake's state and its Starlette app."""

    api_key: str = "fake_api_key"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.reset()
        self.app = Starlette(
            routes=[
                Route("/v2/shipments", self.guarded(self.create_shipment), methods=["POST"]),
                Route("/v2/shipments/{id}/buy", self.guarded(self.buy), methods=["POST"]),
                Route("/v2/trackers", self.guarded(self.create_tracker), methods=["POST"]),
                Route("/v2/trackers/{id}", self.guarded(self.get_tracker), methods=["GET"]),
                Route("/_fake/labels/{name}", self.label_file, methods=["GET"]),
                Route("/_fake/stats", self.stats, methods=["GET"]),
                Route("/_fake/reset", self.reset_endpoint, methods=["POST"]),
                Route("/_fake/faults", self.faults_endpoint, methods=["POST", "DELETE"]),
                Route("/_fake/trackers/{code}/events", self.add_event, methods=["POST"]),
            ]
        )

    def reset(self) -> None:
        """Forget shipments, purchases, trackers, faults and counts."""
        with self.lock:
            self.shipments: dict[str, dict[str, Any]] = {}
            self.purchases_by_key: dict[str, tuple[str, dict[str, Any]]] = {}
            self.trackers: dict[str, dict[str, Any]] = {}
            self.faults: list[Fault] = []
            self.purchases = 0
            self.replays = 0
            self.requests = 0

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault for the next matching requests."""
        with self.lock:
            self.faults.append(fault)

    # --- the API ------------------------------------------------------------------

    def guarded(self, endpoint: Endpoint) -> Endpoint:
        """Count the request, apply a pending fault, check the API key, then answer."""

        async def run(request: Request) -> Response:
            with self.lock:
                self.requests += 1
                fault = self._take_fault(request.url.path)
            if fault and fault.status:
                await asyncio.sleep(fault.delay)
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
                return error(
                    fault.status,
                    fault.code or f"FAKE.{fault.status}",
                    fault.message or f"Injected fault {fault.status}.",
                    headers,
                )
            if not self._authorized(request):
                return error(401, "APIKEY.INACTIVE", "The API key is missing or wrong.")
            response = await endpoint(request)
            if fault:
                await asyncio.sleep(fault.delay)
            return response

        return run

    async def create_shipment(self, request: Request) -> Response:
        """Validate the addresses and parcel, store the shipment, quote rates."""
        body = (await json_object(request)).get("shipment") or {}
        for role in ("from_address", "to_address"):
            problem = address_problem(body.get(role) or {})
            if problem:
                return error(422, "ADDRESS.VERIFY.FAILURE", f"{role}: {problem}")
        parcel = body.get("parcel") or {}
        try:
            weight = Decimal(str(parcel.get("weight") or 0))
        except ArithmeticError:
            weight = Decimal(0)
        if not weight > 0:
            return error(422, "PARCEL.WEIGHT.INVALID", "Parcel weight must be positive.")
        shipment_id = new_id("shp")
        rates = [
            {
                "id": new_id("rate"),
                "shipment_id": shipment_id,
                "carrier": carrier,
                "service": service,
                "rate": str((Decimal(base) + Decimal(per_oz) * weight).quantize(Decimal("0.01"))),
                "currency": "USD",
                "delivery_days": days,
            }
            for carrier, service, base, per_oz, days in SERVICES
        ]
        shipment = {"id": shipment_id, **body, "rates": rates, "purchase": None}
        with self.lock:
            self.shipments[shipment_id] = shipment
        return JSONResponse({"id": shipment_id, "rates": rates})

    async def buy(self, request: Request) -> Response:
        """Buy a rate once; a repeated Idempotency-Key gets the first answer back."""
        shipment_id = request.path_params["id"]
        body = await json_object(request)
        key = request.headers.get("Idempotency-Key")
        with self.lock:
            if key and key in self.purchases_by_key:
                bought_for, answer = self.purchases_by_key[key]
                if bought_for != shipment_id:
                    return error(422, "IDEMPOTENCY.MISMATCH", "Key used for another shipment.")
                self.replays += 1
                return JSONResponse(answer)
            shipment = self.shipments.get(shipment_id)
            if shipment is None:
                return error(404, "NOT_FOUND", f"No shipment {shipment_id}.")
            if shipment["purchase"]:
                return error(422, "SHIPMENT.POSTAGE.EXISTS", "Postage already bought.")
            wanted = (body.get("rate") or {}).get("id")
            rate = next((r for r in shipment["rates"] if r["id"] == wanted), None)
            if rate is None:
                return error(422, "SHIPMENT.RATE.INVALID", f"No rate {wanted} on this shipment.")
            answer = self._purchase(shipment, rate, body.get("label_format") or "PDF", request)
            self.purchases += 1
            if key:
                self.purchases_by_key[key] = (shipment_id, answer)
        return JSONResponse(answer)

    async def create_tracker(self, request: Request) -> Response:
        """The tracker of a tracking code; unknown codes get an empty 'unknown' tracker."""
        wanted = (await json_object(request)).get("tracker") or {}
        code = wanted.get("tracking_code")
        if not code:
            return error(422, "TRACKER.TRACKING_CODE.REQUIRED", "tracking_code is required.")
        with self.lock:
            tracker = self._tracker_by_code(code)
            if tracker is None:
                tracker = self._new_tracker(code, wanted.get("carrier") or "USPS", [])
            return JSONResponse(tracker)

    async def get_tracker(self, request: Request) -> Response:
        """A tracker by id."""
        with self.lock:
            tracker = self.trackers.get(request.path_params["id"])
            if tracker is None:
                return error(404, "NOT_FOUND", "No such tracker.")
            return JSONResponse(tracker)

    # --- control ------------------------------------------------------------------

    async def label_file(self, request: Request) -> Response:
        """A label file, as a storage host would serve it (no auth)."""
        name = request.path_params["name"]
        shipment_id, _, extension = name.partition(".")
        with self.lock:
            shipment = self.shipments.get(shipment_id)
        if shipment is None or not shipment["purchase"]:
            return error(404, "NOT_FOUND", "No such label.")
        content = self._label(shipment, extension.upper())
        kind = "application/pdf" if extension == "pdf" else "application/zpl"
        return Response(content, media_type=kind)

    async def stats(self, _: Request) -> Response:
        """Counts: real purchases, replays answered from the idempotency store, requests."""
        with self.lock:
            return JSONResponse(
                {
                    "purchases": self.purchases,
                    "replays": self.replays,
                    "shipments": len(self.shipments),
                    "requests": self.requests,
                    "faults_pending": sum(fault.remaining for fault in self.faults),
                }
            )

    async def reset_endpoint(self, _: Request) -> Response:
        """Forget everything."""
        self.reset()
        return JSONResponse({"ok": True})

    async def faults_endpoint(self, request: Request) -> Response:
        """POST queues a fault for the next `count` requests; DELETE clears them."""
        if request.method == "DELETE":
            with self.lock:
                self.faults.clear()
            return JSONResponse({"ok": True})
        raw = await request.json()
        retry = raw.get("retry_after")
        self.add_fault(
            Fault(
                remaining=int(raw.get("count", 1)),
                status=raw.get("status"),
                delay=float(raw.get("delay", 0)),
                retry_after=None if retry is None else str(retry),
                code=raw.get("code"),
                message=raw.get("message"),
                path=raw.get("path"),
            )
        )
        return JSONResponse({"ok": True})

    async def add_event(self, request: Request) -> Response:
        """Append a tracking event, e.g. {"status": "delivered", "message": "Delivered"}."""
        event = await request.json()
        with self.lock:
            tracker = self._tracker_by_code(request.path_params["code"])
            if tracker is None:
                return error(404, "NOT_FOUND", "No such tracking code.")
            tracker["status"] = event["status"]
            tracker["tracking_details"].append(
                {
                    "status": event["status"],
                    "message": event.get("message", ""),
                    "datetime": event.get("datetime") or now_iso(),
                    "tracking_location": event.get("tracking_location"),
                }
            )
            return JSONResponse(tracker)

    # --- inside -------------------------------------------------------------------

    def _authorized(self, request: Request) -> bool:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            username = base64.b64decode(encoded).decode().partition(":")[0]
        except ValueError:
            return False
        return secrets.compare_digest(username, self.api_key)

    def _take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path is None or path.startswith(fault.path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def _purchase(
        self, shipment: dict[str, Any], rate: dict[str, Any], label_format: str, request: Request
    ) -> dict[str, Any]:
        code = "9400" + "".join(str(secrets.randbelow(10)) for _ in range(18))
        origin = shipment["from_address"]
        created = {
            "status": "pre_transit",
            "message": "Shipping label created",
            "datetime": now_iso(),
            "tracking_location": {k: origin.get(k) for k in ("city", "state", "zip", "country")},
        }
        tracker = self._new_tracker(code, rate["carrier"], [created])
        extension = "pdf" if label_format.upper() == "PDF" else "zpl"
        shipment["purchase"] = {"tracking_code": code, "carrier": rate["carrier"], "rate": rate}
        postage_label = {
            "id": new_id("pl"),
            "label_file_type": f"application/{extension}",
            "label_url": str(request.base_url) + f"_fake/labels/{shipment['id']}.{extension}",
        }
        if extension == "zpl":
            postage_label["label_zpl"] = self._label(shipment, "ZPL").decode()
        return {
            "id": shipment["id"],
            "tracking_code": code,
            "postage_label": postage_label,
            "selected_rate": rate,
            "tracker": {"id": tracker["id"]},
        }

    def _label(self, shipment: dict[str, Any], label_format: str) -> bytes:
        purchase = shipment["purchase"]
        content = LabelContent(
            carrier_name=purchase["carrier"],
            service=purchase["rate"]["service"],
            tracking_number=purchase["tracking_code"],
            ship_from=to_address(shipment["from_address"]),
            ship_to=to_address(shipment["to_address"]),
            weight_grams=round(float(shipment["parcel"]["weight"]) * 28.349523125),
        )
        return render_pdf(content) if label_format == "PDF" else render_zpl(content)

    def _new_tracker(self, code: str, carrier: str, details: list[dict]) -> dict[str, Any]:
        tracker = {
            "id": new_id("trk"),
            "tracking_code": code,
            "carrier": carrier,
            "status": details[-1]["status"] if details else "unknown",
            "tracking_details": details,
        }
        self.trackers[tracker["id"]] = tracker
        return tracker

    def _tracker_by_code(self, code: str) -> dict[str, Any] | None:
        return next((t for t in self.trackers.values() if t["tracking_code"] == code), None)


def address_problem(raw: dict[str, Any]) -> str | None:
    """Why an address would fail verification, or None."""
    missing = [key for key in ("name", "street1", "city", "zip", "country") if not raw.get(key)]
    if missing:
        return f"missing {', '.join(missing)}."
    if raw["country"] == "US" and not US_ZIP.fullmatch(str(raw["zip"])):
        return f"Invalid US ZIP code {raw['zip']!r}: 5 digits expected."
    return None


def to_address(raw: dict[str, Any]) -> Address:
    """Their address JSON as ours, for drawing the label."""
    return Address(
        name=raw["name"],
        company=raw.get("company"),
        line1=raw["street1"],
        line2=raw.get("street2"),
        city=raw["city"],
        region=raw.get("state"),
        postal_code=raw["zip"],
        country=raw["country"],
    )


class FakeAggregatorServer(BackgroundServer):
    """The fake served by uvicorn in a background thread on 127.0.0.1, on a free port."""

    def __init__(self, fake: FakeAggregator | None = None, port: int = 0):
        self.fake = fake or FakeAggregator()
        super().__init__(self.fake.app, port)


@pytest.fixture(scope="session")
def fake_aggregator_server() -> Iterator[FakeAggregatorServer]:
    """One fake for the session; reset it between tests (see `fake_aggregator`)."""
    with FakeAggregatorServer() as server:
        yield server


def main() -> None:
    """Serve the fake in the foreground on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--api-key", default="fake_api_key")
    args = parser.parse_args()
    uvicorn.run(FakeAggregator(api_key=args.api_key).app, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
