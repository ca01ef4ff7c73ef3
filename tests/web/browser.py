"""Debian's Chromium driven by Selenium through Debian's chromedriver, cut off from the outside.

Every request to a host other than loopback goes to a proxy that does not exist, so a page
that reaches for a CDN (or anything else outside) fails visibly instead of quietly working.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from crossdock.demo import DEMO_USERS
from tests.serve_process import Server, crossdock_env, free_port, running
from tests.web.node_tools import CHROMEDRIVER, CHROMIUM, ensure_built, require_browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
WAIT_S = 30.0
PEOPLE = {face: (email, password) for face, email, _, _, _, password in DEMO_USERS}
"""The demo's sign-in details by face (PROVIDER, CLIENT, SUPPLIER)."""
NO_OUTSIDE = "127.0.0.1:9"  # the discard port: nothing listens, every outside request fails


@dataclass
class DemoServer:
    """A `crossdock serve --demo` process and what its start-up printed."""

    server: Server

    @property
    def url(self) -> str:
        return self.server.http_url

    def printed(self, pattern: str) -> str:
        found = re.search(pattern, self.server.output())
        assert found, f"{pattern!r} not in:\n{self.server.output()}"
        return found.group(1)

    def key(self, who: str) -> str:
        """The demo key printed for `who` (`provider`, `client key (ACME`...)."""
        return self.printed(rf"{re.escape(who)}[^\n]*?(cdk_\S+)")

    def graphql(self, who: str, query: str, variables: dict | None = None) -> dict[str, Any]:
        """The `data` of a query sent with the demo key printed for `who`; errors fail."""
        answer = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.key(who)}"},
            timeout=WAIT_S,
        )
        body = answer.json()
        assert answer.status_code == 200, body
        assert not body.get("errors"), body
        return body["data"]


@contextmanager
def demo_server(folder: Path) -> Iterator[DemoServer]:
    """A fresh demo on its own SQLite file and port, with the web app built."""
    ensure_built()
    port = free_port()
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=f"sqlite:///{folder}/crossdock.db",
        CROSSDOCK_ALLOW_PRIVATE_URLS="true",
    )
    command = ["crossdock", "serve", "--demo", "--port", str(port)]
    with running(command, env, folder / "serve.log", port) as server:
        yield DemoServer(server)


@contextmanager
def chromium(downloads: Path) -> Iterator[webdriver.Chrome]:
    """A headless Chromium whose downloads land in `downloads`."""
    require_browser()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--proxy-server={NO_OUTSIDE}",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-gpu",
        "--disable-quic",
        "--disable-sync",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "safebrowsing.enabled": False,
        },
    )
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(WAIT_S)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: webdriver.Chrome, css: str, timeout: float = WAIT_S) -> WebElement:
    """The first element matching `css` once it is visible."""
    return WebDriverWait(driver, timeout).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_for_text(driver: webdriver.Chrome, css: str, text: str, timeout: float = WAIT_S) -> None:
    """Until an element matching `css` contains `text`."""
    WebDriverWait(driver, timeout).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, css), text)
    )


def replace_text(box: WebElement, text: str, timeout: float = WAIT_S) -> None:
    """Replace what `box` holds with `text` as a person would: select all, then type.

    WebDriver's `clear()` empties the box without the input event React listens for, so
    any re-render before the next keystroke (a live event, a blur) puts the old value back
    and the typing lands after it. Keystrokes keep React's state and the box in step; the
    wait makes a box that still disagrees fail here, naming both values.
    """
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(text)
    try:
        WebDriverWait(box.parent, timeout).until(lambda _: box.get_attribute("value") == text)
    except TimeoutException:
        raise AssertionError(
            f"the box holds {box.get_attribute('value')!r}, not {text!r}"
        ) from None


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """A PNG of the page for the README: docs/screenshots/<name>.png when
    CROSSDOCK_UPDATE_SCREENSHOTS=1, else a temporary file (a test run leaves the tree clean)."""
    if os.environ.get("CROSSDOCK_UPDATE_SCREENSHOTS") == "1":
        folder = SCREENSHOTS
    else:
        folder = Path(tempfile.gettempdir()) / "crossdock-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert driver.save_screenshot(str(path)), name
    return path


def wait_for_download(folder: Path, suffix: str, timeout: float = WAIT_S) -> Path:
    """The finished download ending in `suffix`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if not p.name.endswith(".crdownload")]
        if done and done[0].stat().st_size > 0:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} download in {folder}: {list(folder.iterdir())}")


def button(driver: webdriver.Chrome, text: str, timeout: float = WAIT_S) -> WebElement:
    """The enabled button reading `text`, once it can be clicked."""
    xpath = f"//button[normalize-space()={_xpath_literal(text)}]"
    return WebDriverWait(driver, timeout).until(ec.element_to_be_clickable((By.XPATH, xpath)))


def link(driver: webdriver.Chrome, text: str, timeout: float = WAIT_S) -> WebElement:
    """The visible link reading `text`."""
    return WebDriverWait(driver, timeout).until(ec.element_to_be_clickable((By.LINK_TEXT, text)))


def sign_in(driver: webdriver.Chrome, url: str, email: str, password: str) -> None:
    """Sign in through the app's own form and wait for the signed-in face."""
    driver.get(url)
    wait_for(driver, "input#email").send_keys(email)
    driver.find_element(By.CSS_SELECTOR, "input#password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[aria-label='Sign in'] button[type=submit]").click()
    wait_for(driver, "header .who")


def mark_page(driver: webdriver.Chrome) -> None:
    """Leave a mark in this page's window: it survives anything but a reload."""
    driver.execute_script("window.__crossdockMark = 'same page';")


def page_is_marked(driver: webdriver.Chrome) -> bool:
    """Whether the page was not reloaded since `mark_page`."""
    return driver.execute_script("return window.__crossdockMark === 'same page';")


def _xpath_literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ', "\'", '.join(f"'{part}'" for part in parts) + ")"
