"""The console's carrier accounts, rate cards, role changes, sign-ins and exceptions in a real browser
against a real demo server: staff sign in, open each page and do its main action, and the
API answers the change at once."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

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

ACCOUNTS = """{ carrierAccounts(first: 20) { edges { node { name enabled client { code } } } } }"""
CARDS = "{ rateCards(first: 20) { edges { node { version pickPerOrder client { code } } } } }"
EXCEPTIONS = (
    "{ orders(first: 100, filter: {status: [EXCEPTION]}) { edges { node { externalReference } } } }"
)
EXCEPTIONS_TABLE = "table[aria-label='Fulfillment orders in exception']"
USERS = '{ users(first: 50, filter: {email: "rey@northwind.example"}) { edges { node { role } } } }'


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("console-admin-demo")) as server:
        yield server


def _retype(element, text: str) -> None:
    """Replace a text box's value as a person would: select all, type."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text)


def _role_of_rey(served: DemoServer) -> str | None:
    found = served.graphql("provider", USERS)["users"]["edges"]
    return found[0]["node"]["role"] if found else None


def _only_refusals_listed(driver) -> bool:
    rows = driver.find_elements(By.CSS_SELECTOR, "table[aria-label='Sign-ins'] tbody tr")
    texts = [row.text for row in rows]
    return bool(texts) and all("Refused" in text for text in texts)


def test_staff_add_a_carrier_account_and_disable_it(served, tmp_path):
    with chromium(tmp_path) as staff:
        sign_in(staff, served.url, *PEOPLE["staff"])
        link(staff, "Carriers").click()
        wait_for_text(staff, "table[aria-label='Carrier accounts']", "crossdock-post")
        # when staff add a rate-table account for Bolt Coffee
        client = Select(wait_for(staff, "#carrier-client"))
        wait_for_text(staff, "#carrier-client", "BOLT")
        client.select_by_visible_text("BOLT · Bolt Coffee")
        staff.find_element(By.ID, "carrier-name").send_keys("bolt-ground")
        button(staff, "Add account").click()
        # then it is listed, enabled, and the API has it
        wait_for_text(staff, "table[aria-label='Carrier accounts']", "bolt-ground")
        screenshot(staff, "console-carriers")
        # when they disable it
        button(staff, "Disable BOLT bolt-ground").click()
        button(staff, "Enable BOLT bolt-ground")
    accounts = served.graphql("provider", ACCOUNTS)["carrierAccounts"]["edges"]
    assert {"name": "bolt-ground", "enabled": False, "client": {"code": "BOLT"}} in [
        edge["node"] for edge in accounts
    ]


def test_staff_edit_the_default_rate_card_as_its_next_version(served, tmp_path):
    with chromium(tmp_path) as staff:
        sign_in(staff, served.url, *PEOPLE["staff"])
        link(staff, "Rate cards").click()
        wait_for_text(staff, "table[aria-label='Rate cards']", "Default")
        # when staff edit the demo's default card and raise its pick price
        button(staff, "Edit default version 1").click()
        wait_for_text(
            staff, "form[aria-label='Rate card version'] h2", "Next version of Default v1"
        )
        _retype(staff.find_element(By.ID, "card-pickPerOrder"), "2.40")
        button(staff, "Save version").click()
        # then version 2 is saved and listed, its price in dollars
        wait_for_text(
            staff, "form[aria-label='Rate card version'] [role=status]", "Version 2 saved."
        )
        wait_for_text(staff, "table[aria-label='Rate cards']", "$2.40")
        screenshot(staff, "console-rate-cards")
    versions = served.graphql("provider", CARDS)["rateCards"]["edges"]
    assert {"version": 2, "pickPerOrder": "2.4", "client": None} in [e["node"] for e in versions]


def test_staff_change_a_persons_role_and_see_refused_sign_ins(served, tmp_path):
    # given: an invited operator, and a wrong password tried for the merchant
    served.graphql(
        "provider",
        'mutation { inviteUser(input: {email: "rey@northwind.example", '
        "role: WAREHOUSE_OPERATOR}) { userErrors { code } } }",
    )
    refused = httpx.post(
        f"{served.url}/auth/sign-in",
        json={"email": PEOPLE["merchant"][0], "password": "not-the-password"},
        headers={"Origin": served.url},
        timeout=30,
    )
    assert refused.status_code == 401
    with chromium(tmp_path) as staff:
        sign_in(staff, served.url, *PEOPLE["staff"])
        # when staff make the operator a billing clerk on the People page
        link(staff, "People").click()
        role = wait_for(staff, "select[aria-label='Role of rey@northwind.example']")
        Select(role).select_by_value("BILLING")
        wait_for_text(staff, "table[aria-label='People']", "rey@northwind.example")
        # then the API has the new role
        WebDriverWait(staff, 30).until(lambda _: _role_of_rey(served) == "BILLING")
        # and the Sign-ins page shows the merchant's refused attempt and staff's own sign-in
        link(staff, "Sign-ins").click()
        wait_for_text(staff, "table[aria-label='Sign-ins']", "Refused: wrong password")
        wait_for_text(staff, "table[aria-label='Sign-ins']", "Olivia Ortega")
        staff.find_element(By.XPATH, "//label[contains(., 'Refused only')]/input").click()
        WebDriverWait(staff, 30, ignored_exceptions=[StaleElementReferenceException]).until(
            _only_refusals_listed
        )
        screenshot(staff, "console-sign-ins")
        assert "not-the-password" not in staff.page_source


def test_staff_open_the_exceptions_page(served, tmp_path):
    """The page's query is one the real server answers: its table lists what the API lists."""
    with chromium(tmp_path) as staff:
        sign_in(staff, served.url, *PEOPLE["staff"])
        link(staff, "Exceptions").click()
        table = wait_for(staff, EXCEPTIONS_TABLE)
        references = [
            edge["node"]["externalReference"]
            for edge in served.graphql("provider", EXCEPTIONS)["orders"]["edges"]
        ]
        if references:
            for reference in references:
                wait_for_text(staff, EXCEPTIONS_TABLE, reference)
        else:
            assert "No fulfillment order is in exception." in table.text
        assert not staff.find_elements(By.CSS_SELECTOR, "[role='alert']")
        screenshot(staff, "console-exceptions")
