"""Signed in, in a real browser against a real `crossdock serve --demo`: each face, an order
from the client portal appearing live on the staff board, pick and pack to a bought label,
an invoice PDF, and another client's order by URL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
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
    wait_for_download,
    wait_for_text,
)

pytestmark = pytest.mark.timeout(900)

HOLD = """mutation($id: ID!) { placeOrderHold(input: {id: $id, reason: CLIENT_REQUEST}) {
  userErrors { code message } } }"""
# Counts the board's requests for its page of orders (events must change rows in place).
COUNT_PAGE_REQUESTS = """
window.__boardPageRequests = 0;
const fetchBefore = window.fetch;
window.fetch = (...args) => {
  const body = args[1] && args[1].body;
  if (typeof body === "string" && body.includes("query BoardOrders(")) window.__boardPageRequests++;
  return fetchBefore(...args);
};"""
LABEL_WAIT_S = 120.0  # the in-process worker buys it; generous for a loaded machine


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("faces-demo")) as server:
        yield server


@contextmanager
def _signed_in(served: DemoServer, folder: Path, face: str):
    """A browser of its own (downloads in `folder`), signed in as the demo's `face`."""
    folder.mkdir()
    with chromium(folder) as driver:
        sign_in(driver, served.url, *PEOPLE[face])
        yield driver


@pytest.fixture
def staff(served: DemoServer, tmp_path: Path):
    with _signed_in(served, tmp_path / "staff", "staff") as driver:
        yield driver


@pytest.fixture
def merchant(served: DemoServer, tmp_path: Path):
    with _signed_in(served, tmp_path / "merchant", "merchant") as driver:
        yield driver


@pytest.mark.parametrize(
    ("face", "title", "tenant"),
    [
        ("staff", "Operations", "Northwind Fulfilment"),
        ("merchant", "Client portal", "ACME Outdoor"),
        ("supplier", "Supplier", "Trail Gear Co"),
    ],
)
def test_each_face_signs_in_and_out(served, tmp_path, face, title, tenant):
    with chromium(tmp_path) as driver:
        # when
        sign_in(driver, served.url, *PEOPLE[face])
        # then
        assert driver.find_element(By.CSS_SELECTOR, "header .brand").text.endswith(title)
        assert driver.find_element(By.CSS_SELECTOR, "header .who").text == tenant
        # and signing out asks who is there again, and stays signed out after a reload
        button(driver, "Sign out").click()
        wait_for(driver, "form[aria-label='Sign in']")
        driver.refresh()
        wait_for(driver, "form[aria-label='Sign in']")


def test_a_wrong_password_is_refused_on_the_form(served, tmp_path):
    with chromium(tmp_path) as driver:
        driver.get(served.url)
        wait_for(driver, "input#email").send_keys(PEOPLE["staff"][0])
        driver.find_element(By.CSS_SELECTOR, "input#password").send_keys("not-the-password")
        button(driver, "Sign in").click()

        wait_for(driver, "form[aria-label='Sign in'] .error")
        assert driver.find_elements(By.CSS_SELECTOR, "header .who") == []


def _fill_new_order(driver, reference: str, sku: str, quantity: int) -> None:
    link(driver, "New order").click()
    wait_for(driver, "input#reference").send_keys(reference)
    Select(driver.find_element(By.ID, "service")).select_by_value("EXPRESS")
    for field, value in (
        ("name", "Riley Park"),
        ("line1", "77 Sierra St"),
        ("city", "Reno"),
        ("region", "NV"),
        ("postalCode", "89501"),
    ):
        driver.find_element(By.ID, f"shipTo-{field}").send_keys(value)
    driver.find_element(By.ID, "line-0-sku").send_keys(sku)
    replace_text(driver.find_element(By.ID, "line-0-quantity"), str(quantity))


