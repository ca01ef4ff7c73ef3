"""The supplier portal in a real browser against a real demo server: the demo's drop-ship
supplier acknowledges, ships and rejects the work routed to it, and reports its stock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

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
    wait_for_text,
)

pytestmark = pytest.mark.timeout(900)

SUPPLIER = PEOPLE["supplier"]
DROP_SHIP_ORDER = """mutation($reference: String!, $name: String!) {
  createOrder(input: {externalReference: $reference,
    shipTo: {name: $name, line1: "3 River Rd", city: "Reno", region: "NV", postalCode: "89501",
             country: "US"},
    lines: [{sku: "HAMMOCK-1", quantity: 2}]}) {
    order { id } userErrors { code message } } }"""
WORK = """query($id: ID!) { order(id: $id) { fulfillmentOrders {
  supplier { code } status acknowledgedAt carrier trackingNumber rejectionReason rejectionNote } } }"""
STOCK = "{ supplierProducts { edges { node { supplierSku stock { available } } } } }"
HAMMOCKS_FROM_TRAIL = """mutation($acme: ID!, $trail: ID!) {
  setRoutingRules(input: {clientId: $acme, rules: [{name: "hammocks-drop-ship",
    conditions: {skus: ["HAMMOCK-1"]}, sources: [{supplierId: $trail}]}]}) {
    userErrors { field code message } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("supplier-demo")) as server:
        ids = server.graphql(
            "provider key",
            '{ clients(filter: {code: "ACME"}) { edges { node { id } } }'
            " suppliers { edges { node { id code } } } }",
        )
        trail = next(
            e["node"]["id"] for e in ids["suppliers"]["edges"] if e["node"]["code"] == "TRAIL"
        )
        acme = ids["clients"]["edges"][0]["node"]["id"]
        saved = server.graphql("provider key", HAMMOCKS_FROM_TRAIL, {"acme": acme, "trail": trail})
        assert saved["setRoutingRules"]["userErrors"] == []
        yield server


@pytest.fixture
def supplier(served: DemoServer, tmp_path: Path):
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, *SUPPLIER)
        yield driver


def _drop_ship(served: DemoServer, reference: str, name: str) -> str:
    answer = served.graphql(
        "client key (ACME", DROP_SHIP_ORDER, {"reference": reference, "name": name}
    )["createOrder"]
    assert answer["order"], answer
    assert _work(served, answer["order"]["id"])["supplier"] == {"code": "TRAIL"}
    return answer["order"]["id"]


def _work(served: DemoServer, order_id: str) -> dict:
    return served.graphql("provider key", WORK, {"id": order_id})["order"]["fulfillmentOrders"][0]


def _card(driver, name: str):
    return wait_for(driver, f"article[aria-label='For {name}, Reno']")


