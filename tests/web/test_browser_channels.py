"""A merchant connects a WooCommerce shop (a fake one speaking its REST API and webhooks) in the
client portal of a real demo server: checks it and sees what the shop said, an order with a SKU
the catalog lacks waits for a mapping, mapping it from the page releases the order; staff see
the connection, with what it imported, on the console's Sales channels page and push all its
stock again. A merchant (in the portal) and staff (in the console) each disconnect a shop,
after confirming, and it is shown disconnected with nothing to change."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.fakes.background_server import BackgroundServer
from tests.fakes.woocommerce_server import FakeWooCommerce
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
    screenshot,
    sign_in,
    wait_for,
    wait_for_text,
)

pytestmark = pytest.mark.timeout(600)

WAITING = "table[aria-label='Channel SKUs with no product']"
ORDER = """query($ref: String!) { orders(first: 1, filter: {externalReference: $ref}) {
  edges { node { status lines { sku quantity } } } } }"""
LEVELS = "{ inventoryLevels(first: 50) { edges { node { product { sku } warehouse { code } available } } } }"
CHOICES = """{ clients(first: 10) { edges { node { id code } } }
  warehouses(first: 10) { edges { node { id code } } } }"""
CONNECT = """mutation($input: CreateChannelConnectionInput!) { createChannelConnection(input: $input) {
  channelConnection { id webhookPath } webhookSecret userErrors { code } } }"""
STATE = """query($id: ID!) { node(id: $id) { ... on ChannelConnection { disconnectedAt importOrders } } }"""
MAPPINGS = "{ channelSkuMappings(first: 10) { edges { node { channelSku product { sku } } } } }"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("channels-demo")) as server:
        yield server


def test_a_merchant_connects_a_shop_maps_a_sku_and_staff_see_it(served, tmp_path):
    shop = FakeWooCommerce()
    shop_tent = shop.add_product("SHOP-TENT", stock=0)
    with BackgroundServer(shop.app) as shop_server, chromium(tmp_path) as driver:
        sign_in(driver, served.url, *PEOPLE["merchant"])
        link(driver, "Sales channels").click()
        # when the merchant connects the shop with its consumer key and secret
        form = wait_for(driver, "form[aria-label='Connect a shop']")
        Select(driver.find_element(By.ID, "channel-kind")).select_by_visible_text("WooCommerce")
        driver.find_element(By.ID, "channel-name").send_keys("acme-woo")
        driver.find_element(By.ID, "channel-shop-url").send_keys(shop_server.url)
        wait_for_text(driver, "#channel-warehouse", "RNO")
        Select(driver.find_element(By.ID, "channel-warehouse")).select_by_visible_text(
            "RNO · Reno DC"
        )
        driver.find_element(By.ID, "channel-api-key").send_keys(shop.consumer_key)
        driver.find_element(By.ID, "channel-api-secret").send_keys(shop.consumer_secret)
        button(driver, "Connect shop").click()
        # then the webhook address and its secret are shown once; the credentials are gone
        wait_for_text(driver, "form[aria-label='Connect a shop'] [role=status]", "Connected")
        secret = form.find_element(By.CSS_SELECTOR, ".secret-value").get_attribute("value")
        address = form.find_element(By.CSS_SELECTOR, "code").text
        assert secret
        assert address.startswith(served.url + "/channels/woocommerce/webhook/")
        assert driver.find_element(By.ID, "channel-api-secret").get_attribute("value") == ""
        assert shop.consumer_secret not in driver.page_source
        wait_for_text(driver, "table[aria-label='Sales channels']", "acme-woo")

        # when they check it: the shop's own name comes back
        link(driver, "Check it and map SKUs").click()
        button(driver, "Check connection").click()
        wait_for_text(driver, "main [role=status]", "Reached the shop: 1 Fake Street; currency USD")

        # when the shop sends an order whose SKU names no product, signed with that secret
        wait_for_text(driver, "main dl", "0 imported · 0 held · 0 failed")
        mark_page(driver)
        placed = shop.place_order([("SHOP-TENT", 2)])
        headers, body = shop.webhook(placed, secret, "order.created")
        assert httpx.post(address, content=body, headers=headers, timeout=30).status_code == 200
        reference = f"acme-woo-{placed['id']}"
        # then the page lists the SKU with the order held for it, and counts it, live (the
        # import's order.created makes it read again; no reload)
        wait_for_text(driver, WAITING, "SHOP-TENT")
        wait_for_text(driver, WAITING, reference)
        wait_for_text(driver, "main dl", "0 imported · 1 held · 0 failed")
        assert page_is_marked(driver)
        screenshot(driver, "client-sales-channel")
        assert _order(served, reference)["status"] == "ON_HOLD"
        # and the held order's own page names the SKU and leads back to the mapping
        link(driver, reference).click()
        wait_for_text(driver, "main li code", "SHOP-TENT")
        link(driver, "map them under Sales channels").click()
        link(driver, "acme-woo").click()

        # when they map it to the tent from that row
        button(driver, "Map SHOP-TENT").click()
        product = driver.switch_to.active_element
        assert product.get_attribute("id") == "map-product-sku"
        product.send_keys("TENT-2P")
        button(driver, "Map SKU").click()
        # then the order is released with the tent, and nothing waits any more
        wait_for_text(driver, "main [role=status]", "Mapped SHOP-TENT to TENT-2P")
        wait_for_text(driver, WAITING, "None")
        assert _order(served, reference) == {
            "status": "ALLOCATED",
            "lines": [{"sku": "TENT-2P", "quantity": 2}],
        }
        mappings = served.graphql("client key (ACME", MAPPINGS)["channelSkuMappings"]["edges"]
        assert [m["node"] for m in mappings] == [
            {"channelSku": "SHOP-TENT", "product": {"sku": "TENT-2P"}}
        ]

        # when staff open the console's Sales channels page
        button(driver, "Sign out").click()
        sign_in(driver, served.url, *PEOPLE["staff"])
        link(driver, "Sales channels").click()
        # then ACME's shop is listed with what it imported
        wait_for_text(driver, "table[aria-label='Sales channels']", "acme-woo")
        row = driver.find_element(By.XPATH, "//table[@aria-label='Sales channels']//tr[.//a]")
        assert "ACME" in row.text
        assert "1 Fake Street" in row.text
        assert "1 imported · 0 held · 0 failed" in row.text
        screenshot(driver, "console-sales-channels")
        # when the shop's count of the tent goes wrong, and they push all its stock again
        tents = _available(served, "TENT-2P", "RNO")
        _wait(lambda: _shop_stock(shop, shop_tent) == tents, "the pushes after the mapping")
        with shop.lock:
            shop.products[shop_tent]["stock_quantity"] = 999
        link(driver, "acme-woo").click()
        wait_for_text(driver, "main dl", "ACME · ACME Outdoor")
        driver.find_element(By.XPATH, "//label[contains(., 'Push all stock again')]/input").click()
        button(driver, "Resync").click()
        wait_for_text(
            driver, "form[aria-label='Resync'] [role=status]", "All stock is pushed again."
        )
        # then the shop shows the warehouse's available tents again
        _wait(lambda: _shop_stock(shop, shop_tent) == tents, "the full stock push")


def test_a_merchant_and_staff_disconnect_shops_after_confirming(served, tmp_path):
    # given two WooCommerce shops of ACME, connected through the API
    shops = [FakeWooCommerce(), FakeWooCommerce()]
    with (
        BackgroundServer(shops[0].app) as first_server,
        BackgroundServer(shops[1].app) as second_server,
        chromium(tmp_path) as driver,
    ):
        made = {
            name: _connect(served, name, server.url, shop)
            for name, server, shop in (
                ("acme-gone", first_server, shops[0]),
                ("acme-staff", second_server, shops[1]),
            )
        }
        sign_in(driver, served.url, *PEOPLE["merchant"])
        link(driver, "Sales channels").click()
        link(driver, "acme-gone").click()
        # when the merchant asks to disconnect one and says no
        button(driver, "Disconnect shop").click()
        alert = WebDriverWait(driver, WAIT_S).until(ec.alert_is_present())
        assert alert.text.startswith("Disconnect acme-gone? Orders stop coming in")
        alert.dismiss()
        # then nothing changed
        assert _state(served, made["acme-gone"]["id"])["disconnectedAt"] is None
        # when they ask again and confirm
        button(driver, "Disconnect shop").click()
        WebDriverWait(driver, WAIT_S).until(ec.alert_is_present()).accept()
        # then it is disconnected, with nothing left to change, and the shop's webhooks refused
        wait_for_text(driver, "main [role=status]", "Disconnected.")
        wait_for_text(driver, "main", "nothing flows through it any more")
        assert not driver.find_elements(By.XPATH, "//button[normalize-space()='Check connection']")
        state = _state(served, made["acme-gone"]["id"])
        assert state["disconnectedAt"] is not None
        assert state["importOrders"] is False
        order = shops[0].place_order([("SHOP-TENT", 1)])
        headers, body = shops[0].webhook(order, made["acme-gone"]["secret"], "order.created")
        hook = served.url + made["acme-gone"]["path"]
        assert httpx.post(hook, content=body, headers=headers, timeout=30).status_code == 401

        # when staff disconnect the other shop in the console
        button(driver, "Sign out").click()
        sign_in(driver, served.url, *PEOPLE["staff"])
        link(driver, "Sales channels").click()
        wait_for_text(driver, "table[aria-label='Sales channels']", "acme-staff")
        gone_row = driver.find_element(
            By.XPATH, "//table[@aria-label='Sales channels']//tr[.//a[text()='acme-gone']]"
        )
        assert "Disconnected" in gone_row.text
        link(driver, "acme-staff").click()
        button(driver, "Disconnect shop").click()
        WebDriverWait(driver, WAIT_S).until(ec.alert_is_present()).accept()
        # then
        wait_for_text(driver, "main [role=status]", "Disconnected.")
        assert _state(served, made["acme-staff"]["id"])["disconnectedAt"] is not None


def _connect(served: DemoServer, name: str, url: str, shop: FakeWooCommerce) -> dict[str, str]:
    choices = served.graphql("provider", CHOICES)
    [client] = [e["node"]["id"] for e in choices["clients"]["edges"] if e["node"]["code"] == "ACME"]
    [warehouse] = [
        e["node"]["id"] for e in choices["warehouses"]["edges"] if e["node"]["code"] == "RNO"
    ]
    answer = served.graphql(
        "provider",
        CONNECT,
        {"input": {"clientId": client, "kind": "WOOCOMMERCE", "name": name, "shopUrl": url,
                   "warehouseId": warehouse, "apiKey": shop.consumer_key,
                   "apiSecret": shop.consumer_secret}},
    )["createChannelConnection"]  # fmt: skip
    assert answer["userErrors"] == [], answer
    connection = answer["channelConnection"]
    return {
        "id": connection["id"],
        "path": connection["webhookPath"],
        "secret": answer["webhookSecret"],
    }


def _state(served: DemoServer, connection_id: str) -> dict:
    return served.graphql("provider", STATE, {"id": connection_id})["node"]


def _available(served: DemoServer, sku: str, warehouse: str) -> int:
    edges = served.graphql("client key (ACME", LEVELS)["inventoryLevels"]["edges"]
    [level] = [
        e["node"]
        for e in edges
        if e["node"]["product"]["sku"] == sku and e["node"]["warehouse"]["code"] == warehouse
    ]
    return level["available"]


def _shop_stock(shop: FakeWooCommerce, product_id: int) -> int:
    with shop.lock:
        return shop.products[product_id]["stock_quantity"]


def _wait(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _order(served: DemoServer, reference: str) -> dict:
    edges = served.graphql("client key (ACME", ORDER, {"ref": reference})["orders"]["edges"]
    assert edges, f"no order {reference}"
    return edges[0]["node"]
