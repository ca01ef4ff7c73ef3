"""Supplier labels in a real browser against a real demo server: the demo's supplier sets
the address its labels ship from, buys a label for its part of the README's split order and
sees it (never its cost) once the in-process worker has bought it; a label the carrier
refuses leaves the work in EXCEPTION, saying so, and the supplier ships it by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.browser import (
    PEOPLE,
    WAIT_S,
    DemoServer,
    button,
    chromium,
    demo_server,
    link,
    mark_page,
    page_is_marked,
    replace_text,
    screenshot,
    sign_in,
    wait_for,
    wait_for_download,
    wait_for_text,
)

pytestmark = pytest.mark.timeout(900)

LABEL_WAIT_S = 120.0  # the in-process worker buys it; generous for a loaded machine
SUPPLIER = PEOPLE["supplier"]
# The README tour's rules: Colorado from ACME's store, the rest from the warehouses, with what
# they lack (the hammock: only the supplier carries it) going to a drop-ship supplier.
TOUR_RULES = """mutation($acme: ID!, $shop: ID!, $reno: ID!, $atl: ID!) {
  setRoutingRules(input: {clientId: $acme, rules: [
    {name: "colorado-from-the-store", conditions: {regions: ["US-CO"]},
     sources: [{warehouseId: $shop}, {warehouseId: $reno}], preferComplete: false},
    {name: "warehouses-then-suppliers", sources: [{warehouseId: $reno}, {warehouseId: $atl}],
     whenShort: SUPPLIER}]}) { userErrors { field code message } } }"""
ORDER = """mutation($reference: String!, $name: String!, $lines: [OrderLineInput!]!) {
  createOrder(input: {externalReference: $reference,
    shipTo: {name: $name, line1: "9 Pine St", city: "Portland", region: "OR",
             postalCode: "97204", country: "US"},
    lines: $lines}) {
    order { id fulfillmentOrders { warehouse { code } supplier { code } } }
    userErrors { code message } } }"""
PARTS = """query($id: ID!) { order(id: $id) { status fulfillmentOrders {
  status carrier trackingNumber warehouse { code } supplier { code }
  shipment { trackingNumber cost { amount } } dispatch { exceptionReason } } } }"""
SHIP_FROM = "{ viewer { supplier { shipFrom { line1 city postalCode country } } } }"
HAMMOCK = '{ products(filter: {sku: "HAMMOCK-1"}) { edges { node { id weightGrams } } } }'
WEIGH = """mutation($id: ID!, $grams: Int!) {
  updateProduct(input: {id: $id, weightGrams: $grams}) { userErrors { code message } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("supplier-labels-demo")) as server:
        ids = server.graphql(
            "provider key",
            '{ clients(filter: {code: "ACME"}) { edges { node { id } } }'
            " warehouses { edges { node { id code } } } }",
        )
        places = {e["node"]["code"]: e["node"]["id"] for e in ids["warehouses"]["edges"]}
        rules = {
            "acme": ids["clients"]["edges"][0]["node"]["id"],
            "shop": places["SHOP-BOULDER"],
            "reno": places["RNO"],
            "atl": places["ATL"],
        }
        saved = server.graphql("provider key", TOUR_RULES, rules)
        assert saved["setRoutingRules"]["userErrors"] == []
        yield server


@pytest.fixture
def supplier(served: DemoServer, tmp_path: Path):
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, *SUPPLIER)
        yield driver


def _order(served: DemoServer, reference: str, name: str, lines: list[dict]) -> str:
    answer = served.graphql(
        "client key (ACME", ORDER, {"reference": reference, "name": name, "lines": lines}
    )["createOrder"]
    assert answer["order"], answer
    return answer["order"]["id"]


def _parts(served: DemoServer, order_id: str) -> dict[str, dict]:
    """The order's fulfillment orders by who serves them (a warehouse or supplier code)."""
    fos = served.graphql("provider key", PARTS, {"id": order_id})["order"]["fulfillmentOrders"]
    return {(fo["warehouse"] or fo["supplier"])["code"]: fo for fo in fos}


def _card(driver, name: str):
    return wait_for(driver, f"article[aria-label='For {name}, Portland']")


def _set_ship_from(driver, country: str) -> None:
    for box, value in (
        ("address-line1", "1 Depot Way"),
        ("address-city", "Reno"),
        ("address-region", "NV"),
        ("address-postalCode", "89502"),
        ("address-country", country),
    ):
        replace_text(wait_for(driver, f"input#{box}"), value)
    button(driver, "Save address").click()