def _count_of(driver, status: str) -> int:
    """The board's count of orders in `status` (0 when the status is not listed)."""
    for item in driver.find_elements(By.CSS_SELECTOR, "ul[aria-label='Orders by status'] li"):
        if status in item.text:
            return int(item.find_element(By.CSS_SELECTOR, ".count-value").text)
    return 0


def test_a_client_order_appears_on_the_staff_board_without_reload(served, staff, merchant):
    # given the staff board open and marked, counting the times it asks for its page
    wait_for(staff, "table[aria-label='Orders']")
    wait_for_text(staff, ".live", "Live")
    mark_page(staff)
    staff.execute_script(COUNT_PAGE_REQUESTS)
    # when the merchant creates an order in the portal's form
    _fill_new_order(merchant, "WEB-LIVE-1", "TENT-2P", 2)
    # (the SKU box offers what the server's search found for what was typed)
    WebDriverWait(merchant, WAIT_S).until(
        lambda d: (
            d.execute_script(
                "return [...document.querySelectorAll('#sku-options option')].map(o => o.value)"
            )
            == ["TENT-2P"]
        )
    )
    screenshot(merchant, "client-new-order")
    button(merchant, "Create order").click()
    wait_for_text(merchant, "#order-title", "WEB-LIVE-1")
    # then it is on the board, with its client and status, and the board never reloaded
    wait_for_text(staff, "table[aria-label='Orders']", "WEB-LIVE-1")
    row = staff.find_element(By.XPATH, "//tr[.//a[normalize-space()='WEB-LIVE-1']]")
    assert "ACME" in row.text
    assert "Allocated" in row.text
    assert page_is_marked(staff)
    screenshot(staff, "console-board")
    # when staff hold it through the API, the row and the counts change in place
    on_hold_before, allocated_before = _count_of(staff, "On hold"), _count_of(staff, "Allocated")
    order_id = served.graphql(
        "client key (ACME", '{ order(externalReference: "WEB-LIVE-1") { id } }'
    )["order"]["id"]
    held = served.graphql("provider key", HOLD, {"id": order_id})["placeOrderHold"]
    assert held["userErrors"] == [], held
    row_text = "//tr[.//a[normalize-space()='WEB-LIVE-1']]"
    WebDriverWait(staff, WAIT_S).until(
        lambda d: "On hold" in d.find_element(By.XPATH, row_text).text
    )
    WebDriverWait(staff, WAIT_S).until(lambda d: _count_of(d, "On hold") == on_hold_before + 1)
    assert _count_of(staff, "Allocated") == allocated_before - 1
    # and the board asked for its page of orders not once since it was open
    assert staff.execute_script("return window.__boardPageRequests") == 0
    assert page_is_marked(staff)


HELD_BACK_S = 10.0
"""How long the board's subscription is held back after its read (a test hook)."""
CREATE_ORDER = """mutation($ref: String!) { createOrder(input: {externalReference: $ref,
  shipTo: {name: "Noa Bell", line1: "5 Elm St", city: "Reno", region: "NV",
           postalCode: "89501", country: "US"},
  lines: [{sku: "STOVE-1", quantity: 1}]}) { order { id status } userErrors { code } } }"""


def test_an_order_made_between_the_board_s_read_and_its_subscription_appears(served, tmp_path):
    # given the board's subscription held back after its read (as a loaded machine may)
    with chromium(tmp_path) as driver:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": f"window.crossdockSubscribeDelayMs = {HELD_BACK_S * 1000:.0f};"},
        )
        sign_in(driver, served.url, *PEOPLE["staff"])
        wait_for(driver, "table[aria-label='Orders'] tbody tr")
        read_at = time.monotonic()
        # when an order is made after the read, before the subscription is listening
        created = served.graphql("client key (ACME", CREATE_ORDER, {"ref": "WEB-RACE-1"})
        order = created["createOrder"]["order"]
        assert order, created
        status = humanized(order["status"])
        assert time.monotonic() - read_at < HELD_BACK_S / 2, "made too late to race the board"
        # then it still appears, once the subscription starts from the read's position
        wait_for_text(driver, "table[aria-label='Orders']", "WEB-RACE-1", HELD_BACK_S + WAIT_S)

        # and the counts are the server's (the order counted once, not again for its event)
        def counts_agree(d) -> bool:
            answer = served.graphql("provider key", "{ orderStatusCounts { status count } }")
            server = {humanized(c["status"]): c["count"] for c in answer["orderStatusCounts"]}
            return status in server and all(_count_of(d, s) == n for s, n in server.items())

        WebDriverWait(driver, WAIT_S).until(counts_agree)


