"""People and keys in a real browser against a real demo server: staff invite someone, the
one-time link signs them in, staff deactivate them; keys are made and revoked by staff and
in the client portal, and work (then stop working) against the API at once."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
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
    screenshot,
    sign_in,
    wait_for,
    wait_for_text,
)

pytestmark = pytest.mark.timeout(900)

VIEWER = "{ viewer { kind client { code } } }"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("people-demo")) as server:
        yield server


def _viewer(served: DemoServer, key: str) -> dict:
    answer = httpx.post(
        f"{served.url}/graphql",
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    return answer.json()


def _confirm_dialogs(driver) -> None:
    """window.confirm answers yes, as a person clicking OK would."""
    driver.execute_script("window.confirm = () => true;")


def test_staff_invite_a_person_who_signs_in_by_the_link_and_is_deactivated(served, tmp_path):
    with chromium(tmp_path / "staff") as staff, chromium(tmp_path / "new") as newcomer:
        sign_in(staff, served.url, *PEOPLE["staff"])
        link(staff, "People").click()
        # when staff invite a warehouse operator
        wait_for(staff, "#invite-email").send_keys("wren@northwind.example")
        Select(staff.find_element(By.ID, "invite-role")).select_by_value("WAREHOUSE_OPERATOR")
        button(staff, "Invite").click()
        # then the one-time link is shown, and the person is listed as invited
        url = wait_for(staff, ".secret-value").get_attribute("value")
        assert "/accept-invitation#token=" in url
        wait_for_text(staff, "table[aria-label='People']", "wren@northwind.example")
        screenshot(staff, "console-people")

        # when the person opens the link, names themself and sets a password
        newcomer.get(url)
        wait_for(newcomer, "#name").send_keys("Wren Hale")
        newcomer.find_element(By.ID, "new-password").send_keys("wren-hale-password")
        button(newcomer, "Accept and sign in").click()
        # then they are in the console
        wait_for_text(newcomer, "header .who", "Northwind Fulfilment")
        assert newcomer.current_url == f"{served.url}/"
        # and the link works only once
        with chromium(tmp_path / "again") as again:
            again.get(url)
            wait_for(again, "#name").send_keys("Somebody Else")
            again.find_element(By.ID, "new-password").send_keys("another-password-1")
            button(again, "Accept and sign in").click()
            wait_for_text(again, "[role=alert]", "unknown, used or expired")

        # when staff deactivate them
        staff.refresh()
        wait_for_text(staff, "table[aria-label='People']", "Wren Hale")
        _confirm_dialogs(staff)
        button(staff, "Deactivate wren@northwind.example").click()
        wait_for_text(staff, "table[aria-label='People']", "Deactivated")
        # then their session has ended
        newcomer.refresh()
        wait_for(newcomer, "form[aria-label='Sign in']")


def test_an_invitation_error_shows_beside_its_field(served, tmp_path):
    with chromium(tmp_path) as staff:
        sign_in(staff, served.url, *PEOPLE["staff"])
        link(staff, "People").click()
        wait_for(staff, "#invite-email").send_keys("ops@northwind.example")
        button(staff, "Invite").click()

        error = wait_for(staff, "#invite-email-error")
        assert error.text
        assert staff.find_elements(By.CSS_SELECTOR, ".secret-value") == []


@pytest.mark.parametrize(
    ("face", "kind", "client"),
    [("staff", "PROVIDER", None), ("merchant", "CLIENT", {"code": "ACME"})],
)
def test_a_key_made_in_the_app_works_until_revoked(served, tmp_path, face, kind, client):
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, *PEOPLE[face])
        link(driver, "API keys").click()
        # when a key is created
        wait_for(driver, "#key-name").send_keys(f"{face} shop sync")
        button(driver, "Create key").click()
        secret = wait_for(driver, ".secret-value").get_attribute("value")
        # then it works at once, for its tenant
        assert _viewer(served, secret)["data"]["viewer"] == {"kind": kind, "client": client}
        screenshot(driver, f"{'console' if face == 'staff' else 'client'}-api-keys")
        # when it is revoked
        _confirm_dialogs(driver)
        button(driver, f"Revoke {face} shop sync").click()
        wait_for_text(driver, "table[aria-label='API keys']", "Revoked")
    # then it no longer works
    refused = _viewer(served, secret)
    assert refused["errors"][0]["extensions"]["code"] == "API_KEY_REVOKED"


def test_an_invitation_link_without_its_token_says_so(served, tmp_path):
    with chromium(tmp_path) as driver:
        driver.get(f"{served.url}/accept-invitation")
        wait_for_text(driver, "[role=alert]", "no invitation in it")
