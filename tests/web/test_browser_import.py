"""CSV import of orders in the client portal, in a real browser against a real demo server:
every row checked before anything is created, then created once however often re-sent."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

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
ORDERS = 500
CREATE_WAIT_S = 400.0  # 500 createOrder calls on a loaded two-core machine
HEADER = ["reference", "service_level", "name", "line1", "city", "region", "postal_code"]
HEADER += ["country", "sku", "quantity"]
SKUS = ("TENT-2P", "STOVE-1", "LAMP-LED")
BAD = {  # order number -> its second line's (sku, quantity), each wrong in its own way
    7: ("TENT-2P", "two"),  # not a number: caught while reading the file
    180: ("NO-SUCH-SKU", "1"),  # not in the catalog: caught by the API's dry run
    420: ("STOVE-1", "0"),  # not positive: caught by the API's dry run
}


def _write_orders(path: Path, *, fixed: bool) -> dict[int, int]:
    """500 orders, one line each; three have a second line that is wrong unless `fixed`.

    Returns the file row (the header is row 1) of each order's bad line.
    """
    table = [HEADER]
    bad_rows: dict[int, int] = {}
    for n in range(1, ORDERS + 1):
        order = [f"IMP-{n:04d}", "STANDARD", f"Buyer {n}", f"{n} Elm St", "Reno", "NV", "89501"]
        order.append("US")
        table.append([*order, SKUS[n % 3], "1"])
        if n in BAD:
            second = SKUS[(n + 1) % 3]  # another product than the first line's
            table.append([*order, *((second, "1") if fixed else BAD[n])])
            bad_rows[n] = len(table)
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(table)
    return bad_rows


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("import-demo")) as server:
        yield server


def _acme_orders(served: DemoServer) -> int:
    counts = served.graphql("client key (ACME", "{ orderStatusCounts { count } }")
    return sum(entry["count"] for entry in counts["orderStatusCounts"])


def _upload(driver, path: Path) -> None:
    wait_for(driver, "input[type=file]")
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))


def test_a_csv_with_bad_rows_shows_them_first_then_the_fixed_file_creates_once(served, tmp_path):
    # given
    broken, fixed = tmp_path / "orders-broken.csv", tmp_path / "orders.csv"
    bad_rows = _write_orders(broken, fixed=False)
    _write_orders(fixed, fixed=True)
    assert _acme_orders(served) == 0
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, *MERCHANT)
        link(driver, "Import CSV").click()
        # when the file with three bad rows is uploaded
        _upload(driver, broken)
        # then the three are listed by row, and nothing is created
        wait_for_text(driver, ".import-summary", "Nothing has been created yet", timeout=300)
        problems = driver.find_elements(By.CSS_SELECTOR, "ul[aria-label='Rows with problems'] li")
        reported = [item.text for item in problems]
        assert [text.split(":")[0] for text in reported] == [
            f"Row {bad_rows[n]}" for n in sorted(BAD)
        ], reported
        assert "quantity" in reported[0], reported
        assert "NO-SUCH-SKU" in reported[1], reported
        assert "quantity" in reported[2], reported
        assert "497 new" in driver.find_element(By.CSS_SELECTOR, ".import-summary").text
        screenshot(driver, "client-import-check")
        assert _acme_orders(served) == 0
        button(driver, "Cancel").click()
        assert _acme_orders(served) == 0

        # when the fixed file is checked and confirmed
        _upload(driver, fixed)
        wait_for_text(driver, ".import-summary", "500 new, 0 already there, 0 rows", timeout=300)
        button(driver, "Create 500 new orders").click()
        # then 500 are created
        wait_for_text(driver, ".import-summary", "Created 500 orders", timeout=CREATE_WAIT_S)
        assert _acme_orders(served) == ORDERS

        # when the same file is uploaded again
        link(driver, "Import CSV").click()
        _upload(driver, fixed)
        # then every order is already there and none can be created twice
        wait_for_text(driver, ".import-summary", "0 new, 500 already there", timeout=300)
        create = driver.find_element(
            By.XPATH, "//button[starts-with(normalize-space(), 'Create 0')]"
        )
        assert not create.is_enabled()
    assert _acme_orders(served) == ORDERS
    two_lines = served.graphql(
        "client key (ACME",
        '{ order(externalReference: "IMP-0180") { lines { sku quantity } } }',
    )
    assert two_lines["order"]["lines"] == [
        {"sku": SKUS[180 % 3], "quantity": 1},
        {"sku": SKUS[181 % 3], "quantity": 1},
    ]