def test_a_hold_placed_between_the_order_page_s_read_and_its_subscription_appears(served, tmp_path):
    # given an allocated order, and its page open with its subscriptions held back after the
    # page's read (as a loaded machine may)
    order_id = _order_id(served, "client key (ACME", "WEB-RACE-2", "STOVE-1")
    with chromium(tmp_path) as driver:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": f"window.crossdockSubscribeDelayMs = {HELD_BACK_S * 1000:.0f};"},
        )
        sign_in(driver, served.url, *PEOPLE["staff"])
        driver.get(f"{served.url}/orders/{order_id}")
        wait_for_text(driver, "#order-title", "WEB-RACE-2")
        assert "On hold" not in driver.find_element(By.ID, "order-title").text
        read_at = time.monotonic()
        mark_page(driver)
        # when a hold is placed after the read, before the subscription is listening
        held = served.graphql("provider key", HOLD, {"id": order_id})["placeOrderHold"]
        assert held["userErrors"] == [], held
        assert time.monotonic() - read_at < HELD_BACK_S / 2, "placed too late to race the page"
        # then the page shows it, once the subscription starts from the read's position and
        # its event makes the page read again (no reload)
        wait_for_text(driver, "#order-title", "On hold", HELD_BACK_S + WAIT_S)
        assert time.monotonic() - read_at >= HELD_BACK_S / 2, "shown before the subscription"
        assert page_is_marked(driver)


def humanized(value: str) -> str:
    """An enum value as the web app shows it (format.ts humanize)."""
    return value.replace("_", " ").capitalize()


def test_the_client_s_order_list_changes_its_rows_in_place(served, merchant):
    # given the merchant's order list open, counting the times it asks for its page
    link(merchant, "Orders").click()
    wait_for(merchant, "table[aria-label='Orders']")
    mark_page(merchant)
    merchant.execute_script(COUNT_PAGE_REQUESTS.replace("BoardOrders", "ClientOrderList"))
    # when an order arrives through the API, then staff hold it
    created = served.graphql(
        "client key (ACME",
        """mutation { createOrder(input: {externalReference: "WEB-LIST-1",
             shipTo: {name: "Noa Bell", line1: "5 Elm St", city: "Reno", region: "NV",
                      postalCode: "89501", country: "US"},
             lines: [{sku: "STOVE-1", quantity: 1}]}) { order { id } userErrors { code } } }""",
    )["createOrder"]
    assert created["order"], created
    row = "//table[@aria-label='Orders']//tr[.//a[normalize-space()='WEB-LIST-1']]"
    WebDriverWait(merchant, WAIT_S).until(lambda d: d.find_elements(By.XPATH, row))
    held = served.graphql("provider key", HOLD, {"id": created["order"]["id"]})["placeOrderHold"]
    assert held["userErrors"] == [], held
    # then its row says so, at the top, and the list never asked for its page again
    WebDriverWait(merchant, WAIT_S).until(lambda d: "On hold" in d.find_element(By.XPATH, row).text)
    first = merchant.find_element(By.CSS_SELECTOR, "table[aria-label='Orders'] tbody tr")
    assert "WEB-LIST-1" in first.text
    assert merchant.execute_script("return window.__boardPageRequests") == 0
    assert page_is_marked(merchant)


