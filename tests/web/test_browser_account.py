"""A person's own account in a real browser against a real demo server: the password is
changed from the header of every face, other sessions end with it, and a session that ends
under an open page brings back the sign-in form, which returns to the same page."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from selenium.webdriver.common.by import By

from tests.web.browser import (
    PEOPLE,
    DemoServer,
    button,
    chromium,
    demo_server,
    link,
    mark_page,
    page_is_marked,
    replace_text,
    sign_in,
    wait_for,
    wait_for_text,
)

pytestmark = pytest.mark.timeout(600)

NEW_PASSWORD = "a longer one for the audit"
CHANGE = """mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) { userErrors { field code message } user { id } }
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("account-demo")) as server:
        yield server


class Session:
    """A second sign-in of the same person, outside the browser (the app's own cookies)."""

    def __init__(self, url: str, email: str, password: str):
        self.http = httpx.Client(base_url=url, timeout=30)
        answer = self.http.post("/auth/sign-in", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        csrf = self.http.cookies["crossdock_csrf"]
        answer = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"X-CSRF-Token": csrf},
        )
        return answer.json()


def _fill(driver, label_for: str, text: str) -> None:
    replace_text(driver.find_element(By.ID, label_for), text)


@pytest.mark.parametrize("face", ["staff", "merchant"])
def test_the_password_page_is_in_the_header_of_each_face(served, tmp_path, face):
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, *PEOPLE[face])
        link(driver, "Password").click()
        wait_for_text(driver, "main h1", "Password")
        assert driver.current_url.endswith("/password")


def test_a_password_change_ends_other_sessions_and_an_ended_session_signs_in_again(
    served, tmp_path
):
    email, password = PEOPLE["supplier"]
    elsewhere = Session(served.url, email, password)
    with chromium(tmp_path) as driver:
        sign_in(driver, served.url, email, password)
        link(driver, "Password").click()
        # a wrong current password is refused beside its box, and nothing changes
        _fill(driver, "password-current", "not the password")
        _fill(driver, "password-new", NEW_PASSWORD)
        _fill(driver, "password-repeat", NEW_PASSWORD)
        button(driver, "Change password").click()
        wait_for_text(driver, "#password-current-error", "The current password is wrong.")
        assert "errors" not in elsewhere.graphql("{ viewer { kind } }")

        # the right one changes it: the other session ends, this browser stays signed in
        _fill(driver, "password-current", password)
        button(driver, "Change password").click()
        wait_for_text(driver, "main [role=status]", "Password changed")
        ended = elsewhere.graphql("{ viewer { kind } }")
        assert ended["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
        link(driver, "Stock").click()
        wait_for(driver, "main h1")
        assert driver.find_elements(By.CSS_SELECTOR, "form[aria-label='Sign in']") == []

        # when the browser's own session is ended elsewhere (the password changed back)
        again = Session(served.url, email, NEW_PASSWORD)
        changed = again.graphql(
            CHANGE, {"input": {"currentPassword": NEW_PASSWORD, "newPassword": password}}
        )
        assert changed["data"]["changePassword"]["userErrors"] == []
        mark_page(driver)
        link(driver, "Ship-from address").click()

        # then the open page turns into the sign-in form, saying why, without a reload
        wait_for_text(driver, "form[aria-label='Sign in'] [role=alert]", "session has ended")
        assert page_is_marked(driver)
        assert driver.current_url.endswith("/ship-from")
        driver.find_element(By.ID, "email").send_keys(email)
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form[aria-label='Sign in'] button").click()
        # and signing in again returns to the page it was on
        wait_for_text(driver, "main h1", "Ship-from address")