def test_the_supplier_acknowledges_ships_and_rejects_its_work(served, supplier):
    # given one request routed before the page opened
    shipped_id = _drop_ship(served, "DROP-1", "Ada Park")
    supplier.refresh()
    _card(supplier, "Ada Park")
    mark_page(supplier)
    # when another is routed while it is open, it appears without reload
    rejected_id = _drop_ship(served, "DROP-2", "Ben Ode")
    _card(supplier, "Ben Ode")
    assert page_is_marked(supplier)
    screenshot(supplier, "supplier-requests")

    # when the first is acknowledged, then shipped with its tracking number
    _card(supplier, "Ada Park").find_element(By.XPATH, ".//button[.='Acknowledge']").click()
    WebDriverWait(supplier, WAIT_S).until(
        lambda d: (
            "acknowledged" in _card(d, "Ada Park").text
            and not _card(d, "Ada Park").find_elements(By.XPATH, ".//button[.='Acknowledge']")
        )
    )
    assert _work(served, shipped_id)["acknowledgedAt"]
    card = _card(supplier, "Ada Park")
    card.find_element(By.CSS_SELECTOR, "input[aria-label='Carrier']").send_keys("UPS")
    card.find_element(By.CSS_SELECTOR, "input[aria-label='Tracking number']").send_keys("1ZDROP1")
    card.find_element(By.XPATH, ".//button[.='Mark shipped']").click()
    # and the second is rejected with a reason
    card = _card(supplier, "Ben Ode")
    Select(
        card.find_element(By.CSS_SELECTOR, "select[aria-label='Reject: reason']")
    ).select_by_value("CANNOT_SHIP_TO_DESTINATION")
    card.find_element(By.CSS_SELECTOR, "input[aria-label='Reject: note']").send_keys("No road")
    card.find_element(By.XPATH, ".//button[.='Reject']").click()

    # then the shipped one leaves the to-do list, and the provider sees what the supplier did
    WebDriverWait(supplier, WAIT_S).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, "article[aria-label='For Ada Park, Reno']")
    )
    WebDriverWait(supplier, WAIT_S).until(lambda d: _work(served, rejected_id)["rejectionReason"])
    assert _work(served, shipped_id) | {"acknowledgedAt": None} == {
        "supplier": {"code": "TRAIL"},
        "status": "SHIPPED",
        "acknowledgedAt": None,
        "carrier": "UPS",
        "trackingNumber": "1ZDROP1",
        "rejectionReason": None,
        "rejectionNote": None,
    }
    rejected = _work(served, rejected_id)
    assert (rejected["rejectionReason"], rejected["rejectionNote"]) == (
        "CANNOT_SHIP_TO_DESTINATION",
        "No road",
    )
    # (no other source carries hammocks: the rejected work waits in EXCEPTION for staff)
    assert rejected["status"] in ("CANCELLED", "EXCEPTION")
    WebDriverWait(supplier, WAIT_S).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, "article[aria-label='For Ben Ode, Reno']")
    )
    button(supplier, "Shipped").click()
    wait_for_text(supplier, "article[aria-label='For Ada Park, Reno'] .tracking", "1ZDROP1")
    button(supplier, "Rejected or cancelled").click()
    wait_for_text(supplier, "article[aria-label='For Ben Ode, Reno']", "Cannot ship to destination")


def _available(served: DemoServer) -> int:
    edges = served.graphql("supplier key", STOCK)["supplierProducts"]["edges"]
    return {e["node"]["supplierSku"]: e["node"]["stock"]["available"] for e in edges}["TG-HAM-1"]


def test_the_supplier_reports_stock_one_product_and_by_csv(served, supplier, tmp_path):
    # given
    link(supplier, "Stock").click()
    wait_for(supplier, "table[aria-label='Stock']")
    # when one product's available units are reported
    box = wait_for(supplier, "input[aria-label='Available of TG-HAM-1']")
    replace_text(box, "12")
    button(supplier, "Save").click()
    # then
    WebDriverWait(supplier, WAIT_S).until(lambda d: _available(served) == 12)
    wait_for_text(supplier, "table[aria-label='Stock'] tbody tr td:nth-child(4)", "12")

    # when a file with a bad row is uploaded
    bad = tmp_path / "stock-bad.csv"
    bad.write_text("supplier_sku,available\nTG-HAM-1,30\nTG-HAM-1,lots\n")
    upload = supplier.find_element(By.CSS_SELECTOR, "input[type=file]")
    upload.send_keys(str(bad))
    # then its row is named and nothing changed
    wait_for_text(supplier, "ul[aria-label='Problems in the file']", "Row 3:")
    assert _available(served) == 12
    screenshot(supplier, "supplier-stock")

    # when the fixed file is uploaded
    good = tmp_path / "stock.csv"
    good.write_text("supplier_sku,available\nTG-HAM-1,30\n")
    supplier.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(good))
    # then
    wait_for_text(supplier, "[role=status]", "stock.csv: 1 products updated.")
    wait_for_text(supplier, "table[aria-label='Stock'] tbody tr td:nth-child(4)", "30")
    assert _available(served) == 30
