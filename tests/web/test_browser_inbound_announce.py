"""A merchant announces an inbound shipment in the client portal of a real demo server: an
unknown SKU is named beside its line and nothing is created; fixed, the shipment is listed as
expected and the warehouse's staff read it through the API with its lines. Staff announce one
for a client they choose in the console, its SKUs looked up among that client's products."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.web.browser import (
    PEOPLE,
    DemoServer,
    button,
    chromium,
    demo_server,
    link,
    replace_text,
    sign_in,
    wait_for,
    wait_for_text,
)

pytestmark = pytest.mark.timeout(600)

ANNOUNCED = """{ inboundShipments(first: 10) { edges { node {
  reference status client { code } warehouse { code }
  lines { expectedQuantity product { sku } } } } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("inbound-demo")) as server:
        yield server


def _type(driver, box_id: str, text: str) -> None:
    replace_text(driver.find_element(By.ID, box_id), text)


def test_a_merchant_announces_an_inbound_shipment_staff_then_expect(served, tmp_path):
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, *PEOPLE["merchant"])
        link(driver, "Inbound").click()
        wait_for(driver, "form[aria-label='Announce a shipment']")
        _type(driver, "inbound-reference", "ASN-AUDIT-1")
        warehouse = Select(driver.find_element(By.ID, "inbound-warehouse"))
        wait_for(driver, "#inbound-warehouse option:nth-child(2)")
        warehouse.select_by_visible_text("ATL · Atlanta DC")
        # when a line names a SKU the client does not have
        _type(driver, "inbound-line-0-sku", "NO-SUCH-SKU")
        _type(driver, "inbound-line-0-quantity", "40")
        button(driver, "Announce shipment").click()
        wait_for_text(driver, "#inbound-line-0-sku-error", 'No product with SKU "NO-SUCH-SKU".')
        assert _announced(served) == []

        # then with the SKU fixed the shipment is announced and listed as expected
        _type(driver, "inbound-line-0-sku", "TENT-2P")
        button(driver, "Announce shipment").click()
        wait_for_text(driver, "main [role=status]", "Announced ASN-AUDIT-1")
        wait_for_text(driver, "main", "ASN-AUDIT-1")

    assert _announced(served) == [
        {
            "reference": "ASN-AUDIT-1",
            "status": "OPEN",
            "client": {"code": "ACME"},
            "warehouse": {"code": "ATL"},
            "lines": [{"expectedQuantity": 40, "product": {"sku": "TENT-2P"}}],
        }
    ]


def _announced(served: DemoServer, prefix: str = "ASN-AUDIT") -> list[dict]:
    data = served.graphql("provider", ANNOUNCED)
    return [
        edge["node"]
        for edge in data["inboundShipments"]["edges"]
        if edge["node"]["reference"].startswith(prefix)
    ]


def test_staff_announce_a_shipment_for_the_client_they_choose(served, tmp_path):
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, *PEOPLE["staff"])
        link(driver, "Inbound").click()
        wait_for(driver, "form[aria-label='Announce a shipment']")
        wait_for(driver, "#inbound-client option:nth-child(3)")
        # when staff announce Bolt's beans: the SKU is looked up among Bolt's products only
        Select(driver.find_element(By.ID, "inbound-client")).select_by_visible_text(
            "BOLT · Bolt Coffee"
        )
        _type(driver, "inbound-reference", "STAFF-ASN-1")
        wait_for(driver, "#inbound-warehouse option:nth-child(2)")
        Select(driver.find_element(By.ID, "inbound-warehouse")).select_by_visible_text(
            "RNO · Reno DC"
        )
        _type(driver, "inbound-line-0-sku", "TENT-2P")  # ACME's, not Bolt's
        _type(driver, "inbound-line-0-quantity", "12")
        button(driver, "Announce shipment").click()
        wait_for_text(driver, "#inbound-line-0-sku-error", 'No product with SKU "TENT-2P".')
        _type(driver, "inbound-line-0-sku", "BEAN-1KG")
        button(driver, "Announce shipment").click()
        # then it is announced for Bolt, and staff see it among those expected
        wait_for_text(driver, "main [role=status]", "Announced STAFF-ASN-1")
        wait_for(driver, "form[aria-label='Inbound STAFF-ASN-1']")

    assert _announced(served, "STAFF-ASN") == [
        {
            "reference": "STAFF-ASN-1",
            "status": "OPEN",
            "client": {"code": "BOLT"},
            "warehouse": {"code": "RNO"},
            "lines": [{"expectedQuantity": 12, "product": {"sku": "BEAN-1KG"}}],
        }
    ]