def test_a_form_error_shows_beside_its_field_and_creates_nothing(served, merchant):
    # when the SKU is not in the catalog
    _fill_new_order(merchant, "WEB-BAD-SKU", "NO-SUCH-SKU", 1)
    button(merchant, "Create order").click()
    # then the error is under that line's SKU, tied to it for screen readers
    error = wait_for(merchant, "#line-0-sku-error")
    assert merchant.find_element(By.ID, "line-0-sku").get_attribute("aria-describedby") == (
        "line-0-sku-error"
    )
    assert "NO-SUCH-SKU" in error.text or "SKU" in error.text
    found = served.graphql(
        "client key (ACME",
        'query { order(externalReference: "WEB-BAD-SKU") { id } }',
    )
    assert found["order"] is None


def test_staff_pick_and_pack_and_the_bought_label_ships_it(served, staff, tmp_path):
    # given an allocated order of ACME's
    created = served.graphql(
        "client key (ACME",
        """mutation { createOrder(input: {externalReference: "WEB-SHIP-1",
             shipTo: {name: "Kai Moss", line1: "9 Lake Dr", city: "Reno", region: "NV",
                      postalCode: "89502", country: "US"},
             lines: [{sku: "STOVE-1", quantity: 1}]}) { order { id status } userErrors { code } } }""",
    )["createOrder"]
    assert created["order"]["status"] == "ALLOCATED", created
    # when staff open it from the board and work it (the board was opened at sign-in, just
    # before the order was made: its subscription starts from the board's read, so the
    # order appears even if the subscription was not listening yet)
    wait_for_text(staff, "table[aria-label='Orders']", "WEB-SHIP-1")
    link(staff, "WEB-SHIP-1").click()
    wait_for_text(staff, "#order-title", "WEB-SHIP-1")
    button(staff, "Start picking").click()
    button(staff, "Mark packed").click()
    # then the worker buys a label, and the page shows it (and the shipped state) by itself
    tracking = wait_for(staff, ".shipment .tracking", timeout=LABEL_WAIT_S).text
    wait_for_text(staff, "#order-title", "Shipped", timeout=LABEL_WAIT_S)
    screenshot(staff, "console-order-detail")
    button(staff, "Download label (ZPL)").click()
    label = wait_for_download(tmp_path / "staff", ".zpl")
    assert label.read_bytes().startswith(b"^XA")
    assert tracking in label.read_text()
    order = served.graphql(
        "provider key",
        "query($id: ID!) { order(id: $id) { status fulfillmentOrders { trackingNumber } } }",
        {"id": created["order"]["id"]},
    )["order"]
    assert order["status"] == "SHIPPED"
    assert order["fulfillmentOrders"][0]["trackingNumber"] == tracking


def test_staff_run_billing_and_download_an_invoice_pdf(staff, tmp_path):
    # given the demo's opening receipts, billed at once by the default rate card
    link(staff, "Invoices").click()
    wait_for(staff, "form[aria-label='Run billing']")
    # when
    button(staff, "Run billing").click()
    wait_for_text(staff, "[role=status]", "invoices drafted or updated")
    wait_for(staff, "table[aria-label='Invoices'] tbody tr:not(.empty)")
    number = staff.find_element(By.CSS_SELECTOR, "table[aria-label='Invoices'] tbody td").text
    screenshot(staff, "console-invoices")
    staff.find_element(By.XPATH, f"//button[normalize-space()='PDF of {number}']").click()
    # then
    pdf = wait_for_download(tmp_path / "staff", ".pdf")
    assert pdf.name == f"{number}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_client_cannot_open_another_clients_order_by_url(served, merchant):
    # given an order of Bolt Coffee's and one of ACME's own
    theirs = _order_id(served, "client key (Bolt", "BOLT-SECRET-1", "BEAN-1KG")
    ours = _order_id(served, "client key (ACME", "WEB-OURS-1", "LAMP-LED")
    # when ACME's merchant opens Bolt's order by its URL
    merchant.get(f"{served.url}/orders/{theirs}")
    # then it is not found, exactly like an id that does not exist
    wait_for_text(merchant, "h1", "Order not found")
    assert "BOLT-SECRET-1" not in merchant.page_source
    assert "BEAN-1KG" not in merchant.page_source
    merchant.get(f"{served.url}/orders/T3JkZXI6bm8tc3VjaA")
    wait_for_text(merchant, "h1", "Order not found")
    # while its own order by URL opens
    merchant.get(f"{served.url}/orders/{ours}")
    wait_for_text(merchant, "#order-title", "WEB-OURS-1", timeout=WAIT_S)


