"""Webhooks in the client portal, in a real browser against a real demo server: an endpoint
added in the app (its secret shown once) receives signed deliveries at a local receiver, the
deliveries are listed, and one is sent again from the page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from domain.webhooks.signing import verify
from tests.web.browser import (
    PEOPLE,
    DemoServer,
    button,
    chromium,
    demo_server,
    link,
    screenshot,
    sign_in,
    wait_for,
    wait_for_text,
)

pytestmark = pytest.mark.timeout(900)

MERCHANT = PEOPLE["merchant"]
DELIVERY_WAIT_S = 90.0


class Receiver(ThreadingHTTPServer):
    """A shop's webhook receiver on this machine: answers 200 and keeps what it got."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append((dict(self.headers.items()), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/crossdock"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("webhooks-demo")) as server:
        yield server


def _delivered(driver) -> bool:
    button(driver, "Refresh").click()
    table = driver.find_element(By.CSS_SELECTOR, "table[aria-label='Deliveries']")
    return "Delivered" in table.text


def test_an_endpoint_added_in_the_portal_gets_signed_deliveries_and_a_redelivery(
    served: DemoServer, receiver: Receiver, tmp_path
):
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, *MERCHANT)
        link(driver, "Webhooks").click()
        # when an endpoint for new orders is added
        wait_for(driver, "#endpoint-url").send_keys(receiver.url)
        driver.find_element(By.XPATH, "//label[normalize-space()='Order created']/input").click()
        button(driver, "Add endpoint").click()
        secret = wait_for(driver, ".secret-value").get_attribute("value")
        wait_for_text(driver, "table[aria-label='Endpoints']", receiver.url)
        # and an order is created
        created = served.graphql(
            "client key (ACME",
            """mutation { createOrder(input: {externalReference: "HOOK-1",
                 shipTo: {name: "Jo Bell", line1: "5 Oak St", city: "Reno", region: "NV",
                          postalCode: "89501", country: "US"},
                 lines: [{sku: "TENT-2P", quantity: 1}]}) { order { id } } }""",
        )
        assert created["createOrder"]["order"]
        # then the receiver gets it, signed with the secret shown, and the page lists it
        WebDriverWait(driver, DELIVERY_WAIT_S, poll_frequency=1).until(_delivered)
        assert len(receiver.received) == 1
        headers, body = receiver.received[0]
        message_id = verify(secret, headers, body)
        assert b"HOOK-1" in body
        screenshot(driver, "client-webhooks")

        # when it is sent again from the page
        driver.find_element(
            By.XPATH, "//button[starts-with(normalize-space(), 'Redeliver')]"
        ).click()
        # then the receiver gets the same message again (its id lets the shop drop it)
        WebDriverWait(driver, DELIVERY_WAIT_S, poll_frequency=0.5).until(
            lambda _: len(receiver.received) == 2
        )
        assert verify(secret, *receiver.received[1]) == message_id
