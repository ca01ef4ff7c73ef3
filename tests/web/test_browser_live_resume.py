"""A live page whose WebSocket drops resumes from the newest event it heard, in a real browser.

The socket is wrapped before the app loads (a test hook of the test's own, not the app's):
it remembers each subscribe the app sends and each event position it receives, and lets the
test close the connection as a network drop would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.browser import (
    PEOPLE,
    WAIT_S,
    DemoServer,
    chromium,
    demo_server,
    mark_page,
    page_is_marked,
    sign_in,
    wait_for,
    wait_for_text,
)

WATCH_THE_SOCKET = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__subscribes = [];
  window.__positions = [];
  window.__boardPageRequests = 0;
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
      this.addEventListener("message", (event) => {
        const message = JSON.parse(event.data);
        const data = message.type === "next" && message.payload && message.payload.data;
        for (const value of Object.values(data || {})) {
          if (value && value.position) window.__positions.push(value.position);
        }
      });
    }
    send(data) {
      const message = JSON.parse(data);
      if (message.type === "subscribe") window.__subscribes.push(message.payload);
      return super.send(data);
    }
  }
  window.WebSocket = Watched;
  const fetchBefore = window.fetch;
  window.fetch = (...args) => {
    const body = args[1] && args[1].body;
    if (typeof body === "string" && body.includes("query BoardOrders(")) {
      window.__boardPageRequests++;
    }
    return fetchBefore(...args);
  };
})();
"""
CREATE_ORDER = """mutation($ref: String!) { createOrder(input: {externalReference: $ref,
  shipTo: {name: "Noa Bell", line1: "5 Elm St", city: "Reno", region: "NV",
           postalCode: "89501", country: "US"},
  lines: [{sku: "STOVE-1", quantity: 1}]}) { order { id } userErrors { code } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("resume-demo")) as server:
        yield server


def board_subscribes(driver) -> list[dict]:
    """The board's subscribe payloads sent so far, oldest first."""
    sent = driver.execute_script("return window.__subscribes")
    return [payload for payload in sent if "BoardOrderEvents" in payload["query"]]


def make_order(served: DemoServer, reference: str) -> None:
    created = served.graphql("client key (ACME", CREATE_ORDER, {"ref": reference})
    assert created["createOrder"]["order"], created


def drop_the_socket(driver) -> None:
    """Close the open subscription socket as a lost connection (not the normal 1000 close
    the client makes when nothing listens, which it would not reconnect after)."""
    driver.execute_script(
        "window.__sockets.filter((s) => s.readyState === 1).forEach((s) => s.close(4499, 'dropped'));"
    )


def test_the_board_resumes_from_the_newest_event_after_a_dropped_connection(served, tmp_path):
    with chromium(tmp_path) as driver:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_THE_SOCKET}
        )
        # given the board open and subscribed from its read's position
        sign_in(driver, served.url, *PEOPLE["staff"])
        wait_for(driver, "table[aria-label='Orders'] tbody tr")
        WebDriverWait(driver, WAIT_S).until(lambda d: board_subscribes(d))
        first_read = board_subscribes(driver)[0]["variables"]["after"]
        assert first_read
        mark_page(driver)
        # and an order it heard of since (its events carry their positions)
        make_order(served, "WEB-RESUME-1")
        wait_for_text(driver, "table[aria-label='Orders']", "WEB-RESUME-1")
        WebDriverWait(driver, WAIT_S).until(
            lambda d: d.execute_script("return window.__positions.length") > 0
        )
        newest = driver.execute_script("return window.__positions[window.__positions.length - 1]")
        assert newest != first_read
        subscribed = len(board_subscribes(driver))
        page_reads = driver.execute_script("return window.__boardPageRequests")
        # when the connection drops, and an order is made while the client waits to reconnect
        heard = driver.execute_script("return window.__positions.length")
        drop_the_socket(driver)
        make_order(served, "WEB-RESUME-2")
        # then the board subscribes again from the newest position it heard, not its first
        # read's (which would replay everything since)
        WebDriverWait(driver, WAIT_S).until(lambda d: len(board_subscribes(d)) > subscribed)
        again = board_subscribes(driver)[subscribed]
        positions = driver.execute_script("return window.__positions")
        assert again["variables"]["after"] == positions[heard - 1], json.dumps(again)
        assert again["variables"]["after"] != first_read
        # and the order made meanwhile appears, without a reload or the page asked for again
        wait_for_text(driver, "table[aria-label='Orders']", "WEB-RESUME-2")
        row = driver.find_element(By.XPATH, "//tr[.//a[normalize-space()='WEB-RESUME-2']]")
        assert "ACME" in row.text
        assert page_is_marked(driver)
        assert driver.execute_script("return window.__boardPageRequests") == page_reads
