"""The console's Exceptions page with a real exception, in a real browser against a real demo
server: a warehouse parcel too heavy for the demo's rate-table carrier is picked and packed
through the API, the in-process worker's dispatch is refused, and staff retry it from the
page: the row waits, marked as retrying, and shows the carrier's refusal when it comes; once
the parcel can pass, the row leaves, the page says it shipped, and the order has tracking."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.browser import (
    PEOPLE,
    DemoServer,
    chromium,
    demo_server,
    link,
    screenshot,
    sign_in,
    wait_for,
    wait_for_text,
)

pytestmark = pytest.mark.timeout(900)

DISPATCH_WAIT_S = 120.0  # the in-process worker asks the carrier; generous for a loaded machine
STAFF = PEOPLE["staff"]
TABLE = "table[aria-label='Fulfillment orders in exception']"
REFERENCE = "HEAVY-TENT-1"
RETRY = f"button[aria-label='Retry {REFERENCE} from RNO']"
TENT = '{ products(filter: {sku: "TENT-2P"}) { edges { node { id weightGrams } } } }'
WEIGH = """mutation($id: ID!, $grams: Int!) {
  updateProduct(input: {id: $id, weightGrams: $grams}) { userErrors { code message } } }"""
ORDER = """mutation($reference: String!) {
  createOrder(input: {externalReference: $reference,
    shipTo: {name: "Ada Stone", line1: "9 Pine St", city: "Portland", region: "OR",
             postalCode: "97204", country: "US"},
    lines: [{sku: "TENT-2P", quantity: 1}]}) {
    order { id fulfillmentOrders { id status warehouse { code } } }
    userErrors { code message } } }"""
PICK = """mutation($id: ID!) { startPicking(input: {id: $id}) { userErrors { code message } } }"""
PACK = """mutation($id: ID!) { markPacked(input: {id: $id}) { userErrors { code message } } }"""
PART = """query($id: ID!) { order(id: $id) { status fulfillmentOrders {
  status exceptionReason trackingNumber dispatch { exceptionReason } } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("exceptions-retry-demo")) as server:
        yield server


def _part(served: DemoServer, order_id: str) -> dict:
    order = served.graphql("provider key", PART, {"id": order_id})["order"]
    (fo,) = order["fulfillmentOrders"]
    return {**fo, "orderStatus": order["status"]}


def _weigh(served: DemoServer, product_id: str, grams: int) -> None:
    weigh = {"id": product_id, "grams": grams}
    assert served.graphql("client key (ACME", WEIGH, weigh)["updateProduct"]["userErrors"] == []


def _row(driver):
    """The exception's row, found afresh (the table is drawn again after each answer)."""
    rows = driver.find_elements(By.XPATH, f"//table//tr[.//a[normalize-space()='{REFERENCE}']]")
    return rows[0] if rows else None


def test_staff_retry_a_refused_dispatch_from_the_exceptions_page(served, tmp_path):
    # given: a tent too heavy for the demo's carrier, ordered, picked and packed at RNO
    tent = served.graphql("client key (ACME", TENT)["products"]["edges"][0]["node"]
    _weigh(served, tent["id"], 40_000)
    answer = served.graphql("client key (ACME", ORDER, {"reference": REFERENCE})["createOrder"]
    assert answer["order"], answer
    order_id = answer["order"]["id"]
    (fo,) = answer["order"]["fulfillmentOrders"]
    assert (fo["status"], fo["warehouse"]["code"]) == ("ALLOCATED", "RNO")
    for step, name in ((PICK, "startPicking"), (PACK, "markPacked")):
        assert served.graphql("provider key", step, {"id": fo["id"]})[name]["userErrors"] == []
    # when: the worker's dispatch is refused by the carrier
    WebDriverWait(None, DISPATCH_WAIT_S, poll_frequency=0.5).until(
        lambda _: _part(served, order_id)["status"] == "EXCEPTION"
    )
    refused = _part(served, order_id)
    assert (refused["exceptionReason"], refused["orderStatus"]) == ("DISPATCH_FAILED", "EXCEPTION")
    words = refused["dispatch"]["exceptionReason"]
    assert words
    with chromium(tmp_path) as staff:
        sign_in(staff, served.url, *STAFF)
        # then: staff find it on the Exceptions page, with the carrier's words
        link(staff, "Exceptions").click()
        wait_for_text(staff, TABLE, REFERENCE)
        row = _row(staff)
        assert "RNO" in row.text
        assert "ACME" in row.text
        assert f"Dispatch failed: {words}" in row.text
        screenshot(staff, "console-exceptions-refused")
        # when: they retry it as it is
        wait_for(staff, RETRY).click()
        # then: the row stays, marked as retrying, until the carrier refuses it again; the
        # page shows the refusal itself (order events, a check every few seconds)
        wait_for_text(staff, TABLE, "Refused again", timeout=DISPATCH_WAIT_S)
        assert words in _row(staff).text
        assert _part(served, order_id)["status"] == "EXCEPTION"
        # when: the tent's weight is corrected and they retry again
        _weigh(served, tent["id"], tent["weightGrams"])
        wait_for(staff, RETRY).click()
        # then: the row leaves once the order ships, the page says so, and the order has the
        # carrier's tracking number
        wait_for_text(
            staff, "main [role=status]", f"{REFERENCE} from RNO shipped.", DISPATCH_WAIT_S
        )
        assert _row(staff) is None
        WebDriverWait(None, DISPATCH_WAIT_S, poll_frequency=0.5).until(
            lambda _: _part(served, order_id)["status"] == "SHIPPED"
        )
        shipped = _part(served, order_id)
        assert shipped["trackingNumber"]
        assert shipped["exceptionReason"] is None
        assert shipped["orderStatus"] == "SHIPPED"
        assert not staff.find_elements(By.CSS_SELECTOR, f"{TABLE} [role='alert']")
        wait_for(staff, TABLE)