def test_the_supplier_sets_its_ship_from_and_buys_a_label_for_the_split_order(
    served, supplier, tmp_path
):
    # given: the supplier opens its ship-from page and gives a country that is none
    link(supplier, "Ship-from address").click()
    wait_for_text(supplier, "#ship-from-title", "Ship-from address")
    _set_ship_from(supplier, "Atlantis")
    # then: the refusal shows beside the country, and nothing is stored
    wait_for(supplier, "#address-country-error")
    assert served.graphql("supplier key", SHIP_FROM)["viewer"]["supplier"]["shipFrom"] is None
    # when: it is corrected
    _set_ship_from(supplier, "US")
    # then
    wait_for_text(supplier, "[role=status]", "Saved: labels ship from")
    assert served.graphql("supplier key", SHIP_FROM)["viewer"]["supplier"]["shipFrom"] == {
        "line1": "1 Depot Way",
        "city": "Reno",
        "postalCode": "89502",
        "country": "US",
    }
    supplier.execute_script("window.scrollTo(0, 0)")
    screenshot(supplier, "supplier-ship-from")

    # given: the README's split order, a tent from RNO and a hammock from the supplier
    order_id = _order(
        served,
        "SHOP-1003",
        "Kim Park",
        [{"sku": "TENT-2P", "quantity": 1}, {"sku": "HAMMOCK-1", "quantity": 1}],
    )
    assert set(_parts(served, order_id)) == {"RNO", "TRAIL"}
    link(supplier, "Requests").click()
    mark_page(supplier)
    # when: the supplier buys a label for its part
    _card(supplier, "Kim Park").find_element(By.XPATH, ".//button[.='Buy label']").click()
    # then: the label appears by itself once the worker bought it, without a reload
    tracking = wait_for(
        supplier, "article[aria-label='For Kim Park, Portland'] .label .tracking", LABEL_WAIT_S
    ).text
    assert page_is_marked(supplier)
    wait_for_text(supplier, "#labels-title", "Labels to print")
    screenshot(supplier, "supplier-label")
    parts = _parts(served, order_id)
    assert (parts["TRAIL"]["status"], parts["TRAIL"]["trackingNumber"]) == ("SHIPPED", tracking)
    assert parts["RNO"]["status"] == "ALLOCATED"  # the warehouse's part is its own business
    # and: the label downloads; its cost, billed to the client, is nowhere on the page
    button(supplier, "Download label (ZPL)").click()
    label = wait_for_download(tmp_path, ".zpl")
    assert tracking in label.read_text()
    cost = parts["TRAIL"]["shipment"]["cost"]["amount"]
    assert cost not in supplier.find_element(By.TAG_NAME, "body").text
    # when: it is printed, it leaves the page
    button(supplier, "Printed").click()
    WebDriverWait(supplier, WAIT_S).until(
        lambda d: (
            not d.find_elements(By.CSS_SELECTOR, "article[aria-label='For Kim Park, Portland']")
        )
    )


def test_a_label_the_carrier_refuses_leaves_the_work_to_ship_by_hand(served, supplier):
    # given: hammocks too heavy for the demo's carrier, and the supplier's depot set
    hammock = served.graphql("client key (ACME", HAMMOCK)["products"]["edges"][0]["node"]
    weigh = {"id": hammock["id"], "grams": 40_000}
    assert served.graphql("client key (ACME", WEIGH, weigh)["updateProduct"]["userErrors"] == []
    try:
        link(supplier, "Ship-from address").click()
        _set_ship_from(supplier, "US")
        wait_for_text(supplier, "[role=status]", "Saved")
        order_id = _order(served, "HEAVY-1", "Lee Hart", [{"sku": "HAMMOCK-1", "quantity": 1}])
        link(supplier, "Requests").click()
        # when: the supplier asks for a label
        _card(supplier, "Lee Hart").find_element(By.XPATH, ".//button[.='Buy label']").click()
        # then: the carrier's refusal shows on its work, which stays to do
        wait_for_text(
            supplier,
            "article[aria-label='For Lee Hart, Portland'] .error",
            "The carrier refused the label: ",
            LABEL_WAIT_S,
        )
        refused = _parts(served, order_id)["TRAIL"]
        assert refused["status"] == "EXCEPTION"
        # (the carrier's own words, as staff read them on its dispatch)
        assert refused["dispatch"]["exceptionReason"] in _card(supplier, "Lee Hart").text
        # when: it ships with its own carrier instead
        card = _card(supplier, "Lee Hart")
        card.find_element(By.CSS_SELECTOR, "input[aria-label='Carrier']").send_keys("USPS")
        card.find_element(By.CSS_SELECTOR, "input[aria-label='Tracking number']").send_keys("9400")
        card.find_element(By.XPATH, ".//button[.='Mark shipped']").click()
        # then
        WebDriverWait(supplier, WAIT_S).until(
            lambda d: _parts(served, order_id)["TRAIL"]["status"] == "SHIPPED"
        )
        part = _parts(served, order_id)["TRAIL"]
        assert (part["carrier"], part["trackingNumber"], part["shipment"]) == ("USPS", "9400", None)
    finally:
        weigh["grams"] = hammock["weightGrams"] or 1
        served.graphql("client key (ACME", WEIGH, weigh)
