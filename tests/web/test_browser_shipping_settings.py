"""The console's shipping settings in a real browser against a real demo server: staff choose
a client, a bad ship-from is refused beside its box and nothing is kept, a good one is saved
with the other settings, and the client's own key reads what was saved."""

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

pytestmark = pytest.mark.timeout(900)

OWN_SETTINGS = """{ shippingSettings { rule automaticDispatch currency labelFormat
  shipFrom { line1 city country } } }"""
BOLT = "client key (Bolt Coffee)"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("shipping-settings-demo")) as server:
        yield server


def _type_ship_from(driver, country: str) -> None:
    for box, value in (
        ("shipFrom-name", "Bolt roastery"),
        ("shipFrom-line1", "7 Kiln Lane"),
        ("shipFrom-city", "Bristol"),
        ("shipFrom-postalCode", "BS1 5TR"),
        ("shipFrom-country", country),
    ):
        replace_text(wait_for(driver, f"input#{box}"), value)


def test_staff_set_a_clients_shipping_settings_with_refusals_beside_their_fields(served, tmp_path):
    with chromium(tmp_path) as staff:
        sign_in(staff, served.url, *PEOPLE["staff"])
        link(staff, "Shipping").click()
        wait_for_text(staff, "#shipping-title", "Shipping settings")
        wait_for_text(staff, "#shipping-client", "BOLT")
        Select(staff.find_element(By.ID, "shipping-client")).select_by_visible_text(
            "BOLT · Bolt Coffee"
        )
        wait_for_text(staff, "form[aria-label='Shipping settings'] h2", "BOLT · Bolt Coffee")
        # when: staff choose the fastest rate, PDF labels and automatic dispatch, and ship
        # from the roastery, its country misspelt
        Select(staff.find_element(By.ID, "shipping-rule")).select_by_value("FASTEST")
        Select(staff.find_element(By.ID, "shipping-label-format")).select_by_value("PDF")
        staff.find_element(By.ID, "shipping-automatic-dispatch").click()
        staff.find_element(By.XPATH, '//label[contains(., "each warehouse\'s address")]').click()
        _type_ship_from(staff, "Britain")
        button(staff, "Save settings").click()
        # then: the refusal is beside the country box and nothing was kept
        wait_for_text(staff, "#shipFrom-country-error", "two-letter ISO 3166-1 code")
        unchanged = served.graphql(BOLT, OWN_SETTINGS)["shippingSettings"]
        assert (unchanged["rule"], unchanged["automaticDispatch"]) == ("CHEAPEST", False)
        assert unchanged["shipFrom"] is None
        # when: the country is put right
        replace_text(staff.find_element(By.ID, "shipFrom-country"), "GB")
        button(staff, "Save settings").click()
        # then: saved, and the client reads every setting as the page sent it
        wait_for_text(staff, "form[aria-label='Shipping settings'] [role=status]", "Saved")
    saved = served.graphql(BOLT, OWN_SETTINGS)["shippingSettings"]
    assert saved == {
        "rule": "FASTEST",
        "automaticDispatch": True,
        "currency": "USD",
        "labelFormat": "PDF",
        "shipFrom": {"line1": "7 Kiln Lane", "city": "Bristol", "country": "GB"},
    }