def _order_id(served: DemoServer, key: str, reference: str, sku: str) -> str:
    answer = served.graphql(
        key,
        """mutation($reference: String!, $sku: String!) {
             createOrder(input: {externalReference: $reference,
               shipTo: {name: "Lee Chan", line1: "1 Main St", city: "Reno", region: "NV",
                        postalCode: "89501", country: "US"},
               lines: [{sku: $sku, quantity: 1}]}) { order { id } userErrors { code } } }""",
        {"reference": reference, "sku": sku},
    )["createOrder"]
    assert answer["order"], answer
    return answer["order"]["id"]


def test_staff_receive_an_announced_inbound_shipment(served, staff):
    # given ACME announces 50 lanterns for Reno
    ids = served.graphql(
        "client key (ACME",
        '{ warehouses(filter: {code: "RNO"}) { edges { node { id } } }'
        ' products(filter: {sku: "LAMP-LED"}) { edges { node { id } } } }',
    )
    announced = served.graphql(
        "client key (ACME",
        """mutation($w: ID!, $p: ID!) { createInboundShipment(input: {warehouseId: $w,
             reference: "PO-WEB-1", lines: [{productId: $p, quantity: 50}]}) {
             inboundShipment { id } userErrors { code } } }""",
        {
            "w": ids["warehouses"]["edges"][0]["node"]["id"],
            "p": ids["products"]["edges"][0]["node"]["id"],
        },
    )["createInboundShipment"]
    assert announced["inboundShipment"], announced
    # when staff count 48 and receive them
    link(staff, "Inbound").click()
    card = wait_for(staff, "form[aria-label='Inbound PO-WEB-1']")
    box = card.find_element(By.CSS_SELECTOR, "input[aria-label='Receive LAMP-LED']")
    replace_text(box, "48")
    screenshot(staff, "console-inbound")
    card.find_element(By.XPATH, ".//button[.='Receive']").click()
    # then
    wait_for_text(staff, "form[aria-label='Inbound PO-WEB-1']", "Receiving")
    received = served.graphql(
        "provider key",
        "query($id: ID!) { node(id: $id) { ... on InboundShipment { status"
        " lines { receivedQuantity outstandingQuantity } } } }",
        {"id": announced["inboundShipment"]["id"]},
    )["node"]
    assert received == {
        "status": "RECEIVING",
        "lines": [{"receivedQuantity": 48, "outstandingQuantity": 2}],
    }


def test_staff_add_a_client_and_a_taken_code_is_refused_beside_it(served, staff):
    link(staff, "Clients").click()
    wait_for(staff, "#client-code").send_keys("GLOW")
    staff.find_element(By.ID, "client-name").send_keys("Glow Cosmetics")
    button(staff, "Add client").click()
    wait_for_text(staff, "table[aria-label='Clients']", "Glow Cosmetics")
    # when the same code is sent again
    wait_for(staff, "#client-code").send_keys("GLOW")
    staff.find_element(By.ID, "client-name").send_keys("Another Glow")
    button(staff, "Add client").click()
    # then
    wait_for(staff, "#client-code-error")
    codes = served.graphql("provider key", "{ clients { edges { node { code } } } }")
    assert [e["node"]["code"] for e in codes["clients"]["edges"]].count("GLOW") == 1
